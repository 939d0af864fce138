// A client for a LibreTranslate-compatible server: POST {q, source, target, format} to /translate.
// Every failure becomes a TranslatorError so the route can answer 503 instead of hanging or 500.

export class TranslatorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TranslatorError';
  }
}

export interface Translation {
  text: string;
  /** The language the server detected when asked with source "auto". */
  detected: string | null;
}

export interface Translator {
  translate(text: string, from: string, to: string): Promise<Translation>;
}

export interface LibreTranslateOptions {
  baseUrl: string;
  timeoutMs?: number;
  apiKey?: string;
}

export function createLibreTranslate(options: LibreTranslateOptions): Translator {
  const timeoutMs = options.timeoutMs ?? 5000;
  return {
    async translate(text, from, to) {
      let response: Response;
      try {
        response = await fetch(`${options.baseUrl}/translate`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ q: text, source: from, target: to, format: 'text', ...(options.apiKey ? { api_key: options.apiKey } : {}) }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const name = (error as Error).name;
        throw new TranslatorError(name === 'TimeoutError' || name === 'AbortError' ? `no answer within ${timeoutMs} ms` : 'not reachable');
      }
      let body: unknown;
      try {
        // The body read shares the deadline through the same signal.
        body = await response.json();
      } catch {
        throw new TranslatorError(`HTTP ${response.status} with an unreadable answer`);
      }
      if (!response.ok) {
        const detail = typeof (body as { error?: unknown })?.error === 'string' ? `: ${(body as { error: string }).error.slice(0, 200)}` : '';
        throw new TranslatorError(`HTTP ${response.status}${detail}`);
      }
      const answer = body as { translatedText?: unknown; detectedLanguage?: { language?: unknown } };
      if (typeof answer?.translatedText !== 'string') throw new TranslatorError('answer has no translatedText');
      const detected = answer.detectedLanguage?.language;
      return { text: answer.translatedText, detected: typeof detected === 'string' && detected !== '' ? detected : null };
    },
  };
}
