// Standard Webhooks verification for the bridge's calls. Installed inside the bridge's
// encapsulated plugin only: it keeps the raw body text (the signature covers those exact
// bytes), checks the signature and the 5-minute tolerance before anything else, and only then
// parses the JSON, so an unsigned request learns nothing about what a valid body looks like.
import { refuseNul } from '../http/text-guard.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, unauthorized } from '../http/errors.js';
import { createWebhookVerifier } from './webhook-signature.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body text as received, for signature checks. */
    rawBody?: string;
    /** The verified `webhook-id` of a bridge call. */
    webhookId?: string;
  }
}

const headerOf = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

export function installWebhookVerification(app: FastifyInstance, secret: string): void {
  const verifyWebhook = createWebhookVerifier(secret);

  // Any content type: the bytes are kept as text and judged after the signature.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    request.rawBody = body as string;
    done(null, undefined);
  });

  app.addHook('preValidation', async (request) => {
    const raw = request.rawBody ?? '';
    const id = headerOf(request, 'webhook-id');
    const timestamp = headerOf(request, 'webhook-timestamp');
    const signature = headerOf(request, 'webhook-signature');
    if (!id || !timestamp || !signature) throw unauthorized('webhook-signature: webhook-id, webhook-timestamp and webhook-signature are required');
    // Constant-time compare and the 5-minute tolerance, both ways.
    if (verifyWebhook(raw, { id, timestamp, signature }) !== 'ok') throw unauthorized('webhook-signature: invalid signature or stale timestamp');
    if (id.length > 200) throw badRequest('webhook-id', 'must be at most 200 characters');
    request.webhookId = id;
    try {
      request.body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      throw badRequest('body', 'malformed JSON');
    }
    if (request.body === undefined) throw badRequest('body', 'is required');
    refuseNul(request.body, 'body');
  });
}
