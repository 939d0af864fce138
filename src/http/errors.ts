// The error catalogue: every failure the hub answers with, and its status. The HTTP status
// always equals the envelope's `code`.

export const ERROR_CODES = {
  badRequest: 400,
  unauthorized: 401,
  forbidden: 403,
  notFound: 404,
  conflict: 409,
  payloadTooLarge: 413,
  tooManyRequests: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorKind = keyof typeof ERROR_CODES;

/**
 * Stable, snake_case codes carried as `error` in every failure envelope and socket ack, so a
 * client tells a final refusal from a retryable one without parsing `msg`. Published in the
 * OpenAPI document. Add a code here (with its status) before throwing it; never rename one.
 */
export const ERROR_CATALOGUE = {
  bad_request: { kind: 'badRequest', description: 'input breaks a rule; msg names the field and the rule' },
  malformed_json: { kind: 'badRequest', description: 'the body is not valid JSON' },
  unauthorized: { kind: 'unauthorized', description: 'no token, or a token that is unknown, expired or revoked' },
  bad_signature: { kind: 'unauthorized', description: 'a bridge call whose signature or timestamp does not verify' },
  forbidden: { kind: 'forbidden', description: 'the caller may not touch this resource' },
  not_your_seat: { kind: 'forbidden', description: 'the resource belongs to another seat' },
  permission_denied: { kind: 'forbidden', description: "the caller's role lacks the permission named in msg" },
  account_disabled: { kind: 'forbidden', description: 'the user or account is disabled' },
  not_found: { kind: 'notFound', description: 'no such resource (or route)' },
  conflict: { kind: 'conflict', description: 'the change conflicts with the current state' },
  duplicate: { kind: 'conflict', description: 'a resource with that unique key already exists' },
  bridge_account_disabled: { kind: 'conflict', description: 'a bridge callback for an account an admin disabled: nothing was stored; final, do not retry' },
  owner_changed_retry: { kind: 'conflict', description: 'the owner changed while the request ran; read again and retry' },
  payload_too_large: { kind: 'payloadTooLarge', description: 'the body or a field is too large' },
  too_many_requests: { kind: 'tooManyRequests', description: 'rate limited; retry later' },
  internal: { kind: 'internal', description: 'a bug in the hub; never caused by input' },
  unavailable: { kind: 'unavailable', description: 'a dependency (translator, bridge, provider, database) is down or busy; retry later' },
} as const satisfies Record<string, { kind: ErrorKind; description: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** The generic code of each kind, for errors thrown without a more specific one. */
const DEFAULT_CODE: Record<ErrorKind, ErrorCode> = {
  badRequest: 'bad_request',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  notFound: 'not_found',
  conflict: 'conflict',
  payloadTooLarge: 'payload_too_large',
  tooManyRequests: 'too_many_requests',
  internal: 'internal',
  unavailable: 'unavailable',
};

export class HubError extends Error {
  readonly code: number;
  readonly kind: ErrorKind;
  readonly error: ErrorCode;
  constructor(kindOrCode: ErrorKind | ErrorCode, message: string) {
    super(message);
    this.name = 'HubError';
    if (kindOrCode in ERROR_CATALOGUE) {
      this.error = kindOrCode as ErrorCode;
      this.kind = ERROR_CATALOGUE[this.error].kind;
    } else {
      this.kind = kindOrCode as ErrorKind;
      this.error = DEFAULT_CODE[this.kind];
    }
    this.code = ERROR_CODES[this.kind];
  }
}

/** 400 naming the field and the rule it broke, e.g. `receId: must be a decimal id`. */
export const badRequest = (field: string, rule: string) => new HubError('badRequest', `${field}: ${rule}`);
export const unauthorized = (why = 'missing or invalid token') => new HubError('unauthorized', why);
export const forbidden = (why = 'not yours') => new HubError('forbidden', why);
export const notFound = (what: string) => new HubError('notFound', `${what} not found`);
export const conflict = (why: string) => new HubError('conflict', why);
export const payloadTooLarge = (why: string) => new HubError('payloadTooLarge', why);
export const tooManyRequests = (why = 'too many requests, slow down') => new HubError('tooManyRequests', why);
export const unavailable = (dependency: string, why: string) =>
  new HubError('unavailable', `${dependency} unavailable: ${why}`);
/** A failure with a specific catalogue code, e.g. `hubError('account_disabled', 'account disabled')`. */
export const hubError = (code: ErrorCode, message: string) => new HubError(code, message);

export const SUCCESS_MSG = '操作成功';

export interface Envelope<T = unknown> {
  msg: string;
  code: number;
  data?: T;
  error?: ErrorCode;
}

export function ok<T>(data: T): Envelope<T> {
  return { msg: SUCCESS_MSG, code: 200, data };
}

export function failure(error: HubError): Envelope<never> {
  return { msg: error.message, code: error.code, error: error.error };
}
