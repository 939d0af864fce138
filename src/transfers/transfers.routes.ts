// GET /xd/client/transferSeats, POST /xd/client/transfer, POST /xd/client/transferSource.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { currentUser, type Guard } from '../auth/auth.guard.js';
import { ok } from '../http/errors.js';
import { rejectControlCharacters } from '../http/input-rules.js';
import type { Transfers } from './transfers.js';
import {
  TransferBody,
  TransferHeaders,
  TransferResponse,
  TransferSeatsQuery,
  TransferSeatsResponse,
  TransferSourceBody,
  TransferSourceResponse,
} from './transfers.schemas.js';

export interface TransferRoutesDeps {
  transfers: Transfers;
  guard: Guard;
}

export const transferRoutes: FastifyPluginAsyncTypebox<TransferRoutesDeps> = async (app, { transfers, guard }) => {
  app.get(
    '/transferSeats',
    {
      onRequest: guard(),
      schema: {
        tags: ['transfers'],
        summary: "Seats of the caller's branch (caller excluded) whose name or username contains `name`, with online state",
        security: [{ token: [] }],
        querystring: TransferSeatsQuery,
        response: TransferSeatsResponse,
      },
    },
    async (request) => {
      const user = currentUser(request);
      rejectControlCharacters('querystring.name', request.query.name ?? '');
      return ok(await transfers.searchSeats(user, request.query.name ?? ''));
    },
  );

  app.post(
    '/transfer',
    {
      onRequest: guard(),
      schema: {
        tags: ['transfers'],
        summary: 'Move a target and its conversation to another seat of the same branch; pushes transfer:in/out and transfer',
        description:
          'Only the current owner, a supervisor or branch manager of its branch, or a master/admin may transfer. ' +
          'A retried request with the same `requestId` (or `Idempotency-Key` header) answers the first transferId.',
        security: [{ token: [] }],
        body: TransferBody,
        headers: TransferHeaders,
        response: TransferResponse,
      },
    },
    async (request) => {
      const { receId, toCustServId, reason, requestId } = request.body;
      const outcome = await transfers.transfer(currentUser(request), {
        targetId: Number(receId),
        toSeatId: Number(toCustServId),
        reason: reason === undefined || reason.trim() === '' ? null : reason.trim(),
        requestId: requestId ?? request.headers['idempotency-key'] ?? null,
      });
      return ok({ transferId: String(outcome.transferId) });
    },
  );

  app.post(
    '/transferSource',
    {
      onRequest: guard(),
      schema: {
        tags: ['transfers'],
        summary: 'Who transferred the target to its current seat, why and when (404 if it never was)',
        security: [{ token: [] }],
        body: TransferSourceBody,
        response: TransferSourceResponse,
      },
    },
    async (request) => ok(await transfers.source(currentUser(request), Number(request.body.receId))),
  );
};
