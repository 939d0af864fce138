// Online backup of the hub's SQLite file while the hub runs: SQLite's backup API copies a
// consistent snapshot page by page without stopping writers.
//   npm run backup -- ./backups/hub-2026-11-24.db
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/config.js';

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

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const destination = process.argv[2];
  if (!destination) {
    process.stderr.write('usage: npm run backup -- <destination file>\n');
    process.exit(2);
  }
  const { databasePath } = loadConfig();
  backupDatabase(databasePath, destination).then(
    ({ pages, integrity }) => {
      process.stdout.write(`${JSON.stringify({ source: databasePath, destination, pages, integrity })}\n`);
      process.exit(integrity === 'ok' ? 0 : 1);
    },
    (error: Error) => {
      process.stderr.write(`backup failed: ${error.message}\n`);
      process.exit(1);
    },
  );
}
