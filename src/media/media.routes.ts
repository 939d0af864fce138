// POST /xd/client/originalImage and GET /xd/media/:fileName.
// <img> tags cannot send headers, so the media route also takes the token as `?token=`.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Access } from '../access/access.js';
import type { AuthRepository, AuthUser } from '../auth/auth.repository.js';
import { currentUser, type Guard } from '../auth/auth.guard.js';
import { Envelope, ErrorEnvelope, Id, errorResponses } from '../http/envelope.schemas.js';
import { HubError, badRequest, forbidden, notFound, ok, unauthorized } from '../http/errors.js';
import type { Clock } from '../time.js';
import { MEDIA_FILE_PATTERN } from './image-types.js';
import type { MediaRepository } from './media.repository.js';
import type { OriginalImages } from './original-images.js';
import { exactQueryParam } from '../http/query-token.js';

export interface MediaRoutesDeps {
  media: MediaRepository;
  originals: OriginalImages;
  access: Access;
  authRepository: AuthRepository;
  guard: Guard;
  clock: Clock;
  /** The permission check for the media route, which resolves its own token (header or query). */
  permitMedia?: (user: AuthUser) => void;
}

/** Originals never change under a name, so browsers may keep them; `private` keeps them out of shared caches. */
const CACHE_CONTROL = 'private, max-age=86400, immutable';

export const mediaRoutes: FastifyPluginAsyncTypebox<MediaRoutesDeps> = async (app, deps) => {
  const { media, originals, access } = deps;

  /** Re-states an access failure on the target in terms of the field the caller sent. */
  async function targetOf(user: Parameters<Access['targetFor']>[0], targetId: number, field: string) {
    try {
      return await access.targetFor(user, targetId);
    } catch (error) {
      if (error instanceof HubError && error.code === 403) throw forbidden(`${field}: not a message you may see`);
      if (error instanceof HubError && error.code === 404) throw notFound(field);
      throw error;
    }
  }

  app.post(
    '/client/originalImage',
    {
      onRequest: deps.guard(),
      schema: {
        tags: ['media'],
        summary: 'The original of an image message: fetched from the bridge once, then served from /xd/media',
        security: [{ token: [] }],
        body: Type.Object({ msgId: Id }, { additionalProperties: false }),
        response: { 200: Envelope(Type.Object({ url: Type.String() })), ...errorResponses, 503: ErrorEnvelope },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const message = await media.findMessage(Number(request.body.msgId));
      if (!message) throw notFound('msgId');
      await targetOf(user, message.targetId, 'msgId');
      if (message.contentType !== '2') throw badRequest('msgId', 'is not an image message (contentType 2)');
      if (!message.mediaRef) throw notFound('original image of msgId');
      const file = await originals.ensure({ id: message.id, phone: message.phone, mediaRef: message.mediaRef });
      return ok({ url: `/xd/media/${file.fileName}` });
    },
  );

  app.get(
    '/media/:fileName',
    {
      schema: {
        tags: ['media'],
        summary: 'An original image; token in the `token` header or, for <img> tags, the `token` query parameter',
        security: [{ token: [] }],
        params: Type.Object({ fileName: Type.String({ pattern: MEDIA_FILE_PATTERN }) }),
        querystring: Type.Object({ token: Type.Optional(Type.String({ maxLength: 64 })) }),
        response: { ...errorResponses },
      },
    },
    async (request, typedReply) => {
      // The body is a file stream, not an envelope, so the schema-typed reply does not fit it.
      const reply = typedReply as unknown as FastifyReply;
      const header = request.headers.token;
      // From the raw URL: a token is accepted only under its exact name, never as `%74oken`.
      const token = (Array.isArray(header) ? header[0] : header) ?? exactQueryParam(request.url, 'token');
      if (!token) throw unauthorized('token: header or query parameter is required');
      const user = await deps.authRepository.resolveToken(token, deps.clock.now());
      if (!user) throw unauthorized('token: invalid, expired or revoked');
      await deps.permitMedia?.(user);
      const found = await media.byFileName(request.params.fileName);
      if (!found) throw notFound('media file');
      await targetOf(user, found.targetId, 'fileName');

      const path = originals.pathOf(found.file.fileName);
      const onDisk = await stat(path).catch(() => undefined);
      if (!onDisk) throw notFound('media file');
      const etag = `"${found.file.fileName.replace(/\.\w+$/, '')}"`;
      void reply
        .header('cache-control', CACHE_CONTROL)
        .header('etag', etag)
        .header('x-content-type-options', 'nosniff')
        .header('vary', 'token');
      const ifNoneMatch = request.headers['if-none-match'];
      if (ifNoneMatch && ifNoneMatch.split(',').map((s) => s.trim()).includes(etag)) return reply.status(304).send();
      return reply.header('content-type', found.file.contentType).header('content-length', onDisk.size).send(createReadStream(path));
    },
  );
};
