// TypeBox building blocks shared by every route's schemas, so OpenAPI shows the real envelope.
import { Type, type TSchema } from '@sinclair/typebox';
import { ERROR_CATALOGUE } from './errors.js';

export const Id = Type.String({ pattern: '^[1-9][0-9]{0,15}$', description: 'decimal id' });

/** The catalogue's codes, each with its status and meaning, as the OpenAPI document shows them. */
export const ErrorCodeSchema = Type.Union(
  Object.entries(ERROR_CATALOGUE).map(([code, entry]) => Type.Literal(code, { description: entry.description })),
  { $id: 'ErrorCode', title: 'ErrorCode', description: 'stable failure code from the error catalogue' },
);

export const ErrorEnvelope = Type.Object(
  { msg: Type.String(), code: Type.Integer(), error: Type.Optional(Type.Ref('ErrorCode')) },
  { description: 'failure: code equals the HTTP status; error is the stable catalogue code' },
);

export function Envelope<T extends TSchema>(data: T) {
  return Type.Object({ msg: Type.String(), code: Type.Literal(200), data });
}

/** `pageNo` (or the export's `pageno`) from 1 and `pageSize` 1..200. */
export const PageFields = {
  pageNo: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  pageno: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  pageSize: Type.Integer({ minimum: 1, maximum: 200 }),
};

export function Paged<T extends TSchema>(row: T) {
  return Type.Object({
    rows: Type.Array(row),
    total: Type.Integer(),
    pageno: Type.Integer(),
    pageSize: Type.Integer(),
  });
}

/** Resolves the page from either spelling; `pageNo` wins when both are sent. */
export function pageOf(body: { pageNo?: number; pageno?: number; pageSize: number }) {
  const pageno = body.pageNo ?? body.pageno ?? 1;
  return { pageno, pageSize: body.pageSize, offset: (pageno - 1) * body.pageSize };
}

/** Standard error responses for the OpenAPI document. */
export const errorResponses = {
  400: ErrorEnvelope,
  401: ErrorEnvelope,
  403: ErrorEnvelope,
  404: ErrorEnvelope,
};
