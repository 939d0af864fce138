import { ERROR_CATALOGUE } from '../../src/http/errors.js';
import { Type } from '@sinclair/typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentUser } from '../../src/auth/auth.guard.js';
import { createAuthRepository } from '../../src/auth/auth.repository.js';
import { createGuard } from '../../src/auth/auth.guard.js';
import { ok } from '../../src/http/errors.js';
import { startHub, type TestHub } from '../helpers/hub.js';

describe('envelope and errors', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startHub();
  });
  afterAll(() => t.close());

  it('answers malformed JSON with 400 and no stack', async () => {
    const r = await t.call('POST', '/xd/auth/login', { body: '{"username": "seat1", ' });
    expect(r).toEqual({ status: 400, body: { msg: 'body: malformed JSON', code: 400, error: 'malformed_json' } });
  });

  it('names the missing or wrong field', async () => {
    expect((await t.call('POST', '/xd/auth/login', { body: { username: 'seat1' } })).body).toEqual({ code: 400, msg: 'body.password: is required', error: 'bad_request' });
    const wrongType = await t.call('POST', '/xd/auth/login', { body: { username: 'seat1', password: { x: 1 } } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.msg).toMatch(/^body\.password: /);
  });

  it('answers unknown routes with a 404 envelope', async () => {
    expect(await t.call('GET', '/xd/client/nothing')).toEqual({ status: 404, body: { code: 404, msg: 'route GET /xd/client/nothing not found', error: 'not_found' } });
  });

  it('publishes the OpenAPI document and the docs page', async () => {
    const doc = await t.call('GET', '/docs/json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/xd/auth/login', '/xd/auth/logout', '/xd/auth/me', '/healthz']));
    const page = await t.hub.app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
  });

  it('publishes the error catalogue: every stable code with its meaning, referenced by failure answers', async () => {
    const doc = (await t.call('GET', '/docs/json')).body;
    const schemas = doc.components?.schemas ?? {};
    const catalogue = Object.values(schemas).find((schema: any) => schema.title === 'ErrorCode') as any;
    expect(catalogue).toBeDefined();
    const codes = catalogue.anyOf.map((entry: any) => entry.const ?? entry.enum?.[0]);
    expect(codes).toEqual(expect.arrayContaining(Object.keys(ERROR_CATALOGUE)));
    expect(codes).toHaveLength(Object.keys(ERROR_CATALOGUE).length);
    const failureSchema = doc.paths['/xd/auth/me'].get.responses['401'].content['application/json'].schema;
    expect(JSON.stringify(failureSchema)).toContain('ErrorCode');
  });

  it('reports health', async () => {
    expect((await t.call('GET', '/healthz')).body).toEqual({ msg: '操作成功', code: 200, data: { db: 'ok', redis: 'off' } });
  });
});

describe('role guard', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startHub();
  });
  afterAll(() => t.close());

  it('answers 403 for the wrong role, hides 5xx internals, names bad fields', async () => {
    const guard = createGuard(createAuthRepository(t.hub.store), { now: () => Date.now() });
    const probe = (await import('fastify')).default({ logger: false });
    const { installErrorHandling } = await import('../../src/http/error-handler.js');
    installErrorHandling(probe);
    probe.get('/managers', { preHandler: guard('branch', 'supervisor') }, async (request) => ok({ id: currentUser(request).id }));
    probe.get('/internal', async () => {
      throw new Error('secret internals');
    });
    probe.post('/typed', { schema: { body: Type.Object({ n: Type.Integer({ minimum: 1 }) }) } }, async () => ok({}));
    await probe.ready();
    const seat = await t.login('seat1');
    const branch = await t.login('branch1');
    const denied = await probe.inject({ method: 'GET', url: '/managers', headers: { token: seat } });
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toEqual({ code: 403, msg: 'role seat may not do this (needs branch or supervisor)', error: 'forbidden' });
    expect((await probe.inject({ method: 'GET', url: '/managers', headers: { token: branch } })).statusCode).toBe(200);
    const crash = await probe.inject({ method: 'GET', url: '/internal' });
    expect(crash.statusCode).toBe(500);
    expect(crash.json()).toEqual({ code: 500, msg: 'internal error', error: 'internal' });
    const bad = await probe.inject({ method: 'POST', url: '/typed', payload: { n: 0 } });
    expect(bad.json()).toEqual({ code: 400, msg: 'body.n: must be >= 1', error: 'bad_request' });
    await probe.close();
  });
});

describe('request logs', () => {
  it('redact a token passed in the query string', async () => {
    const { redactTokenQuery } = await import('../../src/app.js');
    expect(redactTokenQuery('/xd/media/a.png?token=0123456789abcdef0123456789abcdef&x=1')).toBe('/xd/media/a.png?token=[redacted]&x=1');
    expect(redactTokenQuery('/xd/media/a.png?x=1&token=abc')).toBe('/xd/media/a.png?x=1&token=[redacted]');
  });
});

describe('order of checks', () => {
  it('checks the token before the body, so an anonymous caller learns nothing from validation', async () => {
    const t = await startHub();
    try {
      const anonymous = await t.call('POST', '/xd/client/retrievePastRecords', { body: { nonsense: true } });
      expect(anonymous).toEqual({ status: 401, body: { code: 401, msg: 'token: header is required', error: 'unauthorized' } });
      const seat = await t.login('seat1');
      const invalid = await t.call('POST', '/xd/client/retrievePastRecords', { token: seat, body: { nonsense: true } });
      expect(invalid.status).toBe(400);
    } finally {
      await t.close();
    }
  });
});
