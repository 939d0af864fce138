import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLibreTranslate } from '../../src/translate/libretranslate.js';
import { createTranslationCache } from '../../src/translate/translate.repository.js';
import { createTranslateService } from '../../src/translate/translate.service.js';
import { HubError } from '../../src/http/errors.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { startFakeTranslator, type FakeTranslator } from './fake-libretranslate.js';

describe('POST /xd/client/translate against a real LibreTranslate stand-in', () => {
  let fake: FakeTranslator;
  let t: TestHub;
  let token: string;

  beforeAll(async () => {
    fake = await startFakeTranslator();
    t = await startHub({ env: { TRANSLATE_URL: fake.url } });
    token = await t.login('seat1');
  });
  afterEach(() => {
    fake.mode = 'ok';
    fake.requests.length = 0;
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  const translate = (body: unknown, as = token) => t.call('POST', '/xd/client/translate', { token: as, body });

  it('translates, sends LibreTranslate its request shape, and caches by text, from and to', async () => {
    const first = await translate({ text: '你好这个产品怎么用', to: 'en' });
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual({ text: '[en] 你好这个产品怎么用', from: 'zh', to: 'en', provider: 'libretranslate', cached: false });
    expect(fake.requests).toEqual([{ q: '你好这个产品怎么用', source: 'auto', target: 'en', format: 'text' }]);

    // Another user, same text and languages: served from the database, the server is not asked.
    fake.mode = 'fail';
    const second = await translate({ text: '你好这个产品怎么用', to: 'en' }, await t.login('seat2'));
    expect(second.body.data).toEqual({ ...first.body.data, cached: true });
    expect(fake.requests).toHaveLength(1);

    // A different pair is a different key.
    fake.mode = 'ok';
    const explicit = await translate({ text: '你好这个产品怎么用', from: 'zh', to: 'pt-BR' });
    expect(explicit.body.data).toMatchObject({ text: '[pt-BR] 你好这个产品怎么用', from: 'zh', to: 'pt-BR', cached: false });
    expect(fake.requests).toHaveLength(2);
  });

  it('answers 503 naming the translator when it fails or answers garbage, and caches nothing', async () => {
    for (const mode of ['fail', 'garbage', 'noField'] as const) {
      fake.mode = mode;
      const r = await translate({ text: `broken ${mode}`, to: 'en' });
      expect(r.status, mode).toBe(503);
      expect(r.body).toMatchObject({ code: 503 });
      expect(r.body.msg).toContain('translator unavailable');
    }
    fake.mode = 'ok';
    const healed = await translate({ text: 'broken fail', to: 'en' });
    expect(healed.body.data).toMatchObject({ text: '[en] broken fail', cached: false });
  });

  it('rejects bad input naming the field, and texts over 5,000 characters with 413', async () => {
    const cases: [unknown, string][] = [
      [{ to: 'en' }, 'text'],
      [{ text: '', to: 'en' }, 'text'],
      [{ text: '   ', to: 'en' }, 'text'],
      [{ text: 'hi' }, 'to'],
      [{ text: 'hi', to: 'english!' }, 'to'],
      [{ text: 'hi', to: 'en', from: 'EN' }, 'from'],
    ];
    for (const [body, field] of cases) {
      const r = await translate(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.msg).toContain(field);
    }
    const big = await translate({ text: '字'.repeat(5001), to: 'en' });
    expect(big.status).toBe(413);
    expect(big.body.msg).toContain('text');
    expect((await translate({ text: '字'.repeat(5000), to: 'en' })).status).toBe(200);
    expect(fake.requests).toHaveLength(1);
    expect((await t.call('POST', '/xd/client/translate', { body: { text: 'hi', to: 'en' } })).status).toBe(401);
  });
});

describe('translate without TRANSLATE_URL, or with a translator that never answers', () => {
  it('answers 503 saying TRANSLATE_URL is not set, but still serves the cache', async () => {
    const t = await startHub();
    try {
      const token = await t.login('seat1');
      const r = await t.call('POST', '/xd/client/translate', { token, body: { text: 'hello', to: 'zh' } });
      expect(r.status).toBe(503);
      expect(r.body.msg).toContain('TRANSLATE_URL is not set');
      await createTranslationCache(t.hub.store).save('hello', 'auto', 'zh', '你好', 'en', Date.now());
      const cached = await t.call('POST', '/xd/client/translate', { token, body: { text: 'hello', to: 'zh' } });
      expect(cached.body.data).toEqual({ text: '你好', from: 'en', to: 'zh', provider: 'libretranslate', cached: true });
    } finally {
      await t.close();
    }
  });

  it('gives up on a server that never answers with a 503 at its deadline', async () => {
    const fake = await startFakeTranslator();
    fake.mode = 'slow';
    const t = await startHub();
    try {
      const translate = createTranslateService({
        cache: createTranslationCache(t.hub.store),
        translator: createLibreTranslate({ baseUrl: fake.url, timeoutMs: 300 }),
        clock: { now: () => Date.now() },
      });
      const started = Date.now();
      const error = await translate('hello', 'en', 'zh').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HubError);
      expect((error as HubError).code).toBe(503);
      expect((error as HubError).message).toContain('no answer within 300 ms');
      expect(Date.now() - started).toBeLessThan(2000);
      expect(fake.requests).toHaveLength(1);
    } finally {
      await t.close();
      await fake.close();
    }
  });

  it('answers 503 when the translator is not reachable at all', async () => {
    const fake = await startFakeTranslator();
    const url = fake.url;
    await fake.close();
    const t = await startHub({ env: { TRANSLATE_URL: url } });
    try {
      const r = await t.call('POST', '/xd/client/translate', { token: await t.login('seat1'), body: { text: 'hello', to: 'zh' } });
      expect(r.status).toBe(503);
      expect(r.body.msg).toContain('translator unavailable');
    } finally {
      await t.close();
    }
  });
});
