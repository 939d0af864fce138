// Dates as the original system's browsers expect them: Java's Date.toString() in the hub's zone,
// and calendar days (YYYY-MM-DD) in that zone.

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// Java names these zones by abbreviations that Intl renders as "GMT+8" and the like.
const JAVA_ZONE_NAMES: Record<string, string> = {
  'Asia/Shanghai': 'CST',
  'Asia/Chongqing': 'CST',
  'Asia/Harbin': 'CST',
  'Asia/Taipei': 'CST',
  'Asia/Macau': 'CST',
  'PRC': 'CST',
  'Asia/Hong_Kong': 'HKT',
  'Asia/Tokyo': 'JST',
  'Asia/Seoul': 'KST',
  'Asia/Singapore': 'SGT',
  'Asia/Kolkata': 'IST',
  'Asia/Jakarta': 'WIB',
  'Asia/Manila': 'PHT',
  'Asia/Bangkok': 'ICT',
  'Asia/Ho_Chi_Minh': 'ICT',
  'Asia/Dubai': 'GST',
  'UTC': 'UTC',
  'Etc/UTC': 'UTC',
};

interface ZonedParts {
  year: number;
  month: number; // 1..12
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number; // 0 = Sunday
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();
const nameFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(tz: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    partsFormatters.set(tz, f);
  }
  return f;
}

/** The wall-clock fields of `ms` in `tz`, asked of Intl (slow: formatToParts allocates per call). */
function intlParts(ms: number, tz: string): ZonedParts {
  const out: Record<string, string> = {};
  for (const p of partsFormatter(tz).formatToParts(new Date(ms))) out[p.type] = p.value;
  return {
    year: Number(out.year),
    month: Number(out.month),
    day: Number(out.day),
    hour: Number(out.hour),
    minute: Number(out.minute),
    second: Number(out.second),
    weekday: WEEKDAYS.indexOf(out.weekday ?? 'Sun'),
  };
}

function zoneAbbreviation(ms: number, tz: string): string {
  const known = JAVA_ZONE_NAMES[tz];
  if (known) return known;
  let f = nameFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'short' });
    nameFormatters.set(tz, f);
  }
  return f.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? tz;
}

