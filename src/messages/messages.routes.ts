// REST twins of the socket events: POST /xd/client/sendMessage, PUT /xd/client/updateMessage.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { currentUser, type Guard } from '../auth/auth.guard.js';
import { ok } from '../http/errors.js';
import type { Messaging } from './messaging.service.js';
import { SendInput, SendResponse, UpdateInput, UpdateResponse } from './messages.schemas.js';

export interface MessageRoutesDeps {
  guard: Guard;
  messaging: Messaging;
}

export const messageRoutes: FastifyPluginAsyncTypebox<MessageRoutesDeps> = async (app, { guard, messaging }) => {
  app.post(
    '/sendMessage',
    {
      onRequest: guard('seat'),
      schema: {
        tags: ['client'],
        summary: 'Send a reply through the bridge (REST twin of message:send); idempotent per clientMsgId',
        security: [{ token: [] }],
        body: SendInput,
        response: SendResponse,
      },
    },
    async (request) => ok(await messaging.send(currentUser(request), request.body)),
  );

  app.put(
    '/updateMessage',
    {
      onRequest: guard(),
      schema: {
        tags: ['client'],
        summary: "Mark a target's messages read (all or listed) or recall the seat's own replies",
        security: [{ token: [] }],
        body: UpdateInput,
        response: UpdateResponse,
      },
    },
    async (request) => ok(await messaging.update(currentUser(request), request.body)),
  );
};
