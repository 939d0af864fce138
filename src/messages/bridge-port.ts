// What the hub needs from whatever runs the accounts. messages/ owns this interface; bridge/
// implements it once per driver (sandbox, hub protocol, WAHA, Evolution API), so the features
// that send, fetch originals or log accounts in never depend on a driver.

export interface SendRequest {
  phone: string;
  /** The target's platform id (`from.id` in callbacks). */
  to: string;
  contentType: string;
  content: string;
  clientMsgId: string;
  /**
   * The same on every attempt to send one stored reply, and different for every reply of this
   * hub's database: a bridge that keeps it (the hub protocol sends it as the signed
   * `webhook-id`, which Standard Webhooks receivers dedupe on) performs a retried send once.
   */
  idempotencyKey: string;
}

export interface MediaFile {
  body: Buffer;
  contentType: string;
}

export interface LoginQr {
  /** `data:image/png;base64,…` */
  qr: string;
  expiresAt: number;
}

export type GroupMemberState = 'added' | 'invited' | 'failed';

export interface GroupMemberResult {
  member: string;
  state: GroupMemberState;
  /** For `failed`: `not_on_whatsapp`, `already_member`, `rate_limited` or `bridge_error: …`. */
  reason?: string;
}

export interface BridgePort {
  readonly kind: 'http' | 'sandbox' | 'waha' | 'evolution';
  send(request: SendRequest): Promise<{ msgId: string }>;
  relogin(phone: string): Promise<void>;
  fetchMedia(phone: string, mediaRef: string): Promise<MediaFile>;
  /** A fresh login QR, or null when the account needs none (already logged in). */
  loginQr(phone: string): Promise<LoginQr | null>;
  createGroup(phone: string, name: string, members: string[]): Promise<{ groupId: string; results: GroupMemberResult[] }>;
  addToGroup(phone: string, groupId: string, members: string[]): Promise<{ results: GroupMemberResult[] }>;
}

/** A failed bridge call. `retryable` is false when the bridge refused the request itself (4xx). */
export class BridgeError extends Error {
  constructor(message: string, readonly retryable: boolean, readonly status?: number) {
    super(message);
    this.name = 'BridgeError';
  }
}
