// Online backup while the hub runs, of whichever engine it is configured for:
// - SQLite: SQLite's backup API copies a consistent snapshot page by page without stopping writers;
// - PostgreSQL (DATABASE_URL): pg_dump's custom format, one consistent snapshot, restorable with
//   pg_restore; the archive is read back (pg_restore --list) before the backup counts as made.
//   npm run backup -- ./backups/hub-2026-11-24.db      (or .dump for PostgreSQL)
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig } from '../src/config.js';
import { findPostgresBin } from '../src/db/pg/binaries.js';

const run = promisify(execFile);

/** `url` without its password, for output and logs. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

export async function backupPostgres(url: string, destination: string): Promise<{ entries: number; tables: number }> {
  const bin = findPostgresBin(['pg_dump', 'pg_restore']);
  if (!bin) throw new Error('pg_dump and pg_restore not found: install the Debian package postgresql-client');
  mkdirSync(dirname(resolve(destination)), { recursive: true });
  await run(join(bin, 'pg_dump'), ['--format=custom', '--no-owner', `--file=${destination}`, `--dbname=${url}`]);
  const { stdout } = await run(join(bin, 'pg_restore'), ['--list', destination], { maxBuffer: 64 * 1024 * 1024 });
  const entries = stdout.split('\n').filter((line) => /^\d+;/.test(line));
  return { entries: entries.length, tables: entries.filter((line) => / TABLE DATA /.test(line)).length };
}

export async function backupDatabase(source: string, destination: string): Promise<{ pages: number; integrity: string }> {
  mkdirSync(dirname(resolve(destination)), { recursive: true });
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const { totalPages } = await db.backup(destination);
    const copy = new Database(destination, { readonly: true });
    try {
      const integrity = copy.pragma('integrity_check', { simple: true }) as string;
      return { pages: totalPages, integrity };
    } finally {
      copy.close();
    }
  } finally {
    db.close();
  }
}

async function main(destination: string): Promise<boolean> {
  const { databasePath, databaseUrl } = loadConfig();
  if (databaseUrl !== undefined) {
    const { entries, tables } = await backupPostgres(databaseUrl, destination);
    process.stdout.write(`${JSON.stringify({ source: redactUrl(databaseUrl), destination, entries, tables })}\n`);
    return tables > 0;
  }
  const { pages, integrity } = await backupDatabase(databasePath, destination);
  process.stdout.write(`${JSON.stringify({ source: databasePath, destination, pages, integrity })}\n`);
  return integrity === 'ok';
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const destination = process.argv[2];
  if (!destination) {
    process.stderr.write('usage: npm run backup -- <destination file>\n');
    process.exit(2);
  }
  main(destination).then(
    (ok) => process.exit(ok ? 0 : 1),
    (error: Error) => {
      process.stderr.write(`backup failed: ${error.message}\n`);
      process.exit(1);
    },
  );
}
