// The WAHA and Evolution clients against their fakes: media sends, group create/add with the
// per-member answers mapped to the hub's states, retries and deadlines; and the drivers that
// have no group calls yet saying so.
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpBridgeClient } from '../../src/bridge/bridge-client.js';
import { createEvolutionClient } from '../../src/bridge/evolution/evolution-client.js';
import { createSandboxBridge } from '../../src/bridge/sandbox-bridge.js';
import { createWahaClient } from '../../src/bridge/waha/waha-client.js';
import { HubError } from '../../src/http/errors.js';
import { createUnhandledEvents } from '../../src/bridge/webhook-intake.js';
import { BridgeError } from '../../src/messages/bridge-port.js';
import { startFakeEvolution, EVOLUTION_API_KEY, type FakeEvolution } from '../helpers/fake-evolution.js';
import { startFakeHttp, type FakeHttp } from '../helpers/fake-http.js';
import { startFakeWaha, WAHA_API_KEY, type FakeWaha } from '../helpers/fake-waha.js';
import { TEST_PROTOCOL_SECRET } from '../helpers/hub.js';

const fakes: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.close();
});
const noWait = { attempts: 3, baseDelayMs: 1 };
const PHONE = '+8613800000001';

async function waha(): Promise<FakeWaha> {
  const fake = await startFakeWaha();
  fakes.push(fake);
  return fake;
}
async function evolution(): Promise<FakeEvolution> {
  const fake = await startFakeEvolution();
  fakes.push(fake);
  return fake;
}

describe('WAHA client', () => {
  const client = (fake: FakeHttp, extra = {}) => createWahaClient({ baseUrl: fake.url, apiKey: WAHA_API_KEY, sessionOf: () => 'shop', retry: noWait, ...extra });

  it('sends images and files by URL to sendImage and sendFile, and refuses content that is not a URL', async () => {
    const fake = await waha();
    await client(fake).send({ phone: PHONE, to: '5511990000001@c.us', contentType: '2', content: 'https://cdn.example.com/a.jpg', clientMsgId: 'c1', idempotencyKey: 'k-c1' });
    await client(fake).send({ phone: PHONE, to: '5511990000001', contentType: '5', content: 'https://cdn.example.com/a.pdf', clientMsgId: 'c2', idempotencyKey: 'k-c2' });
    expect(fake.calls.map((c) => [c.path, c.body])).toEqual([
      ['/api/sendImage', { session: 'shop', chatId: '5511990000001@c.us', file: { url: 'https://cdn.example.com/a.jpg' } }],
      ['/api/sendFile', { session: 'shop', chatId: '5511990000001@c.us', file: { url: 'https://cdn.example.com/a.pdf' } }],
    ]);
    const refused = await client(fake).send({ phone: PHONE, to: 'x@c.us', contentType: '2', content: 'not a url', clientMsgId: 'c3', idempotencyKey: 'k-c3' }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ retryable: false });
  });

  it('maps per-member answers of participants/add and sends the invite link to members privacy kept out', async () => {
    const fake = await waha();
    Object.assign(fake.memberCodes, { '5511990000002': 403, '5511990000003': 409, '5511990000004': 404, '5511990000005': 429 });
    const { results } = await client(fake).addToGroup(PHONE, '120363000000000001@g.us', ['+5511990000001', '+5511990000002', '+5511990000003', '+5511990000004', '+5511990000005']);
    expect(results).toEqual([
      { member: '+5511990000001', state: 'added' },
      { member: '+5511990000002', state: 'invited' },
      { member: '+5511990000003', state: 'failed', reason: 'already_member' },
      { member: '+5511990000004', state: 'failed', reason: 'not_on_whatsapp' },
      { member: '+5511990000005', state: 'failed', reason: 'rate_limited' },
    ]);
    expect(fake.calls.find((c) => c.path.endsWith('/participants/add'))).toMatchObject({ path: '/api/shop/groups/120363000000000001%40g.us/participants/add', headers: { 'x-api-key': WAHA_API_KEY } });
    expect(fake.calls.find((c) => c.path === '/api/sendText')?.body).toEqual({ session: 'shop', chatId: '5511990000002@c.us', text: 'https://chat.whatsapp.com/InviteCode123' });
  });

  it('creates a group and reports the members it holds', async () => {
    const fake = await waha();
    const created = await client(fake).createGroup(PHONE, 'VIP', ['+5511990000001', '+5511990000002']);
    expect(created.groupId).toBe('120363000000000001@g.us');
    expect(created.results[0]).toEqual({ member: '+5511990000001', state: 'added' });
    expect(created.results[1]).toMatchObject({ state: 'failed' });
    expect(fake.calls[0]).toMatchObject({ path: '/api/shop/groups', body: { name: 'VIP', participants: [{ id: '5511990000001@c.us' }, { id: '5511990000002@c.us' }] } });
  });

  it('retries a failing restart with backoff, and gives up on a refusal at once', async () => {
    let n = 0;
    const flaky = await startFakeHttp(() => (++n < 3 ? { status: 503, body: {} } : { status: 201, body: {} }));
    fakes.push(flaky);
    await client(flaky).relogin(PHONE);
    expect(flaky.calls).toHaveLength(3);
    const refusing = await startFakeHttp(() => ({ status: 404, body: { message: 'Session not found' } }));
    fakes.push(refusing);
    await expect(client(refusing).relogin(PHONE)).rejects.toMatchObject({ retryable: false, status: 404, message: expect.stringMatching(/^bridge \/api\/sessions\/shop\/restart: HTTP 404/) });
    expect(refusing.calls).toHaveLength(1);
  });

  it('gives up on a WAHA that never answers at the deadline', async () => {
    const hanging = await startFakeHttp(() => new Promise<never>(() => undefined));
    fakes.push(hanging);
    const error = await client(hanging, { timeoutMs: 100, retry: { attempts: 1, baseDelayMs: 1 } }).loginQr(PHONE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BridgeError);
    expect((error as BridgeError).message).toMatch(/timed out after 100 ms/);
  });

  it('fetches originals only under /api/files of WAHA_URL', async () => {
    const fake = await waha();
    await expect(client(fake).fetchMedia(PHONE, 'http://evil.example/api/files/x.jpg')).rejects.toMatchObject({ retryable: false });
    await expect(client(fake).fetchMedia(PHONE, '/api/files/../sessions')).rejects.toMatchObject({ retryable: false });
    expect(fake.calls).toHaveLength(0);
    expect((await client(fake).fetchMedia(PHONE, '/api/files/shop/a.png')).contentType).toBe('image/png');
  });
});