/** Offset of `tz` from UTC at instant `ms` (whole seconds, in ms), from Intl. */
function intlOffsetAt(ms: number, tz: string): number {
  const p = intlParts(ms, tz);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

// Formatting every row of a history page through Intl was a visible share of the request.
// Zones change offset (and name) rarely and never twice within an hour, so each UTC hour is
// asked of Intl once: when the offset and name are the same at its first and last second, every
// instant inside it is formatted from the UTC fields of (instant + offset), which is what Intl
// prints. An hour holding a change is left to Intl, as are instants outside 1970–2199.
const HOUR_MS = 3_600_000;
const FAST_FROM = 0;
const FAST_UNTIL = Date.UTC(2200, 0, 1);
const MAX_CACHED_HOURS = 100_000;

interface HourOfZone {
  offset: number;
  abbreviation: string;
}

const hoursByZone = new Map<string, Map<number, HourOfZone | null>>();

function hourOfZone(ms: number, tz: string): HourOfZone | null {
  if (!(ms >= FAST_FROM && ms < FAST_UNTIL)) return null;
  const hour = Math.floor(ms / HOUR_MS);
  let hours = hoursByZone.get(tz);
  if (!hours) {
    hours = new Map();
    hoursByZone.set(tz, hours);
  }
  let entry = hours.get(hour);
  if (entry === undefined) {
    const first = hour * HOUR_MS;
    const last = first + HOUR_MS - 1000;
    const offset = intlOffsetAt(first, tz);
    const abbreviation = zoneAbbreviation(first, tz);
    entry = offset === intlOffsetAt(last, tz) && abbreviation === zoneAbbreviation(last, tz) ? { offset, abbreviation } : null;
    if (hours.size >= MAX_CACHED_HOURS) hours.clear();
    hours.set(hour, entry);
  }
  return entry;
}

function zonedParts(ms: number, tz: string): ZonedParts {
  const hour = hourOfZone(ms, tz);
  if (!hour) return intlParts(ms, tz);
  const wall = new Date(ms + hour.offset);
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
    weekday: wall.getUTCDay(),
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function javaDate(p: ZonedParts, abbreviation: string): string {
  return `${WEEKDAYS[p.weekday]} ${MONTHS[p.month - 1]} ${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)} ${abbreviation} ${p.year}`;
}

/** `Sat Jul 01 10:53:52 CST 2023`, as Java's Date.toString() prints it in `tz`. */
export function formatJavaDate(ms: number, tz: string): string {
  const hour = hourOfZone(ms, tz);
  if (!hour) return formatJavaDateViaIntl(ms, tz);
  return javaDate(zonedParts(ms, tz), hour.abbreviation);
}

/** formatJavaDate asking Intl for every field: the reference the fast path is tested against. */
export function formatJavaDateViaIntl(ms: number, tz: string): string {
  return javaDate(intlParts(ms, tz), zoneAbbreviation(ms, tz));
}

/** The calendar day (YYYY-MM-DD) that `ms` falls on in `tz`. */
export function dayOf(ms: number, tz: string): string {
  const p = zonedParts(ms, tz);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** The calendar day and the hour (0..23) that `ms` falls on in `tz`. */
export function dayAndHourOf(ms: number, tz: string): { day: string; hour: number } {
  const p = zonedParts(ms, tz);
  return { day: `${p.year}-${pad(p.month)}-${pad(p.day)}`, hour: p.hour };
}

/** dayOf asking Intl: the reference the fast path is tested against. */
export function dayOfViaIntl(ms: number, tz: string): string {
  const p = intlParts(ms, tz);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** Offset of `tz` from UTC at instant `ms`, in milliseconds. */
function offsetAt(ms: number, tz: string): number {
  return hourOfZone(ms, tz)?.offset ?? intlOffsetAt(ms, tz);
}

/** The instant at which local wall-clock midnight of `day` occurs in `tz`. */
function startOfDay(day: string, tz: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d);
  // Two passes settle the offset even when a DST change falls near midnight.
  let guess = wall - offsetAt(wall, tz);
  guess = wall - offsetAt(guess, tz);
  return guess;
}

export const DAY_PATTERN = '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$';

const DAY_RE = new RegExp(DAY_PATTERN);

export function isValidDay(day: string): boolean {
  if (!DAY_RE.test(day)) return false;
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

// History and fan queries ask for the same few days over and over: remember their bounds.
const dayRanges = new Map<string, { start: number; end: number }>();
const DAY_RANGES_KEPT = 4096;

/** `[start, end)` in epoch ms of the calendar day `day` in `tz`. */
export function dayRange(day: string, tz: string): { start: number; end: number } {
  const key = `${tz}|${day}`;
  const known = dayRanges.get(key);
  if (known) return { ...known };
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  const nextDay = `${next.getUTCFullYear()}-${pad(next.getUTCMonth() + 1)}-${pad(next.getUTCDate())}`;
  const range = { start: startOfDay(day, tz), end: startOfDay(nextDay, tz) };
  if (dayRanges.size >= DAY_RANGES_KEPT) dayRanges.clear();
  dayRanges.set(key, range);
  return { ...range };
}

/** Every day from `from` to `to` inclusive (both YYYY-MM-DD). */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  const [y, m, d] = from.split('-').map(Number) as [number, number, number];
  for (let i = 0; ; i++) {
    const date = new Date(Date.UTC(y, m - 1, d + i));
    const day = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
    if (day > to) break;
    days.push(day);
  }
  return days;
}

/** A clock passed to features so tests can control "now". */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
