// fast-check generators of hostile requests for one OpenAPI operation: bodies that keep the
// schema's field names but carry wrong-typed or odd values, random path params and query strings,
// malformed JSON text and wrong content-types.
import fc from 'fast-check';

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  nullable?: boolean;
  required?: string[];
}

export interface Operation {
  path: string;
  method: string;
  op: {
    parameters?: { in: string; name: string }[];
    requestBody?: { content?: Record<string, { schema?: Schema }> };
  };
}

export interface SweepRequest {
  method: string;
  url: string;
  payload?: string;
  headers: Record<string, string>;
}

const nasty = fc.constantFrom(
  '',
  ' ',
  '../../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '"',
  '*',
  'NEAR(',
  'a" OR "b',
  'x*',
  '"unterminated',
  'NEAR(a b',
  "' OR 1=1 --",
  '%',
  '_',
  '\\',
  '\u0000',
  '😀👍🏽',
  '中文消息',
  '\u202e\u200b',
  '0',
  '-1',
  '1',
  '2',
  '3',
  '1.5',
  '1e3',
  '9223372036854775808',
  '99999999999999999999999',
  'NaN',
  'null',
  'true',
  '2024-02-30',
  '9999-99-99',
  'Error: at fake.ts:1',
);
const hugeString = fc.integer({ min: 10_000, max: 300_000 }).map((n) => 'x'.repeat(n));
const oddNumber = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.constantFrom(0, -1, 1, 2, 3, 1.5, -0.5, 2 ** 31, 2 ** 53, 2 ** 63, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const leaf = fc.oneof(nasty, fc.string({ unit: 'grapheme', maxLength: 40 }), oddNumber, fc.boolean(), fc.constant(null));
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: leaf },
  { weight: 1, arbitrary: hugeString },
  { weight: 2, arbitrary: fc.array(leaf, { maxLength: 4 }) },
  { weight: 2, arbitrary: fc.dictionary(fc.oneof(nasty, fc.string({ maxLength: 6 })), leaf, { maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
);

/** An object with (some of) the schema's own field names, each holding an odd value, nested ones recursed into. */
function shapedBody(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const fields = Object.entries(schema?.properties ?? {});
  if (fields.length === 0 || depth > 2) return oddValue;
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, field] of fields) record[name] = field.properties ? fc.oneof(oddValue, shapedBody(field, depth + 1)) : oddValue;
  return fc.oneof(
    { weight: 3, arbitrary: fc.record(record, { requiredKeys: [] }) },
    { weight: 1, arbitrary: fc.record(record) },
  );
}

/** Ids that exist in the hub under test (set by the suite), so handlers run past their lookups. */
export const idPool: string[] = ['1'];
const ids = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null).chain(() => fc.constantFrom(...idPool)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 60 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('9007199254740991', '9007199254740993', '9999999999999999', '1000000') },
);
/** Plausible values for named fields whose patterns random strings never meet. */
const HINTS: Record<string, string[]> = {
  contentType: ['1', '2', '3', '6', '9'],
  phone: ['+8613800000001', '+8613800000002', '+8613800000003', '+8613800000004', '+8613800000099'],
  to: ['en', 'zh', 'pt-BR'],
  from: ['auto', 'en', 'zh'],
  link: ['https://t.me/seat', 'tg://resolve?domain=seat', ''],
  color: ['#ff8800', '#000000'],
  clientMsgId: ['c-1', 'c-2', 'c:x.y_z'],
  mediaUrl: ['https://example.test/a.png', '/xd/media/1-0123456789abcdef.png'],
  fileName: ['1-0123456789abcdef.png', '99-ffffffffffffffff.jpg'],
};
const days = fc.constantFrom('2024-02-30', '2023-02-29', '1970-01-01', '0000-01-01', '9999-12-31', '2026-11-24', '2026-11-25', '2019-01-31');

/** A value that passes the schema (mostly) but sits on its edges, so the handler itself runs. */
function typedValue(schema: Schema | undefined, depth = 0, name = ''): fc.Arbitrary<unknown> {
  if (!schema || depth > 3) return oddValue;
  const hint = schema.type === 'string' ? HINTS[name] : undefined;
  if (hint) return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...hint) }, { weight: 1, arbitrary: nasty });
  const enums = schema.enum ?? schema.anyOf?.flatMap((s) => s.enum ?? []);
  if (enums && enums.length > 0) return fc.constantFrom(...enums);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  const orNull = (a: fc.Arbitrary<unknown>) => (schema.nullable ? fc.oneof(a, fc.constant(null)) : a);
  switch (type) {
    case 'string': {
      if (schema.pattern?.includes('[1-9][0-9]')) return ids;
      if (schema.pattern?.includes('\\d{4}')) return days;
      const max = Math.min(schema.maxLength ?? 300, 20_000);
      const min = Math.max(schema.minLength ?? 0, 0);
      return orNull(
        fc.oneof(
          nasty.filter((v) => v.length >= min && v.length <= max),
          fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.min(max, 40) }),
          fc.constant('中'.repeat(max)),
          fc.constantFrom('https://example.test/a.png', 'tg://resolve?domain=x', '/xd/media/a.png', '#ff8800', 'en', 'zh', 'auto', 'seat2', 'seat2123'),
        ),
      );
    }
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? -1_000_000;
      const max = schema.maximum ?? 1_000_000;
      return fc.oneof(fc.constantFrom(min, max, 0, 1, -1).filter((n) => n >= min && n <= max), fc.integer({ min: Math.max(min, -1e9), max: Math.min(max, 1e9) }));
    }
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(typedValue(schema.items, depth + 1), { maxLength: Math.min(schema.maxItems ?? 5, 5) });
    case 'object': {
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, field] of Object.entries(schema.properties ?? {})) record[name] = typedValue(field, depth + 1, name);
      const required = (schema.required ?? []).filter((name) => name in record);
      return fc.record(record, { requiredKeys: required });
    }
    default:
      return oddValue;
  }
}

