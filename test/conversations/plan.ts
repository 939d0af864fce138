// EXPLAIN QUERY PLAN checks: the query must reach `messages` only through an index, never by a
// full scan, so it stays a lookup on a database of millions of messages.
import { expect } from 'vitest';
import type { TestHub } from '../helpers/hub.js';

export function queryPlan(t: TestHub, sql: string, params: Record<string, unknown>): string[] {
  const rows = t.hub.database.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[];
  return rows.map((r) => r.detail);
}

/** Prints the plan and asserts it uses `index` and scans no table without one. */
export function expectIndexedPlan(t: TestHub, sql: string, params: Record<string, unknown>, index: string): string[] {
  const plan = queryPlan(t, sql, params);
  console.log(`EXPLAIN QUERY PLAN\n  ${plan.join('\n  ')}`);
  expect(plan.some((d) => d.includes(`INDEX ${index}`))).toBe(true);
  // "SCAN messages" / "SCAN m" without "USING … INDEX" would be a full table scan.
  for (const detail of plan) {
    if (/^SCAN /.test(detail)) expect(detail, `full scan in plan: ${detail}`).toMatch(/USING (COVERING )?INDEX/);
  }
  return plan;
}
