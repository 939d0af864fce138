// Translation with a database cache in front of the translator. The translator is optional:
// without TRANSLATE_URL, cache misses answer 503 saying so.
import { HubError, payloadTooLarge, unavailable } from '../http/errors.js';
import type { Clock } from '../time.js';
import { TranslatorError, type Translator } from './libretranslate.js';
import type { TranslationCache } from './translate.repository.js';

/** Characters (code points) one request may translate. */
export const MAX_TRANSLATE_CHARS = 5000;
export const PROVIDER = 'libretranslate';

export interface TranslateResult {
  text: string;
  from: string;
  to: string;
  provider: typeof PROVIDER;
  cached: boolean;
}

export interface TranslateServiceDeps {
  cache: TranslationCache;
  translator: Translator | undefined;
  clock: Clock;
}

export function createTranslateService(deps: TranslateServiceDeps) {
  return async function translate(text: string, from: string, to: string): Promise<TranslateResult> {
    const length = [...text].length;
    if (length > MAX_TRANSLATE_CHARS) throw payloadTooLarge(`text: at most ${MAX_TRANSLATE_CHARS} characters (got ${length})`);
    if (from === to) return { text, from, to, provider: PROVIDER, cached: false };

    const hit = await deps.cache.find(text, from, to);
    if (hit) return { text: hit.translated, from: from === 'auto' ? (hit.detectedLang ?? 'auto') : from, to, provider: PROVIDER, cached: true };

    if (!deps.translator) throw unavailable('translator', 'TRANSLATE_URL is not set');
    let answer;
    try {
      answer = await deps.translator.translate(text, from, to);
    } catch (error) {
      if (error instanceof TranslatorError) throw unavailable('translator', error.message);
      if (error instanceof HubError) throw error;
      throw unavailable('translator', 'unexpected failure');
    }
    await deps.cache.save(text, from, to, answer.text, answer.detected, deps.clock.now());
    return { text: answer.text, from: from === 'auto' ? (answer.detected ?? 'auto') : from, to, provider: PROVIDER, cached: false };
  };
}

export type TranslateService = ReturnType<typeof createTranslateService>;
