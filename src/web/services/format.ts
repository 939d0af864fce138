// Display helpers shared by the panes: times in the browser's locale, previews of media.
import { i18n } from '../i18n';

const t = (key: string) => i18n.global.t(key);

export function timeOfDay(ms: number | null | undefined): string {
  if (!ms) return '';
  return new Date(ms).toLocaleTimeString(i18n.global.locale.value, { hour: '2-digit', minute: '2-digit' });
}

// Days change on hour boundaries in every zone the console meets: cache per hour, so grouping
// 2,000 messages by day costs map lookups, not 2,000 Date objects, on every push.
const dayOfHour = new Map<number, string>();
export function dayKey(ms: number): string {
  const hour = Math.floor(ms / 3_600_000);
  let day = dayOfHour.get(hour);
  if (day === undefined) {
    const d = new Date(ms);
    day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    if (dayOfHour.size > 50_000) dayOfHour.clear();
    dayOfHour.set(hour, day);
  }
  return day;
}

export function dayLabel(ms: number): string {
  if (dayKey(ms) === dayKey(Date.now())) return t('chat.today');
  return new Date(ms).toLocaleDateString(i18n.global.locale.value, { year: 'numeric', month: 'short', day: 'numeric', weekday: 'short' });
}

/** The timeline's short time: the hour today, the date before. */
export function shortTime(ms: number | null | undefined): string {
  if (!ms) return '';
  return dayKey(ms) === dayKey(Date.now()) ? timeOfDay(ms) : new Date(ms).toLocaleDateString(i18n.global.locale.value, { month: '2-digit', day: '2-digit' });
}

const MEDIA: Record<string, string> = { '2': 'chat.image', '3': 'chat.voice', '4': 'chat.video', '5': 'chat.file', '6': 'chat.link' };

export function preview(content: string | null | undefined, contentType?: string | null): string {
  if (contentType && MEDIA[contentType] && !content) return t(MEDIA[contentType]);
  if (contentType && contentType !== '1' && MEDIA[contentType]) return `${t(MEDIA[contentType])} ${content ?? ''}`.trim();
  return content ?? '';
}

export function relative(ms: number | null | undefined): string {
  if (!ms) return i18n.global.t('wall.never');
  const minutes = Math.floor((Date.now() - ms) / 60_000);
  if (minutes < 1) return i18n.global.t('common.justNow');
  if (minutes < 60) return i18n.global.t('common.minutesAgo', { n: minutes });
  return shortTime(ms);
}

const PALETTE = ['#1f6feb', '#8250df', '#bf3989', '#cf222e', '#bc4c00', '#1a7f37', '#0969da', '#6e7781'];
export function avatarColor(id: string): string {
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[hash % PALETTE.length]!;
}

export function initials(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) return '?';
  const words = trimmed.split(/\s+/);
  return words.length > 1 ? (words[0]![0]! + words[1]![0]!).toUpperCase() : trimmed.slice(0, 2).toUpperCase();
}

export function imageSrc(thumb: string | null | undefined): string | null {
  if (!thumb) return null;
  if (/^(data:|https?:|\/)/.test(thumb)) return thumb;
  return `data:image/jpeg;base64,${thumb}`;
}
