// Evolution API authenticates its webhook with what the instance's webhook `headers` say:
// either a fixed header (`x-hub-secret: <secret>`) or, with `jwt_key`, a fresh HS256 JWT
// `{iat, exp: iat + 600, app: "evolution", action: "webhook"}` as `Authorization: Bearer`.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { badSignature, headerOf, sameSecret } from '../webhook-intake.js';

const SKEW_S = 5 * 60;

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Verifies an HS256 JWT and its time claims; returns why it fails, or null when it holds. */
export function jwtProblem(token: string, secret: string, nowMs: number): string | null {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) return 'not a JWT';
  const [head, body, signature] = parts as [string, string, string];
  // The algorithm is fixed here, never taken from the token (no "none", no RS/HS confusion).
  if (decodeJson(head)?.alg !== 'HS256') return 'alg must be HS256';
  const expected = createHmac('sha256', secret).update(`${head}.${body}`).digest();
  const actual = Buffer.from(signature, 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return 'signature does not verify';
  const claims = decodeJson(body);
  if (!claims) return 'payload is not JSON';
  const now = Math.floor(nowMs / 1000);
  if (typeof claims.exp !== 'number' || claims.exp + SKEW_S < now) return 'expired';
  if (typeof claims.iat === 'number' && claims.iat - SKEW_S > now) return 'issued in the future';
  return null;
}

export function verifyEvolutionRequest(request: FastifyRequest, secret: string, nowMs: number): void {
  const header = headerOf(request, 'x-hub-secret');
  if (header !== undefined) {
    if (!sameSecret(header, secret)) throw badSignature('x-hub-secret: does not match');
    return;
  }
  const authorization = headerOf(request, 'authorization');
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!bearer) throw badSignature('x-hub-secret or Authorization: Bearer <JWT> is required');
  const problem = jwtProblem(bearer, secret, nowMs);
  if (problem) throw badSignature(`authorization: JWT ${problem}`);
}
