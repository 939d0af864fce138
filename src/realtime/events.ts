// The typed Socket.IO contract, shared by the server, the web console and tests.
// It imports nothing: browsers compile it too. The server-side aliases live in hub-server.ts.

export type Role = 'master' | 'admin' | 'branch' | 'supervisor' | 'seat';
export type ConvType = 'biDirFriend' | 'uniDirFriend' | 'stranger' | 'group';
export type MessageStatus = 'received' | 'pending' | 'sent' | 'delivered' | 'read' | 'failed' | 'recalled';
export type AccountStatus = 'online' | 'offline' | 'banned' | 'loginRequired';
export type ProxyStatus = 'unknown' | 'ok' | 'down' | 'expired';
export type GroupPullStatus = 'queued' | 'running' | 'paused' | 'done' | 'failed' | 'cancelled';

export interface Ack<T = unknown> {
  code: number;
  msg: string;
  data?: T;
  /** On failure: the stable code from the hub's error catalogue (`permission_denied`, …). */
  error?: string;
}
export type AckFn<T = unknown> = (ack: Ack<T>) => void;

/**
 * Where a push stands in the stream of the seat it belongs to: `seq` runs 1, 2, 3, … per seat
 * with no gaps, so a client that sees `seq > last + 1` knows it missed something and catches up
 * with `timelineAlerts {custServId, sinceSeq: last}`. Watchers of the seat see the same numbers.
 */
export interface SeatStream {
  custServId: string;
  seq: number;
}

export interface PushedMessage {
  msgId: string;
  contentType: string;
  content: string;
  sendTime: string;
  sendTimeMs: number;
  sender: 0 | 1;
  contReadState: '0' | '1';
  status: MessageStatus;
  thumb?: string | null;
}

export interface MessageNewPayload {
  accountId: string;
  receId: string;
  receName: string;
  convType: ConvType;
  message: PushedMessage;
  cursor: number;
  custServId: string;
  seq: number;
}

export interface MessageUpdatedPayload {
  msgId: string;
  receId: string;
  status?: MessageStatus;
  contReadState?: '0' | '1';
  reason?: string | null;
  cursor: number;
  custServId: string;
  seq: number;
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

/** `transfer:in` (the receiving seat's stream) and `transfer:out` (the giving seat's). */
export type SeatTransferPayload = TransferPayload & SeatStream;

export interface FansCountPayload {
  custServId: string;
  date: string;
  count: number;
  cursor: number;
  seq: number;
}

export interface AccountStatusPayload {
  accountId: string;
  phone: string;
  status: AccountStatus;
  reason: string | null;
  cursor: number;
  /** The account's seat and its stream; absent for an account no seat holds. */
  custServId?: string;
  seq?: number;
}

/** A hint: no cursor, no seq (whether a seat is online can always be asked again). */
export interface SeatPresencePayload {
  custServId: string;
  online: boolean;
}

export interface RepliesChangedPayload {
  scope: 'seat' | 'branch';
  contentId: string;
  change: 'created' | 'deleted';
  cursor: number;
  /** A seat's own reply: that seat's stream. Branch replies are a hint to every seat, with no seq. */
  custServId?: string;
  seq?: number;
}

export interface AccountAssignedPayload {
  accountId: string;
  phone: string;
  platform: string;
  status: AccountStatus;
  cursor: number;
  custServId: string;
  seq: number;
}

export interface AccountUnassignedPayload {
  accountId: string;
  cursor: number;
  custServId: string;
  seq: number;
}

export interface AccountQrPayload {
  accountId: string;
  /** `data:image/png;base64,…` */
  qr: string;
  expiresAt: number;
  cursor: number;
}

export interface DashboardChangedPayload {
  branchId: string | null;
  date: string;
  cursor: number;
}

export interface ProxyStatusPayload {
  proxyId: string;
  status: ProxyStatus;
  accounts: string[];
  cursor: number;
}

export interface GroupProgressPayload {
  taskId: string;
  status: GroupPullStatus;
  total: number;
  added: number;
  invited: number;
  failed: number;
  skipped: number;
  cursor: number;
}

export interface ServerToClientEvents {
  'message:new': (payload: MessageNewPayload) => void;
  'message:updated': (payload: MessageUpdatedPayload) => void;
  'transfer:in': (payload: SeatTransferPayload) => void;
  'transfer:out': (payload: SeatTransferPayload) => void;
  transfer: (payload: TransferPayload) => void;
  'fans:count': (payload: FansCountPayload) => void;
  'account:status': (payload: AccountStatusPayload) => void;
  'seat:presence': (payload: SeatPresencePayload) => void;
  'replies:changed': (payload: RepliesChangedPayload) => void;
  'account:assigned': (payload: AccountAssignedPayload) => void;
  'account:unassigned': (payload: AccountUnassignedPayload) => void;
  'account:qr': (payload: AccountQrPayload) => void;
  'dashboard:changed': (payload: DashboardChangedPayload) => void;
  'proxy:status': (payload: ProxyStatusPayload) => void;
  'group:progress': (payload: GroupProgressPayload) => void;
}

export interface MessageSendInput {
  accountId: string;
  receId: string;
  contentType: string;
  content: string;
  clientMsgId: string;
}

export interface ClientToServerEvents {
  'message:send': (input: MessageSendInput, ack: AckFn<{ msgId: string; status: MessageStatus }>) => void;
  'message:read': (input: { receId: string }, ack: AckFn<{ updated: number }>) => void;
  watch: (input: { custServId: string }, ack: AckFn<{ watching: string }>) => void;
  unwatch: (input: { custServId: string }, ack: AckFn<{ watching: string }>) => void;
}
