// A hub SIGKILLed in the middle of a burst of signed callbacks: what was answered 2xx is stored,
// what was not is stored whole or not at all, and the database is intact.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/db/open-store.js';
import { inboundMessage, postCallback, signedHeaders } from '../helpers/bridge.js';
import { dropPgDatabase, freshPgDatabase, testEngine } from '../helpers/engine.js';
import { startHub } from '../helpers/hub.js';
import { killHubProcesses, startHubProcess } from '../helpers/hub-process.js';

const dirs: string[] = [];
const databases: string[] = [];
afterEach(async () => {
  killHubProcesses();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  for (const url of databases.splice(0)) await dropPgDatabase(url);
});

interface Sent {
  msgId: string;
  webhookId: string;
  body: string;
  status: number | 'lost';
}

describe('crash safety', () => {
  it('keeps every callback answered 2xx and half-stores none when SIGKILLed mid-burst', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-crash-'));
    dirs.push(dir);
    // On PostgreSQL the killed process and the hub restarted after it share one database.
    const env: Record<string, string> = {};
    if (testEngine === 'pg') databases.push((env.DATABASE_URL = await freshPgDatabase()));
    const { child, url } = await startHubProcess(dir, env);
    const exited = new Promise((resolve) => child.once('exit', resolve));

    const total = 1500;
    const concurrency = 32;
    const killAfter = 300;
    const sent: Sent[] = [];
    let answered = 0;
    let next = 0;
    const worker = async () => {
      while (next < total) {
        const i = next++;
        // Every tenth callback comes from a new target: a first-seen target, its conversation and a fan.
        const message = inboundMessage({ from: { id: `crash-target-${i % 10 === 0 ? i : 1}`, name: `T${i}`, convType: 'stranger' } });
        const body = JSON.stringify(message);
        const webhookId = `msg_${randomUUID()}`;
        const entry: Sent = { msgId: message.msgId, webhookId, body, status: 'lost' };
        sent.push(entry);
        try {
          const response = await fetch(`${url}/xd/protocol/messageCallback`, { method: 'POST', headers: signedHeaders(body, { webhookId }), body });
          entry.status = response.status;
          await response.arrayBuffer();
          if (response.ok && ++answered === killAfter) child.kill('SIGKILL');
        } catch {
          // The connection died with the hub: this callback's fate is unknown to the bridge.
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    await exited;

    const ok = sent.filter((s) => typeof s.status === 'number' && s.status >= 200 && s.status < 300);
    const unanswered = sent.filter((s) => !(typeof s.status === 'number' && s.status >= 200 && s.status < 300));
    expect(ok.length).toBeGreaterThanOrEqual(killAfter);
    // The kill landed mid-burst: some callbacks were in flight or never sent.
    expect(unanswered.length).toBeGreaterThan(0);

    if (testEngine === 'sqlite') {
      // The file itself after the kill (PostgreSQL's own recovery is not the hub's to test).
      const file = new Database(join(dir, 'hub.db'));
      try {
        expect(file.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(file.pragma('foreign_key_check')).toEqual([]);
      } finally {
        file.close();
      }
    }
    const store = await openStore({ databaseUrl: env.DATABASE_URL, databasePath: join(dir, 'hub.db'), sqliteSynchronous: 'NORMAL', pgPoolMax: 2 });
    try {
      const whole = async (s: Sent) => {
        const rows = await store.rows<{ activities: number; conversations: number }>(sql`
          SELECT m.id, m.target_id AS "targetId",
                 (SELECT count(*) FROM activity a WHERE a.cursor = m.cursor AND a.target_id = m.target_id) AS activities,
                 (SELECT count(*) FROM conversations c WHERE c.target_id = m.target_id) AS conversations
            FROM messages m WHERE m.bridge_msg_id = ${s.msgId}`);
        const webhook = (await store.rows<{ n: number }>(sql`SELECT count(*) AS n FROM webhook_deliveries WHERE webhook_id = ${s.webhookId}`))[0]!.n;
        if (rows.length === 0) return webhook === 0 ? 'absent' : 'half';
        return rows.length === 1 && rows[0]!.activities === 1 && rows[0]!.conversations === 1 && webhook === 1 ? 'whole' : 'half';
      };
      for (const s of ok) expect(await whole(s), `answered ${s.status} for ${s.msgId}`).toBe('whole');
      for (const s of unanswered) expect(['whole', 'absent'], `unanswered ${s.msgId}`).toContain(await whole(s));
    } finally {
      await store.close();
    }

    // Restarted on the same file: a redelivery of an answered callback changes nothing, and one
    // whose answer was lost is stored once, whichever side of the commit the kill fell on.
    const t = await startHub({ dir, env });
    try {
      const replay = ok[0]!;
      const again = await postCallback(t, 'messageCallback', JSON.parse(replay.body));
      expect(again.body).toMatchObject({ code: 200, data: { duplicate: true } });
      const lost = unanswered[0]!;
      const redelivered = await postCallback(t, 'messageCallback', JSON.parse(lost.body));
      expect(redelivered.status).toBe(200);
      const [count] = await t.hub.store.rows<{ n: number }>(sql`SELECT count(*) AS n FROM messages WHERE bridge_msg_id = ${lost.msgId}`);
      expect(count!.n).toBe(1);
    } finally {
      await t.close();
    }
  }, 60_000);
});
