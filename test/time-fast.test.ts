import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayOf, dayOfViaIntl, dayRange, formatJavaDate, formatJavaDateViaIntl } from '../src/time.js';

// Zones with DST (both hemispheres, a 30-minute shift), odd fixed offsets, and Java-named zones.
const ZONES = [
  'Asia/Shanghai',
  'UTC',
  'America/New_York',
  'Europe/London',
  'Europe/Berlin',
  'America/Sao_Paulo',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'America/St_Johns',
];

describe('formatJavaDate fast path', () => {
  it('prints exactly what Intl prints, for random instants in every zone', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: Date.UTC(1950, 0, 1), max: Date.UTC(2250, 0, 1) }), (tz, ms) => {
        expect(formatJavaDate(ms, tz)).toBe(formatJavaDateViaIntl(ms, tz));
        expect(dayOf(ms, tz)).toBe(dayOfViaIntl(ms, tz));
      }),
      { numRuns: 20_000 },
    );
  });

  it('matches Intl every few minutes through a year of DST changes, around each hour edge', () => {
    const from = Date.UTC(2024, 0, 1);
    const to = Date.UTC(2025, 0, 1);
    for (const tz of ['America/New_York', 'Australia/Lord_Howe', 'Europe/London', 'Pacific/Chatham']) {
      for (let ms = from; ms < to; ms += 19 * 60_000 + 13_001) {
        expect(formatJavaDate(ms, tz)).toBe(formatJavaDateViaIntl(ms, tz));
      }
      // The last and first millisecond of every hour, where a cached hour would go wrong first.
      for (let ms = from; ms < to; ms += 3_600_000) {
        expect(formatJavaDate(ms - 1, tz)).toBe(formatJavaDateViaIntl(ms - 1, tz));
        expect(formatJavaDate(ms, tz)).toBe(formatJavaDateViaIntl(ms, tz));
      }
    }
  });

  it('keeps day boundaries across DST changes', () => {
    expect(dayRange('2024-11-03', 'America/New_York')).toEqual({ start: Date.UTC(2024, 10, 3, 4), end: Date.UTC(2024, 10, 4, 5) });
    expect(dayRange('2024-04-07', 'Australia/Lord_Howe')).toEqual({ start: Date.UTC(2024, 3, 6, 13), end: Date.UTC(2024, 3, 7, 13, 30) });
  });
});
