import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundMessage, postCallback } from '../helpers/bridge.js';
import { loadConfig } from '../../src/config.js';
import { startHub, TEST_PROTOCOL_SECRET, type TestHub } from '../helpers/hub.js';
import { connectSocket, nextEvent, type ClientSocket } from '../helpers/sockets.js';
import { ownedTargetIn } from '../messages/fixtures.js';

/** The value of one sample line of the Prometheus text, or undefined when absent. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function scrape(t: TestHub, remoteAddress = '127.0.0.1') {
  const response = await t.hub.app.inject({ method: 'GET', url: '/metrics', remoteAddress });
  return { status: response.statusCode, text: response.body, type: response.headers['content-type'] };
}

describe('GET /metrics', () => {
  let t: TestHub;
  let socket: ClientSocket;
  beforeAll(async () => {
    t = await startHub({ listen: true });
    socket = await connectSocket(t.url, await t.login('seat1'));
  });
  afterAll(async () => {
    socket.close();
    await t.close();
  });

  it('counts callbacks by outcome, ingest batches, pushes, bridge calls, sockets and Redis state', async () => {
    const pushed = nextEvent(socket, 'message:new');
    expect((await postCallback(t, 'messageCallback', inboundMessage())).status).toBe(200);
    await pushed;
    expect((await postCallback(t, 'messageCallback', inboundMessage(), { secret: `whsec_${Buffer.alloc(32, 1).toString('base64')}` })).status).toBe(401);
    const target = await ownedTargetIn(t.hub.store, 'seat1');
    const token = await t.login('seat1');
    const sent = await t.call('POST', '/xd/client/sendMessage', {
      token,
      body: { accountId: target.accountIdText, receId: target.receId, contentType: '1', content: 'hi', clientMsgId: `c-${Date.now()}` },
    });
    expect(sent.status).toBe(200);

    const { status, text, type } = await scrape(t);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain/);
    const route = '{route="/xd/protocol/messageCallback",outcome=';
    expect(sample(text, 'hub_bridge_callbacks_total', `${route}"ok"}`)).toBe(1);
    expect(sample(text, 'hub_bridge_callbacks_total', `${route}"rejected"}`)).toBe(1);
    expect(sample(text, 'hub_ingest_batch_size_count')).toBe(1);
    expect(sample(text, 'hub_ingest_commit_seconds_count')).toBe(1);
    expect(sample(text, 'hub_push_latency_seconds_count')).toBe(1);
    expect(sample(text, 'hub_sockets')).toBe(1);
    expect(sample(text, 'hub_rooms')).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'hub_redis_state', '{state="off"}')).toBe(1);
    expect(sample(text, 'hub_redis_state', '{state="ok"}')).toBe(0);
    // The sandbox bridge takes the send after the answer; wait for the count rather than sleep.
    for (let i = 0; i < 50 && sample((await scrape(t)).text, 'hub_bridge_requests_total', '{call="send",outcome="ok"}') !== 1; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(sample((await scrape(t)).text, 'hub_bridge_requests_total', '{call="send",outcome="ok"}')).toBe(1);
    expect(sample(text, 'hub_event_loop_lag_seconds', '{quantile="0.99"}')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'hub_process_memory_bytes', '{kind="rss"}')).toBeGreaterThan(0);
  });

  it('answers only the configured addresses', async () => {
    const refused = await scrape(t, '10.1.2.3');
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.text)).toMatchObject({ code: 403, error: 'forbidden', msg: expect.stringContaining('METRICS_ALLOW') });
    const lan = await startHub({ env: { METRICS_ALLOW: '10.0.0.0/8' } });
    try {
      expect((await scrape(lan, '10.1.2.3')).status).toBe(200);
      expect((await scrape(lan, '::ffff:10.9.9.9')).status).toBe(200);
      expect((await scrape(lan, '127.0.0.1')).status).toBe(403);
    } finally {
      await lan.close();
    }
  });

  it('gives every answer a request id, keeping a sane one the caller sent', async () => {
    const own = await t.hub.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'lb-42.abc' } });
    expect(own.headers['x-request-id']).toBe('lb-42.abc');
    const failed = await t.hub.app.inject({ method: 'GET', url: '/xd/auth/me', headers: { 'x-request-id': 'bad id with spaces' } });
    expect(failed.statusCode).toBe(401);
    expect(failed.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('load shedding', () => {
  let t: TestHub;
  beforeAll(async () => {
    // Any live process uses more than 1 MiB of heap: the hub is "under pressure" from the first sample.
    t = await startHub({ env: { PRESSURE_MAX_HEAP_MB: '1', PRESSURE_RETRY_AFTER_S: '7' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 503 with Retry-After in the envelope, while /healthz and /metrics keep answering', async () => {
    let answer = await t.hub.app.inject({ method: 'POST', url: '/xd/auth/login', payload: { username: 'seat1', password: 'seat1123' } });
    for (let i = 0; i < 100 && answer.statusCode !== 503; i++) {
      await new Promise((r) => setTimeout(r, 50));
      answer = await t.hub.app.inject({ method: 'POST', url: '/xd/auth/login', payload: { username: 'seat1', password: 'seat1123' } });
    }
    expect(answer.statusCode).toBe(503);
    expect(answer.headers['retry-after']).toBe('7');
    expect(answer.json()).toMatchObject({ code: 503, error: 'unavailable', msg: expect.stringContaining('overloaded') });
    const callback = await postCallback(t, 'messageCallback', inboundMessage());
    expect(callback.status).toBe(503);
    expect((await t.hub.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await t.hub.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
  });
});

describe('load shedding defaults', () => {
  it('is on by default in production only', () => {
    expect(loadConfig({ NODE_ENV: 'production', PROTOCOL_SECRET: TEST_PROTOCOL_SECRET }).pressure.maxEventLoopDelayMs).toBe(1000);
    expect(loadConfig({ NODE_ENV: 'development' }).pressure.maxEventLoopDelayMs).toBe(0);
  });
});
