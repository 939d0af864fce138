// POST /xd/client/translate: through a LibreTranslate-compatible server, cached in the database.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Guard } from '../auth/auth.guard.js';
import { Envelope, ErrorEnvelope, errorResponses } from '../http/envelope.schemas.js';
import { badRequest, ok } from '../http/errors.js';
import type { TranslateService } from './translate.service.js';

// ISO 639 codes as LibreTranslate names them: en, zh, pt-BR, zh-Hant.
const LANG = '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$';

const TranslateBody = Type.Object(
  {
    text: Type.String({ minLength: 1, description: 'at most 5,000 characters (413 beyond)' }),
    to: Type.String({ pattern: LANG, description: 'target language, e.g. en, zh, pt-BR' }),
    from: Type.Optional(Type.String({ pattern: `(${LANG})|^auto$`, description: 'source language; default auto' })),
  },
  { additionalProperties: false },
);

const TranslateAnswer = Type.Object({
  text: Type.String(),
  from: Type.String({ description: 'the source language; the detected one when asked with auto' }),
  to: Type.String(),
  provider: Type.Literal('libretranslate'),
  cached: Type.Boolean(),
});

export interface TranslateRoutesDeps {
  translate: TranslateService;
  guard: Guard;
}

export const translateRoutes: FastifyPluginAsyncTypebox<TranslateRoutesDeps> = async (app, deps) => {
  app.post(
    '/translate',
    {
      onRequest: deps.guard(),
      // Each miss costs the translator real work; keep one console from flooding it.
      config: { rateLimit: { max: 120, timeWindow: '1 minute', keyGenerator: (request) => `translate|${String(request.headers.token ?? request.ip)}` } },
      schema: {
        tags: ['translation'],
        summary: 'Translate a text (503 when the translator is not configured or down)',
        security: [{ token: [] }],
        body: TranslateBody,
        response: { 200: Envelope(TranslateAnswer), ...errorResponses, 413: ErrorEnvelope, 429: ErrorEnvelope, 503: ErrorEnvelope },
      },
    },
    async (request) => {
      const { text, to, from = 'auto' } = request.body;
      if (text.trim() === '') throw badRequest('text', 'must not be blank');
      return ok(await deps.translate(text, from, to));
    },
  );
};
