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

export class HubError extends Error {
  readonly code: number;
  constructor(readonly kind: ErrorKind, message: string) {
    super(message);
    this.name = 'HubError';
    this.code = ERROR_CODES[kind];
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

export const SUCCESS_MSG = '操作成功';

export interface Envelope<T = unknown> {
  msg: string;
  code: number;
  data?: T;
}

export function ok<T>(data: T): Envelope<T> {
  return { msg: SUCCESS_MSG, code: 200, data };
}

export function failure(error: HubError): Envelope<never> {
  return { msg: error.message, code: error.code };
}
