// A hub SIGKILLed in the middle of a burst of signed callbacks: what was answered 2xx is stored,
// what was not is stored whole or not at all, and the database is intact.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { inboundMessage, postCallback, signedHeaders } from '../helpers/bridge.js';
import { startHub } from '../helpers/hub.js';
import { killHubProcesses, startHubProcess } from '../helpers/hub-process.js';

const dirs: string[] = [];
afterEach(() => {
  killHubProcesses();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
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
    const { child, url } = await startHubProcess(dir);
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

    const db = new Database(join(dir, 'hub.db'));
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);
      const stored = db.prepare(
        `SELECT m.id, m.target_id AS targetId,
                (SELECT count(*) FROM activity a WHERE a.cursor = m.cursor AND a.target_id = m.target_id) AS activities,
                (SELECT count(*) FROM conversations c WHERE c.target_id = m.target_id) AS conversations
           FROM messages m WHERE m.bridge_msg_id = ?`,
      );
      const claimed = db.prepare('SELECT count(*) AS n FROM webhook_deliveries WHERE webhook_id = ?');
      const whole = (s: Sent) => {
        const rows = stored.all(s.msgId) as { activities: number; conversations: number }[];
        const webhook = (claimed.get(s.webhookId) as { n: number }).n;
        if (rows.length === 0) return webhook === 0 ? 'absent' : 'half';
        return rows.length === 1 && rows[0]!.activities === 1 && rows[0]!.conversations === 1 && webhook === 1 ? 'whole' : 'half';
      };
      for (const s of ok) expect(whole(s), `answered ${s.status} for ${s.msgId}`).toBe('whole');
      for (const s of unanswered) expect(['whole', 'absent'], `unanswered ${s.msgId}`).toContain(whole(s));
    } finally {
      db.close();
    }

    // Restarted on the same file: a redelivery of an answered callback changes nothing, and one
    // whose answer was lost is stored once, whichever side of the commit the kill fell on.
    const t = await startHub({ dir });
    try {
      const replay = ok[0]!;
      const again = await postCallback(t, 'messageCallback', JSON.parse(replay.body));
      expect(again.body).toMatchObject({ code: 200, data: { duplicate: true } });
      const lost = unanswered[0]!;
      const redelivered = await postCallback(t, 'messageCallback', JSON.parse(lost.body));
      expect(redelivered.status).toBe(200);
      const count = t.hub.database.sqlite.prepare('SELECT count(*) AS n FROM messages WHERE bridge_msg_id = ?').get(lost.msgId) as { n: number };
      expect(count.n).toBe(1);
    } finally {
      await t.close();
    }
  }, 60_000);
});
