// Server-side Socket.IO types: the typed server and socket, and what the hub keeps per socket.
import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, Role, ServerToClientEvents } from './events.js';

export interface InterServerEvents {
  /** Another instance changed menus or role grants: re-read the permission version. */
  'permissions:changed': (version: number) => void;
}

export interface SocketData {
  userId: number;
  role: Role;
  branchId: number | null;
  tokenId: number;
  /** When the token expires: the socket is closed then. */
  expiresAt: number;
}

export type HubServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type HubSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
