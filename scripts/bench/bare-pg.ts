// The ceiling's PostgreSQL routes (bare-server.ts with PG_URL): callbacks are stored a batch per
// statement (target upsert and deduped insert, group commit as the hub does) and pushed; a history
// request runs the hub's history statement, named as the hub names it, beside the target's name.
// No signature check, no auth, no ownership check, no counters, no seq.
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import type { Server } from 'socket.io';
import { HISTORY_SQL } from '../../src/conversations/history.pg.js';
import { dayRange, formatJavaDate } from '../../src/time.js';

const TZ = 'Asia/Shanghai';

interface Callback { phone: string; msgId: string; from: { id: string; name?: string }; content: string; sendTime: number }
interface Stored { id: number; target_id: number }

// One statement for a whole batch: its targets upserted once each (in key order, so two
// statements never lock them in opposite orders), its messages inserted, duplicates skipped.
const STORE_BATCH = `
WITH i AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(account_id bigint, uid text, name text, msg_id text, content text, send_time bigint)),
t AS (
  INSERT INTO targets (account_id, platform_uid, name)
  SELECT DISTINCT ON (account_id, uid) account_id, uid, name FROM i ORDER BY account_id, uid
  ON CONFLICT (account_id, platform_uid) DO UPDATE SET name = excluded.name RETURNING id, account_id, platform_uid)
INSERT INTO messages (account_id, target_id, bridge_msg_id, sender, content_type, content, send_time, status, cursor)
SELECT i.account_id, t.id, i.msg_id, 1, '1', i.content, i.send_time, 'received', 0
FROM i JOIN t ON t.account_id = i.account_id AND t.platform_uid = i.uid
ON CONFLICT DO NOTHING RETURNING id, target_id, bridge_msg_id`;

export async function pgRoutes(app: FastifyInstance, io: Server, url: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pg.types.setTypeParser(pg.types.builtins.INT8, Number);
  app.addHook('onClose', () => pool.end());
  const accounts = new Map<string, number>();
  const accountOf = async (phone: string): Promise<number> => {
    let id = accounts.get(phone);
    if (id === undefined) {
      id = (await pool.query<{ id: number }>('SELECT id FROM accounts WHERE phone = $1', [phone])).rows[0]?.id ?? 0;
      accounts.set(phone, id);
    }
    return id;
  };

  // Group commit, as the hub does it: the callbacks that arrive while a statement runs go in the
  // next one, a single statement (target upsert and deduped insert) and commit for all of them.
  // Storing each callback in its own statement commits (and flushes the WAL) once per message,
  // which made this "ceiling" slower than the hub it bounds.
  interface Pending { accountId: number; body: Callback; resolve(row: Stored | undefined): void; reject(error: unknown): void }
  let queue: Pending[] = [];
  let flushing = false;
  const flush = async () => {
    if (flushing) return;
    flushing = true;
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        const { rows } = await pool.query<Stored & { bridge_msg_id: string }>({
          name: 'bare_store',
          text: STORE_BATCH,
          values: [JSON.stringify(batch.map((p) => ({ account_id: p.accountId, uid: p.body.from.id, name: p.body.from.name ?? '', msg_id: p.body.msgId, content: p.body.content, send_time: p.body.sendTime })))],
        });
        const byMsg = new Map(rows.map((r) => [r.bridge_msg_id, r]));
        for (const p of batch) p.resolve(byMsg.get(p.body.msgId));
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    flushing = false;
  };
  const store = (accountId: number, body: Callback) =>
    new Promise<Stored | undefined>((resolve, reject) => {
      if (queue.length === 0 && !flushing) setImmediate(() => void flush());
      queue.push({ accountId, body, resolve, reject });
    });

  app.post('/xd/protocol/messageCallback', async (request) => {
    const body = request.body as Callback;
    const accountId = await accountOf(body.phone);
    const row = await store(accountId, body);
    if (row) {
      io.to(`phone:${body.phone}`).emit('message:new', {
        accountId: String(accountId),
        receId: String(row.target_id),
        receName: body.from.name ?? '',
        convType: 'biDirFriend',
        message: { msgId: String(row.id), contentType: '1', content: body.content, sendTime: '', sendTimeMs: body.sendTime, sender: 1, contReadState: '0', status: 'received' },
        cursor: row.id,
      });
    }
    return { msg: 'ok', code: 200, data: { msgId: String(row?.id ?? 0), receId: body.from.id, duplicate: row === undefined } };
  });

  app.post('/xd/client/retrievePastRecords', async (request) => {
    const b = request.body as { custServId: string; oocDate: string; convType: string; receId: string; pageno: number; pageSize: number };
    const { start, end } = dayRange(b.oocDate, TZ);
    const [target, history] = await Promise.all([
      pool.query<{ name: string }>({ name: 'bare_target', text: 'SELECT name FROM targets WHERE id = $1', values: [b.receId] }),
      pool.query<{ headTotal: number; headLast: number | null; id: number | null; contentType: string; content: string; sendTime: number; readState: number; sender: number; status: string }>({
        name: 'bare_history',
        text: HISTORY_SQL,
        values: [b.receId, start, end, b.pageSize, (b.pageno - 1) * b.pageSize],
      }),
    ]);
    const head = history.rows[0]!;
    const total = head.headTotal;
    const last = head.headLast;
    const page = history.rows.filter((r) => r.id !== null);
    return {
      msg: 'ok',
      code: 200,
      data: {
        custServId: b.custServId, convType: b.convType, occDate: b.oocDate, receId: b.receId,
        lastSendTime: last === null ? null : formatJavaDate(last, TZ), receName: target.rows[0]?.name ?? '', total, pageno: b.pageno, pageSize: b.pageSize,
        contGroups: page.map((r) => ({
          msgId: String(r.id), contentType: r.contentType, content: r.content, sendTime: formatJavaDate(r.sendTime, TZ),
          sendTimeMs: r.sendTime, contReadState: String(r.readState), sender: r.sender, status: r.status,
        })),
      },
    };
  });
}
