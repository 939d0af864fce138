import { describe, expect, it } from 'vitest';
import { dayOf, dayRange, daysBetween, formatJavaDate, isValidDay } from '../src/time.js';

describe('time', () => {
  it("formats like Java's Date.toString() in CST", () => {
    const ms = Date.UTC(2023, 6, 1, 2, 53, 52); // 10:53:52 in Shanghai
    expect(formatJavaDate(ms, 'Asia/Shanghai')).toBe('Sat Jul 01 10:53:52 CST 2023');
    expect(formatJavaDate(ms, 'UTC')).toBe('Sat Jul 01 02:53:52 UTC 2023');
  });

  it('uses the zone for days and their boundaries', () => {
    const lateUtc = Date.UTC(2023, 5, 30, 16, 30); // 00:30 on Jul 1 in Shanghai
    expect(dayOf(lateUtc, 'Asia/Shanghai')).toBe('2023-07-01');
    expect(dayOf(lateUtc, 'UTC')).toBe('2023-06-30');
    const { start, end } = dayRange('2023-07-01', 'Asia/Shanghai');
    expect(start).toBe(Date.UTC(2023, 5, 30, 16, 0));
    expect(end - start).toBe(86_400_000);
  });

  it('handles DST days and validates dates', () => {
    const { start, end } = dayRange('2024-03-10', 'America/New_York');
    expect(end - start).toBe(23 * 3_600_000);
    expect(isValidDay('2023-02-29')).toBe(false);
    expect(isValidDay('2024-02-29')).toBe(true);
    expect(daysBetween('2023-12-30', '2024-01-02')).toEqual(['2023-12-30', '2023-12-31', '2024-01-01', '2024-01-02']);
  });
});
