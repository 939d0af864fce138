// Where PostgreSQL's programs are: PATH first, then Debian's versioned folders, newest first
// (Debian's `postgresql` package keeps initdb and pg_ctl out of PATH).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The folder holding every one of `programs`, if any. */
export function findPostgresBin(programs: readonly string[] = ['initdb', 'pg_ctl']): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').filter(Boolean)) {
    if (programs.every((b) => existsSync(join(dir, b)))) return dir;
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const dir = join(root, version, 'bin');
    if (programs.every((b) => existsSync(join(dir, b)))) return dir;
  }
  return undefined;
}
