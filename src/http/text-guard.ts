// NUL characters are refused in every request's body, query and params, with a 400 naming the
// field. PostgreSQL cannot store U+0000 in text (it would fail the statement: a 500), and
// SQLite stores it but cuts strings at it in some functions; no field of this API has a use
// for it. Both engines answer the same.
import type { FastifyInstance } from 'fastify';
import { badRequest } from './errors.js';

// A key that is no field name (garbage a client sent) is not repeated back: its container is named.
const FIELD_NAME = /^[A-Za-z][\w-]*$/;

function findNul(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    if (key.includes('\u0000')) return path;
    const found = findNul(child, !FIELD_NAME.test(key) ? path : path === '' ? key : `${path}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Throws 400 when `value` holds a NUL character anywhere. */
export function refuseNul(value: unknown, where: string): void {
  const field = findNul(value, '');
  if (field !== undefined) throw badRequest(field === '' ? where : field, 'must not contain NUL characters');
}

export function installTextGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    refuseNul(request.params, 'params');
    refuseNul(request.query, 'query');
    // Signed webhook routes parse their body later, in their own hook, and check it there.
    if (request.body !== undefined) refuseNul(request.body, 'body');
  });
}
