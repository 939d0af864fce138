// Wraps a client→server event: the payload is checked against its TypeBox schema (400 naming
// the field), errors become `{code, msg}` acks, and a client that sent no ack function (or
// garbage in its place) cannot crash the handler.
import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { AuthUser } from '../auth/auth.repository.js';
import type { Role } from '../db/schema.js';
import { HubError, SUCCESS_MSG } from '../http/errors.js';
import type { Ack } from './events.js';
import type { HubSocket } from './hub-server.js';

/** The socket's user as the access rules expect it (names are not needed by them). */
export function socketUser(socket: HubSocket): AuthUser {
  const { userId, role, branchId, tokenId } = socket.data;
  return { id: userId, username: '', name: '', role: role as Role, branchId, tokenId };
}

export function ackFailure(error: unknown): Ack<never> {
  if (error instanceof HubError) return { code: error.code, msg: error.message, error: error.error };
  return { code: 500, msg: 'internal error', error: 'internal' };
}

export function socketHandler<S extends TSchema, R>(
  schema: S,
  run: (input: Static<S>, socket: HubSocket) => R | Promise<R>,
  onInternalError?: (error: unknown) => void,
) {
  const check = TypeCompiler.Compile(schema);
  return (socket: HubSocket) =>
    async (input: unknown, ack: unknown): Promise<void> => {
      const reply = typeof ack === 'function' ? (ack as (a: Ack<R>) => void) : () => undefined;
      if (!check.Check(input)) {
        const first = check.Errors(input).First();
        const field = first?.path.split('/').filter(Boolean).join('.') || 'payload';
        reply({ code: 400, msg: `${field}: ${first?.message ?? 'is invalid'}`, error: 'bad_request' });
        return;
      }
      try {
        reply({ code: 200, msg: SUCCESS_MSG, data: await run(input, socket) });
      } catch (error) {
        if (!(error instanceof HubError)) onInternalError?.(error);
        reply(ackFailure(error));
      }
    };
}
