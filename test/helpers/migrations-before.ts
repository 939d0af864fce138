// A copy of the migrations as they stood before the first one whose SQL contains `marker`, so a
// test can build a database of that time, fill it, and watch a later migration backfill it.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS_DIR } from '../../src/db/open.js';

export function migrationsBefore(marker: string, dir: string): string {
  const before = join(dir, 'before');
  cpSync(MIGRATIONS_DIR, before, { recursive: true });
  const journalPath = join(before, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  // Whatever number it carries, cut the journal just before the migration with the marker.
  const at = journal.entries.findIndex((e) => readFileSync(join(before, `${e.tag}.sql`), 'utf8').includes(marker));
  if (at <= 0) throw new Error(`no migration after the first contains ${marker}`);
  journal.entries = journal.entries.slice(0, at);
  writeFileSync(journalPath, JSON.stringify(journal));
  return before;
}
