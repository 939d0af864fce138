// Plays signed inbound bridge traffic against a running hub, for demos and smoke tests.
//   npm run simulate-bridge -- --url http://127.0.0.1:8080 --secret whsec_… --rate 20 --duration 30 \
//     --phones +8613800000001,+8613800000003 [--targets 20]
// Prints one JSON line of figures at the end.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8080' },
    secret: { type: 'string', default: process.env.PROTOCOL_SECRET },
    rate: { type: 'string', default: '10' },
    duration: { type: 'string', default: '10' },
    phones: { type: 'string', default: '+8613800000001,+8613800000002,+8613800000003,+8613800000004' },
    targets: { type: 'string', default: '10' },
  },
});

function fail(message: string): never {
  console.error(`simulate-bridge: ${message}`);
  process.exit(2);
}

const secret = values.secret ?? fail('--secret (or PROTOCOL_SECRET) is required: the hub logs the one it generated');
const rate = Number(values.rate);
const duration = Number(values.duration);
const targetsPerPhone = Number(values.targets);
const phones = (values.phones ?? '').split(',').map((p) => p.trim()).filter(Boolean);
if (!(rate > 0) || !(duration > 0) || !(targetsPerPhone > 0) || phones.length === 0) fail('--rate, --duration, --targets must be > 0 and --phones non-empty');
const base = (values.url ?? '').replace(/\/+$/, '');

const webhook = new Webhook(secret);
const NAMES = ['Ana', 'Bruno', '李雷', '韩梅梅', 'Carlos', 'Dewi', 'Emre', 'Fatima', 'Grace', 'Hiro'];
const LINES = ['Hi, is this still available?', '价格多少?', 'Can you send a photo?', '你好', 'Thanks!', 'How long is delivery?'];
const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;

const stats = { sent: 0, ok: 0, duplicate: 0, rejected: 0, errors: 0 };
const latencies: number[] = [];

async function postOne(): Promise<void> {
  const phone = pick(phones);
  const t = Math.floor(Math.random() * targetsPerPhone);
  const body = JSON.stringify({
    phone,
    msgId: `sim-${randomUUID()}`,
    direction: 'in',
    from: { id: `sim-${phone}-${t}`, name: NAMES[t % NAMES.length], convType: 'stranger' },
    contentType: '1',
    content: pick(LINES),
    sendTime: Date.now(),
  });
  const id = `msg_${randomUUID()}`;
  const now = new Date();
  const started = performance.now();
  stats.sent++;
  try {
    const response = await fetch(`${base}/xd/protocol/messageCallback`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': webhook.sign(id, now, body),
      },
      body,
    });
    const answer = (await response.json().catch(() => ({}))) as { data?: { duplicate?: boolean }; msg?: string };
    latencies.push(performance.now() - started);
    if (response.ok) {
      if (answer.data?.duplicate) stats.duplicate++;
      else stats.ok++;
    } else {
      stats.rejected++;
      if (stats.rejected <= 3) console.error(`simulate-bridge: ${response.status} ${answer.msg ?? ''}`);
    }
  } catch (error) {
    stats.errors++;
    if (stats.errors <= 3) console.error(`simulate-bridge: ${(error as Error).message}`);
  }
}

const total = Math.round(rate * duration);
const interval = 1000 / rate;
const inflight = new Set<Promise<void>>();
const start = performance.now();
for (let i = 0; i < total; i++) {
  const due = start + i * interval;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  // Bounded concurrency: a slow hub slows the player instead of piling up sockets.
  if (inflight.size >= 256) await Promise.race(inflight);
  const p = postOne().finally(() => inflight.delete(p));
  inflight.add(p);
}
await Promise.all(inflight);
latencies.sort((a, b) => a - b);
const at = (q: number) => (latencies.length ? Number(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(2)) : null);
const seconds = (performance.now() - start) / 1000;
console.log(JSON.stringify({ ...stats, seconds: Number(seconds.toFixed(2)), perSecond: Number((stats.sent / seconds).toFixed(1)), p50ms: at(0.5), p99ms: at(0.99) }));
process.exit(stats.errors > 0 || stats.rejected > 0 ? 1 : 0);
