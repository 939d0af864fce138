// Per-conversation translation: on or off and the language, remembered per target.
import { ref, watch, type Ref } from 'vue';

export interface TranslationState {
  on: Ref<boolean>;
  to: Ref<string>;
}

const KEY = 'hub.translate';
type Saved = Record<string, { on: boolean; to: string }>;

function load(): Saved {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '{}') as Saved;
  } catch {
    return {};
  }
}

export const LANGUAGES = ['en', 'zh', 'es', 'pt', 'ar', 'ru', 'id', 'vi', 'th', 'ja', 'ko', 'fr', 'de'];

export function useTranslation(receId: () => string | null): TranslationState {
  const on = ref(false);
  const to = ref('en');
  watch(
    receId,
    (id) => {
      const saved = id ? load()[id] : undefined;
      on.value = saved?.on ?? false;
      to.value = saved?.to ?? 'en';
    },
    { immediate: true },
  );
  watch([on, to], () => {
    const id = receId();
    if (!id) return;
    const saved = load();
    saved[id] = { on: on.value, to: to.value };
    localStorage.setItem(KEY, JSON.stringify(saved));
  });
  return { on, to };
}
