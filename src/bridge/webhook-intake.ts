// What the WAHA and Evolution webhooks share: the raw body kept for the signature, the check of
// that signature before the JSON is even parsed, strict payload checks that name the field,
// and a count of the events the hub does not handle (answered 200 so the bridge never retries
// them in a loop).
import { refuseNul } from '../http/text-guard.js';
import type { TSchema, Static } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, hubError } from '../http/errors.js';
import { Type } from '@sinclair/typebox';
import { Envelope, errorResponses, ErrorEnvelope, Id } from '../http/envelope.schemas.js';

export function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Equal strings, compared in constant time whatever their lengths. */
export function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Keeps the body as text, runs `verify` on it (throwing 401 on failure) and only then parses
 * the JSON (400 when malformed).
 */
export function installSignedJson(app: FastifyInstance, verify: (request: FastifyRequest, raw: string) => void): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    request.rawBody = body as string;
    done(null, undefined);
  });
  app.addHook('preValidation', async (request) => {
    const raw = request.rawBody ?? '';
    verify(request, raw);
    try {
      request.body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      throw hubError('malformed_json', 'body: malformed JSON');
    }
    if (request.body === undefined || request.body === null || typeof request.body !== 'object') throw badRequest('body', 'must be a JSON object');
    refuseNul(request.body, 'body');
  });
}

export const badSignature = (why: string) => hubError('bad_signature', why);

/** A compiled check that throws 400 naming the first failing field under `prefix`. */
export function payloadCheck<T extends TSchema>(schema: T, prefix: string): (value: unknown) => Static<T> {
  const check: TypeCheck<T> = TypeCompiler.Compile(schema);
  return (value) => {
    if (check.Check(value)) return value;
    const first = check.Errors(value).First();
    const field = [prefix, ...(first?.path.split('/').filter(Boolean) ?? [])].join('.');
    throw badRequest(field, first?.message.toLowerCase() ?? 'is invalid');
  };
}

/** Events the hub received but does not handle, per driver and event name. */
export function createUnhandledEvents(log?: { info(o: object, m: string): void }) {
  const counts = new Map<string, number>();
  return {
    count(driver: string, event: string): number {
      const key = `${driver}:${event}`;
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      // Enough to see a misconfigured webhook subscribing to everything, without a line per event.
      if (n === 1 || n % 100 === 0) log?.info({ driver, event, count: n }, 'bridge webhook event not handled');
      return n;
    },
    snapshot(): Record<string, number> {
      return Object.fromEntries(counts);
    },
  };
}

export type UnhandledEvents = ReturnType<typeof createUnhandledEvents>;

const NullableId = Type.Union([Id, Type.Null()]);

/** What a webhook answers: whether the event was handled, and what it stored. */
export const WebhookAnswer = {
  200: Envelope(
    Type.Object({
      event: Type.String(),
      handled: Type.Boolean(),
      duplicate: Type.Optional(Type.Boolean()),
      msgId: Type.Optional(NullableId),
      receId: Type.Optional(NullableId),
      status: Type.Optional(Type.String()),
      ignored: Type.Optional(Type.String({ description: 'why an event changed nothing' })),
    }),
  ),
  ...errorResponses,
  401: ErrorEnvelope,
};
