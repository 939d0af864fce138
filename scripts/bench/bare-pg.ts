// The ceiling's PostgreSQL routes (bare-server.ts with PG_URL): a callback stores its message in
// one statement (target upsert and deduped insert in one round trip) and pushes it; a history
// request runs the hub's history statement, named as the hub names it, beside the target's name.
// No signature check, no auth, no ownership check, no group commit.
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import type { Server } from 'socket.io';
import { HISTORY_SQL } from '../../src/conversations/history.pg.js';
import { dayRange, formatJavaDate } from '../../src/time.js';

const TZ = 'Asia/Shanghai';

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

  app.post('/xd/protocol/messageCallback', async (request) => {
    const body = request.body as { phone: string; msgId: string; from: { id: string; name?: string }; content: string; sendTime: number };
    const accountId = await accountOf(body.phone);
    const stored = await pool.query<{ id: number; target_id: number }>(
      `WITH t AS (
         INSERT INTO targets (account_id, platform_uid, name) VALUES ($1, $2, $3)
         ON CONFLICT (account_id, platform_uid) DO UPDATE SET name = excluded.name RETURNING id)
       INSERT INTO messages (account_id, target_id, bridge_msg_id, sender, content_type, content, send_time, status, cursor)
       SELECT $1, t.id, $4, 1, '1', $5, $6, 'received', 0 FROM t
       ON CONFLICT DO NOTHING RETURNING id, target_id`,
      [accountId, body.from.id, body.from.name ?? '', body.msgId, body.content, body.sendTime],
    );
    const row = stored.rows[0];
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
