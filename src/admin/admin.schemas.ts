// Building blocks shared by the administration routes' schemas.
import { Type, type TSchema } from '@sinclair/typebox';
import { ErrorEnvelope, Envelope, PageFields, errorResponses } from '../http/envelope.schemas.js';

/** `pageNo`/`pageno` and `pageSize` (default 20) for GET lists. */
export const PageQuery = {
  pageNo: PageFields.pageNo,
  pageno: PageFields.pageno,
  pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
};

export const Keyword = Type.Optional(Type.String({ minLength: 1, maxLength: 100 }));

/** Epoch milliseconds. */
export const Millis = Type.Integer({ description: 'epoch milliseconds' });

export const writeResponses = <T extends TSchema>(data: T) => ({ 200: Envelope(data), ...errorResponses, 409: ErrorEnvelope });

export const adminRoute = { tags: ['admin'], security: [{ token: [] }] };