/** A typed body with one field swapped for an odd value now and then. */
function nearlyValidBody(schema: Schema | undefined): fc.Arbitrary<unknown> {
  const fields = Object.keys(schema?.properties ?? {});
  if (fields.length === 0) return typedValue(schema);
  const swap = fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...fields), oddValue) });
  return fc.tuple(typedValue(schema), swap).map(([body, swap]) =>
    swap && body && typeof body === 'object' ? { ...(body as object), [swap[0]]: swap[1] } : body,
  );
}

const malformedJson = fc.oneof(
  fc.constantFrom('{', '{"a":', '[1,2', '{"a":1,}', "{'a':1}", 'undefined', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}', '\u0000', 'nul', '"str', '{}}'),
  fc.string({ maxLength: 30 }),
);
const contentTypes = fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/json; charset=latin1', 'application/octet-stream', '');

const pathParam = fc.oneof(
  fc.oneof(ids, ids, fc.constantFrom(...HINTS.fileName!), nasty, fc.string({ unit: 'grapheme', maxLength: 20 }), oddNumber.map(String)).map((s) => encodeURIComponent(s)),
  // Sent as is: broken percent-escapes, encoded slashes and dots.
  fc.constantFrom('%', '%E0%A4%A', '%2e%2e', '..%2f..%2fhub.db', '%00', '1%2F2', '1;2', '1?x=1'),
);
/** Token header values that are not tokens. */
export const badToken = fc.oneof(fc.constantFrom('', 'null', 'Bearer x', "' OR 1=1 --", 'x'.repeat(5000)), fc.string({ maxLength: 80 }).map((v) => v.replace(/[^\x20-\x7e]/g, '')));
const queryValue = fc.oneof(nasty, fc.string({ unit: 'grapheme', maxLength: 20 }), oddNumber.map(String), hugeString.map((s) => s.slice(0, 5000)));

function jsonSchemaOf(operation: Operation): Schema | undefined {
  return operation.op.requestBody?.content?.['application/json']?.schema;
}

export function requestFor(operation: Operation): fc.Arbitrary<SweepRequest> {
  const params = operation.op.parameters ?? [];
  const pathNames = params.filter((p) => p.in === 'path').map((p) => p.name);
  const queryNames = params.filter((p) => p.in === 'query').map((p) => p.name);
  const headerNames = params.filter((p) => p.in === 'header').map((p) => p.name);
  const pathValues = fc.tuple(...pathNames.map(() => pathParam));
  const query = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...queryNames, 'pageNo', 'x'), fc.string({ maxLength: 5 })), queryValue), { maxLength: 4 });
  const extraHeaders = fc.dictionary(fc.constantFrom(...headerNames, 'x-forwarded-for'), fc.oneof(nasty, fc.string({ maxLength: 20 })).map((v) => v.replace(/[^\x20-\x7e]/g, '')), { maxKeys: 2 });
  const json = (value: unknown) => ({ payload: JSON.stringify(value), headers: { 'content-type': 'application/json' } });
  const body: fc.Arbitrary<{ payload: string | undefined; headers: Record<string, string> }> = fc.oneof(
    { weight: 8, arbitrary: nearlyValidBody(jsonSchemaOf(operation)).map(json) },
    { weight: 4, arbitrary: shapedBody(jsonSchemaOf(operation)).map(json) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map(json) },
    { weight: 1, arbitrary: malformedJson.map((text) => ({ payload: text, headers: { 'content-type': 'application/json' } })) },
    { weight: 1, arbitrary: fc.tuple(shapedBody(jsonSchemaOf(operation)), contentTypes).map(([value, type]) => ({ payload: JSON.stringify(value) ?? '', headers: (type ? { 'content-type': type } : {}) as Record<string, string> })) },
    { weight: 1, arbitrary: fc.constant({ payload: undefined, headers: {} as Record<string, string> }) },
    { weight: 1, arbitrary: fc.constant({ payload: `{"a":"${'x'.repeat(1_100_000)}"}`, headers: { 'content-type': 'application/json' } }) },
  );
  return fc.record({ pathValues, query, extraHeaders, body }).map(({ pathValues, query, extraHeaders, body }) => {
    let i = 0;
    const path = operation.path.replace(/\{[^}]+\}/g, () => pathValues[i++] || 'x');
    const search = query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
    return {
      method: operation.method,
      url: search ? `${path}?${search}` : path,
      payload: body.payload,
      headers: { ...extraHeaders, ...body.headers },
    };
  });
}
