// The typed Socket.IO contract, shared by the server, clients and tests.
import type { Server, Socket } from 'socket.io';

export interface Ack<T = unknown> {
  code: number;
  msg: string;
  data?: T;
}
export type AckFn<T = unknown> = (ack: Ack<T>) => void;

export interface PushedMessage {
  msgId: string;
  contentType: string;
  content: string;
  sendTime: string;
  sendTimeMs: number;
  sender: 0 | 1;
  contReadState: '0' | '1';
  status: string;
  thumb?: string | null;
}

export interface MessageNewPayload {
  accountId: string;
  receId: string;
  receName: string;
  convType: string;
  message: PushedMessage;
  cursor: number;
}

export interface MessageUpdatedPayload {
  msgId: string;
  receId: string;
  status?: string;
  contReadState?: '0' | '1';
  reason?: string | null;
  cursor: number;
}

export interface TransferPayload {
  transferId: string;
  receId: string;
  receName: string;
  fromCustServId: string;
  toCustServId: string;
  reason: string | null;
  cursor: number;
}

export interface FansCountPayload {
  custServId: string;
  date: string;
  count: number;
  cursor: number;
}

export interface AccountStatusPayload {
  accountId: string;
  phone: string;
  status: string;
  reason: string | null;
  cursor: number;
}

export interface SeatPresencePayload {
  custServId: string;
  online: boolean;
  cursor: number;
}

export interface RepliesChangedPayload {
  scope: 'seat' | 'branch';
  contentId: string;
  change: 'created' | 'deleted';
  cursor: number;
}

export interface ServerToClientEvents {
  'message:new': (payload: MessageNewPayload) => void;
  'message:updated': (payload: MessageUpdatedPayload) => void;
  'transfer:in': (payload: TransferPayload) => void;
  'transfer:out': (payload: TransferPayload) => void;
  transfer: (payload: TransferPayload) => void;
  'fans:count': (payload: FansCountPayload) => void;
  'account:status': (payload: AccountStatusPayload) => void;
  'seat:presence': (payload: SeatPresencePayload) => void;
  'replies:changed': (payload: RepliesChangedPayload) => void;
}

export interface MessageSendInput {
  accountId: string;
  receId: string;
  contentType: string;
  content: string;
  clientMsgId: string;
}

export interface ClientToServerEvents {
  'message:send': (input: MessageSendInput, ack: AckFn<{ msgId: string; status: string }>) => void;
  'message:read': (input: { receId: string }, ack: AckFn<{ updated: number }>) => void;
  watch: (input: { custServId: string }, ack: AckFn<{ watching: string }>) => void;
  unwatch: (input: { custServId: string }, ack: AckFn<{ watching: string }>) => void;
}

export type InterServerEvents = Record<string, never>;

export interface SocketData {
  userId: number;
  role: string;
  branchId: number | null;
  tokenId: number;
}

export type HubServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type HubSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