describe('Evolution client', () => {
  const client = (fake: FakeHttp) => createEvolutionClient({ baseUrl: fake.url, apiKey: EVOLUTION_API_KEY, instanceOf: () => 'shop', retry: noWait });

  it('sends images by URL through sendMedia with the apikey', async () => {
    const fake = await evolution();
    const { msgId } = await client(fake).send({ phone: PHONE, to: '5511980000001@s.whatsapp.net', contentType: '2', content: 'https://cdn.example.com/a.jpg', clientMsgId: 'c1', idempotencyKey: 'k-c1' });
    expect(msgId).toMatch(/^3EB0SENT/);
    expect(fake.calls[0]).toMatchObject({ path: '/message/sendMedia/shop', headers: { apikey: EVOLUTION_API_KEY }, body: { number: '5511980000001', mediatype: 'image', media: 'https://cdn.example.com/a.jpg' } });
  });

  it('creates a group (numbers not on WhatsApp dropped) and adds members with per-member answers and invites', async () => {
    const fake = await evolution();
    const created = await client(fake).createGroup(PHONE, 'VIP', ['+5511980000001', '+5511980000010']);
    expect(created).toEqual({
      groupId: '120363000000000002@g.us',
      results: [
        { member: '+5511980000001', state: 'added' },
        { member: '+5511980000010', state: 'failed', reason: 'not_on_whatsapp' },
      ],
    });
    Object.assign(fake.memberCodes, { '5511980000002': 403, '5511980000003': 409 });
    const added = await client(fake).addToGroup(PHONE, created.groupId, ['+5511980000002', '+5511980000003', '+5511980000004']);
    expect(added.results).toEqual([
      { member: '+5511980000002', state: 'invited' },
      { member: '+5511980000003', state: 'failed', reason: 'already_member' },
      { member: '+5511980000004', state: 'added' },
    ]);
    expect(fake.calls.find((c) => c.path.startsWith('/group/updateParticipant/'))).toMatchObject({ path: '/group/updateParticipant/shop?groupJid=120363000000000002%40g.us', body: { action: 'add', participants: ['5511980000002', '5511980000003', '5511980000004'] } });
    expect(fake.calls.find((c) => c.path === '/group/sendInvite/shop')?.body).toMatchObject({ groupJid: '120363000000000002@g.us', numbers: ['5511980000002'] });
  });
});

describe('drivers without group calls yet', () => {
  it('answer group create/add with a 503 naming the driver', async () => {
    const hub = createHttpBridgeClient({ baseUrl: 'http://127.0.0.1:9', secret: TEST_PROTOCOL_SECRET });
    const sandbox = createSandboxBridge({ reportStatus: () => undefined });
    for (const [driver, port] of [['hub', hub], ['sandbox', sandbox]] as const) {
      const error = await port.createGroup(PHONE, 'g', ['+1']).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HubError);
      expect(error).toMatchObject({ code: 503, error: 'unavailable', message: expect.stringContaining(`${driver} driver`) });
      await expect(port.addToGroup(PHONE, 'g', ['+1'])).rejects.toMatchObject({ code: 503 });
    }
    sandbox.close();
  });
});

describe('unhandled webhook events', () => {
  it('are counted per driver and event, logged on the first and every 100th', () => {
    const lines: object[] = [];
    const unhandled = createUnhandledEvents({ info: (o) => lines.push(o) });
    for (let i = 0; i < 100; i++) unhandled.count('waha', 'presence.update');
    unhandled.count('evolution', 'presence.update');
    expect(unhandled.snapshot()).toEqual({ 'waha:presence.update': 100, 'evolution:presence.update': 1 });
    expect(lines).toEqual([
      { driver: 'waha', event: 'presence.update', count: 1 },
      { driver: 'waha', event: 'presence.update', count: 100 },
      { driver: 'evolution', event: 'presence.update', count: 1 },
    ]);
  });
});
