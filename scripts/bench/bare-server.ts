// The ceiling server: the hub's stack (Fastify + Socket.IO + better-sqlite3, or pg with PG_URL:
// ./bare-pg.ts) doing the least possible work. No signature check, no store, no auth: a callback is one io.to(room).emit, a
// history request is the same SQL the hub needs, run raw.
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { Server } from 'socket.io';
import { dayRange, formatJavaDate } from '../../src/time.js';
import { pgRoutes } from './bare-pg.js';

const TZ = 'Asia/Shanghai';
const app = Fastify({ logger: false });
const io = new Server(app.server, { maxHttpBufferSize: 64 * 1024 });

// A client names its room in the handshake, standing in for the hub's token lookup.
io.use((socket, next) => {
  const room = (socket.handshake.auth as { room?: unknown }).room;
  if (typeof room === 'string') void socket.join(room);
  next();
});

app.get('/healthz', async () => ({ msg: 'ok', code: 200, data: { db: 'ok', redis: 'off' } }));

let seq = 0;
if (process.env.PG_URL) await pgRoutes(app, io, process.env.PG_URL);
else app.post('/xd/protocol/messageCallback', async (request) => {
  const body = request.body as { phone: string; msgId: string; from: { id: string; name?: string }; content: string; sendTime: number };
  seq += 1;
  io.to(`phone:${body.phone}`).emit('message:new', {
    accountId: '1',
    receId: body.from.id,
    receName: body.from.name ?? '',
    convType: 'biDirFriend',
    message: { msgId: String(seq), contentType: '1', content: body.content, sendTime: '', sendTimeMs: body.sendTime, sender: 1, contReadState: '0', status: 'received' },
    cursor: seq,
  });
  return { msg: 'ok', code: 200, data: { msgId: String(seq), receId: body.from.id, duplicate: false } };
});

if (process.env.DATABASE_PATH && !process.env.PG_URL) {
  const db = new Database(process.env.DATABASE_PATH, { readonly: true });
  const target = db.prepare('SELECT name FROM targets WHERE id = ?');
  const summary = db.prepare('SELECT count(*) AS total, max(send_time) AS last FROM messages WHERE target_id = ? AND send_time >= ? AND send_time < ?');
  const page = db.prepare(
    `SELECT id, content_type, content, send_time, read_state, sender, status FROM messages
     WHERE target_id = ? AND send_time >= ? AND send_time < ? ORDER BY send_time, id LIMIT ? OFFSET ?`,
  );
  app.post('/xd/client/retrievePastRecords', async (request) => {
    const b = request.body as { custServId: string; oocDate: string; convType: string; receId: string; pageno: number; pageSize: number };
    const { start, end } = dayRange(b.oocDate, TZ);
    const name = (target.get(b.receId) as { name: string } | undefined)?.name ?? '';
    const { total, last } = summary.get(b.receId, start, end) as { total: number; last: number | null };
    const rows = page.all(b.receId, start, end, b.pageSize, (b.pageno - 1) * b.pageSize) as {
      id: number; content_type: string; content: string; send_time: number; read_state: number; sender: number; status: string;
    }[];
    return {
      msg: 'ok',
      code: 200,
      data: {
        custServId: b.custServId, convType: b.convType, occDate: b.oocDate, receId: b.receId,
        lastSendTime: last === null ? null : formatJavaDate(last, TZ), receName: name, total, pageno: b.pageno, pageSize: b.pageSize,
        contGroups: rows.map((r) => ({
          msgId: String(r.id), contentType: r.content_type, content: r.content, sendTime: formatJavaDate(r.send_time, TZ),
          sendTimeMs: r.send_time, contReadState: String(r.read_state), sender: r.sender, status: r.status,
        })),
      },
    };
  });
}

if (process.env.DATABASE_PATH) {
  // The dashboard's ceiling: the same route answered by reading one counter row.
  const db = new Database(process.env.DATABASE_PATH, { readonly: true });
  const row = db.prepare('SELECT inbound, outbound FROM dashboard_hours WHERE day = ? LIMIT 1');
  app.post('/xd/dashboard/summary', async (request) => {
    const b = request.body as { date: string };
    const r = (row.get(b.date) as { inbound: number; outbound: number } | undefined) ?? { inbound: 0, outbound: 0 };
    return { msg: 'ok', code: 200, data: { date: b.date, inbound: r.inbound, outbound: r.outbound } };
  });
}

await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
const stop = () => void io.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
