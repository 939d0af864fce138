// The translation cache: one row per (sha256 of the text, from, to).
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { translations } from '../db/schema.js';

export const hashText = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export function createTranslationCache(db: Db) {
  return {
    find(text: string, from: string, to: string) {
      return db
        .select({ translated: translations.translated, detectedLang: translations.detectedLang })
        .from(translations)
        .where(and(eq(translations.sourceHash, hashText(text)), eq(translations.fromLang, from), eq(translations.toLang, to)))
        .get();
    },

    /** A concurrent request may have stored the same key first; either row is right. */
    save(text: string, from: string, to: string, translated: string, detectedLang: string | null, now: number): void {
      db.insert(translations)
        .values({ sourceHash: hashText(text), fromLang: from, toLang: to, translated, detectedLang, createdAt: now })
        .onConflictDoNothing()
        .run();
    },
  };
}

export type TranslationCache = ReturnType<typeof createTranslationCache>;
