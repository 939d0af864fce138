import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupDatabase } from '../../scripts/backup.js';
import { inboundMessage, postCallback } from '../helpers/bridge.js';
import { startHub, type TestHub } from '../helpers/hub.js';

describe('online backup', () => {
  let t: TestHub;
  beforeEach(async () => {
    t = await startHub();
  });
  afterEach(() => t.close());

  it('copies a consistent database while the hub keeps writing', async () => {
    const writes = (async () => {
      for (let i = 0; i < 50; i++) await postCallback(t, 'messageCallback', inboundMessage({ msgId: `b-${i}` }));
    })();
    const destination = join(t.dir, 'backup', 'hub-copy.db');
    const result = await backupDatabase(join(t.dir, 'hub.db'), destination);
    await writes;
    expect(result.integrity).toBe('ok');
    expect(result.pages).toBeGreaterThan(0);
    const copy = new Database(destination, { readonly: true });
    const users = copy.prepare('SELECT count(*) AS n FROM users').get() as { n: number };
    const migrations = copy.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number };
    copy.close();
    // Every user of the live database (the demo organisation) made it into the copy.
    expect(users.n).toBe((t.hub.database.sqlite.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n);
    expect(users.n).toBeGreaterThanOrEqual(6);
    expect(migrations.n).toBeGreaterThan(0);
  });
});
