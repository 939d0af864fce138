// zh-CN by default (the organisation's language); the choice is remembered per browser.
import { createI18n } from 'vue-i18n';
import en from './en';
import zhCN from './zh-CN';

export type Locale = 'zh-CN' | 'en';

function savedLocale(): Locale {
  const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem('hub.locale');
  return saved === 'en' ? 'en' : 'zh-CN';
}

export const i18n = createI18n({
  legacy: false,
  locale: savedLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
});

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  localStorage.setItem('hub.locale', locale);
  document.documentElement.lang = locale;
}
