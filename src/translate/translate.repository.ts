// The translation cache: one row per (sha256 of the text, from, to).
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Store } from '../db/store.js';

export const hashText = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export interface CachedTranslation {
  translated: string;
  detectedLang: string | null;
}

export interface TranslationCache {
  find(text: string, from: string, to: string): Promise<CachedTranslation | undefined>;
  /** A concurrent request may have stored the same key first; either row is right. */
  save(text: string, from: string, to: string, translated: string, detectedLang: string | null, now: number): Promise<void>;
}

export function createTranslationCache(store: Store): TranslationCache {
  const { translations } = store.tables;
  return {
    async find(text, from, to) {
      const [hit] = await store.db
        .select({ translated: translations.translated, detectedLang: translations.detectedLang })
        .from(translations)
        .where(and(eq(translations.sourceHash, hashText(text)), eq(translations.fromLang, from), eq(translations.toLang, to)));
      return hit;
    },

    async save(text, from, to, translated, detectedLang, now) {
      await store.db
        .insert(translations)
        .values({ sourceHash: hashText(text), fromLang: from, toLang: to, translated, detectedLang, createdAt: now })
        .onConflictDoNothing();
    },
  };
}
