// The translation cache on both engines: a miss, a hit per (text, from, to), and a second save
// of the same key that keeps the first row instead of failing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTranslationCache, type TranslationCache } from '../../src/translate/translate.repository.js';
import { ENGINES, startEngine, type Engines } from '../conversations/engines.js';

describe.each(ENGINES)('translation cache on %s', (engine) => {
  let engines: Engines;
  let cache: TranslationCache;

  beforeAll(async () => {
    engines = await startEngine(engine);
    cache = createTranslationCache(await engines.fresh());
  }, 120_000);
  afterAll(() => engines?.close());

  it('misses, then hits the saved key only', async () => {
    expect(await cache.find('hello', 'auto', 'zh')).toBeUndefined();
    await cache.save('hello', 'auto', 'zh', '你好', 'en', 1);
    expect(await cache.find('hello', 'auto', 'zh')).toEqual({ translated: '你好', detectedLang: 'en' });
    expect(await cache.find('hello', 'en', 'zh')).toBeUndefined();
    expect(await cache.find('hello', 'auto', 'pt-BR')).toBeUndefined();
    expect(await cache.find('Hello', 'auto', 'zh')).toBeUndefined();
  });

  it('keeps the first row when the same key is saved again', async () => {
    await expect(cache.save('hello', 'auto', 'zh', '您好', null, 2)).resolves.toBeUndefined();
    expect(await cache.find('hello', 'auto', 'zh')).toEqual({ translated: '你好', detectedLang: 'en' });
    await cache.save('谢谢', 'zh', 'en', 'thanks', null, 3);
    expect(await cache.find('谢谢', 'zh', 'en')).toEqual({ translated: 'thanks', detectedLang: null });
  });
});
