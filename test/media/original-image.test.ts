import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHttpBridgeClient } from '../../src/bridge/bridge-client.js';
import { HubError } from '../../src/http/errors.js';
import { createMediaRepository } from '../../src/media/media.repository.js';
import { createOriginalImages } from '../../src/media/original-images.js';
import { createInboundStore } from '../../src/messages/inbound.repository.js';
import { startHub, TEST_PROTOCOL_SECRET, type TestHub } from '../helpers/hub.js';
import { PNG, startFakeBridge, type FakeBridge } from './fake-bridge.js';

let seq = 0;
/** Seeds an inbound message on a phone (01/02 → seat1, 03/04 → seat2) and returns its id. */
async function seedMessage(t: TestHub, phone: string, contentType = '2', mediaRef: string | null = `ref-${++seq}`): Promise<string> {
  const [outcome] = await createInboundStore(t.hub.store).storeBatch([{
    input: { phone, msgId: `img-${++seq}`, direction: 'in', from: { id: `wa-${phone}`, name: 'Maria' }, contentType, content: '', mediaRef: mediaRef ?? undefined, sendTime: Date.now() },
    options: { tzName: 'Asia/Shanghai', now: Date.now() },
  }]);
  if (!outcome || !('ok' in outcome) || outcome.ok.duplicate) throw new Error(`not stored: ${JSON.stringify(outcome)}`);
  return String(outcome.ok.messageId);
}

describe('original images through a real bridge stand-in', () => {
  let bridge: FakeBridge;
  let t: TestHub;
  let seat1: string;
  let seat2: string;

  beforeAll(async () => {
    bridge = await startFakeBridge(TEST_PROTOCOL_SECRET);
    t = await startHub({ env: { PROTOCOL_URL: bridge.url } });
    seat1 = await t.login('seat1');
    seat2 = await t.login('seat2');
  });
  afterEach(() => {
    bridge.mode = 'ok';
    bridge.latencyMs = 0;
    bridge.requests.length = 0;
  });
  afterAll(async () => {
    await t.close();
    await bridge.close();
  });

  const original = (msgId: string, token = seat1) => t.call('POST', '/xd/client/originalImage', { token, body: { msgId } });
  const get = (url: string, headers: Record<string, string> = {}) => t.hub.app.inject({ method: 'GET', url, headers });

  it('fetches once, stores atomically under MEDIA_DIR, and serves it with type, caching and ETag', async () => {
    const msgId = await seedMessage(t, '+8613800000001', '2', 'ref-photo');
    const first = await original(msgId);
    expect(first.status).toBe(200);
    const url = first.body.data.url as string;
    expect(url).toMatch(new RegExp(`^/xd/media/${msgId}-[0-9a-f]{16}\\.png$`));
    expect(bridge.requests).toEqual([{ phone: '+8613800000001', mediaRef: 'ref-photo' }]);
    expect(bridge.badSignatures).toBe(0);
    const files = readdirSync(t.hub.config.mediaDir);
    expect(files).toEqual([url.split('/').pop()]);

    const again = await original(msgId);
    expect(again.body.data.url).toBe(url);
    expect(bridge.requests).toHaveLength(1);

    const served = await get(url, { token: seat1 });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['cache-control']).toMatch(/^private, max-age=\d+/);
    expect(served.rawPayload.equals(PNG)).toBe(true);
    const etag = served.headers.etag as string;
    expect(etag).toMatch(/^".+"$/);
    // <img src="…?token=…">: the query parameter works as well as the header.
    const viaQuery = await get(`${url}?token=${seat1}`);
    expect(viaQuery.statusCode).toBe(200);
    expect(viaQuery.rawPayload.equals(PNG)).toBe(true);
    const revalidated = await get(url, { token: seat1, 'if-none-match': etag });
    expect(revalidated.statusCode).toBe(304);
    expect(revalidated.body).toBe('');

    // A supervisor of the branch may see seat1's messages too.
    expect((await get(url, { token: await t.login('super1') })).statusCode).toBe(200);
  });

  it('makes N concurrent requests for one image share a single bridge fetch', async () => {
    const msgId = await seedMessage(t, '+8613800000002');
    bridge.latencyMs = 150;
    const answers = await Promise.all(Array.from({ length: 8 }, () => original(msgId)));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect(new Set(answers.map((a) => a.body.data.url)).size).toBe(1);
    expect(bridge.requests).toHaveLength(1);
  });

  it('answers 503 when the bridge fails or sends something that is not an image, and retries later', async () => {
    const msgId = await seedMessage(t, '+8613800000001');
    bridge.mode = 'fail';
    const failed = await original(msgId);
    expect(failed.status).toBe(503);
    expect(failed.body.msg).toContain('bridge unavailable');
    expect(failed.body.msg).toContain('502');
    bridge.mode = 'html';
    const notImage = await original(msgId);
    expect(notImage.status).toBe(503);
    expect(notImage.body.msg).toContain('not a supported image');
    bridge.mode = 'ok';
    expect((await original(msgId)).status).toBe(200);
    expect(bridge.requests).toHaveLength(3);
  });

  it('fetches again when the stored file vanished from disk', async () => {
    const msgId = await seedMessage(t, '+8613800000001');
    const url = (await original(msgId)).body.data.url as string;
    rmSync(join(t.hub.config.mediaDir, url.split('/').pop()!));
    expect((await get(url, { token: seat1 })).statusCode).toBe(404);
    const refetched = (await original(msgId)).body.data.url as string;
    expect(refetched).not.toBe(url);
    expect((await get(refetched, { token: seat1 })).statusCode).toBe(200);
    expect(bridge.requests).toHaveLength(2);
  });

  it('refuses bad input naming the field', async () => {
    const text = await seedMessage(t, '+8613800000001', '1', null);
    const notImage = await original(text);
    expect(notImage.status).toBe(400);
    expect(notImage.body.msg).toContain('msgId');
    const noRef = await seedMessage(t, '+8613800000001', '2', null);
    expect((await original(noRef)).status).toBe(404);
    for (const msgId of ['abc', '0', '']) {
      const r = await original(msgId);
      expect(r.status).toBe(400);
      expect(r.body.msg).toContain('msgId');
    }
    expect((await original('999999')).status).toBe(404);
    // Path traversal and odd names never reach the file system.
    for (const name of ['..%2F..%2Fhub.db', '1-0123456789abcdef.svg', '1-0123456789abcdef.png%00', 'x.png']) {
      const r = await get(`/xd/media/${name}`, { token: seat1 });
      expect(r.statusCode, name).toBe(400);
    }
    expect(bridge.requests).toHaveLength(0);
  });

  it("keeps other seats out of a seat's images", async () => {
    const msgId = await seedMessage(t, '+8613800000001');
    const denied = await original(msgId, seat2);
    expect(denied.status).toBe(403);
    expect(denied.body.msg).toContain('msgId');
    expect(bridge.requests).toHaveLength(0);

    const url = (await original(msgId)).body.data.url as string;
    expect((await get(url, { token: seat2 })).statusCode).toBe(403);
    expect((await get(`${url}?token=${seat2}`)).statusCode).toBe(403);
    expect((await get(url)).statusCode).toBe(401);
    expect((await get(`${url}?token=${'0'.repeat(32)}`)).statusCode).toBe(401);
    expect((await get('/xd/media/999999-0123456789abcdef.png', { token: seat1 })).statusCode).toBe(404);
    expect((await t.call('POST', '/xd/client/originalImage', { body: { msgId } })).status).toBe(401);
  });
});

describe('original images: deadlines and cross-process races', () => {
  it('gives up on a bridge that never answers with a 503 at the deadline', async () => {
    const bridge = await startFakeBridge(TEST_PROTOCOL_SECRET);
    bridge.mode = 'slow';
    const t = await startHub();
    try {
      const msgId = Number(await seedMessage(t, '+8613800000001'));
      const originals = createOriginalImages({
        media: createMediaRepository(t.hub.store),
        bridge: createHttpBridgeClient({ baseUrl: bridge.url, secret: TEST_PROTOCOL_SECRET, mediaTimeoutMs: 300 }),
        mediaDir: t.hub.config.mediaDir,
        clock: { now: () => Date.now() },
      });
      const started = Date.now();
      const error = await originals.ensure({ id: msgId, phone: '+8613800000001', mediaRef: 'ref' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HubError);
      expect((error as HubError).code).toBe(503);
      expect((error as HubError).message).toContain('timed out');
      expect(Date.now() - started).toBeLessThan(2000);
      expect(existsSync(t.hub.config.mediaDir) ? readdirSync(t.hub.config.mediaDir) : []).toEqual([]);
    } finally {
      await t.close();
      await bridge.close();
    }
  });

  it('keeps the first recorded file when two processes fetched the same image', async () => {
    const bridge = await startFakeBridge(TEST_PROTOCOL_SECRET);
    const t = await startHub();
    try {
      const msgId = Number(await seedMessage(t, '+8613800000001'));
      // Two services over one database and directory stand in for two hub processes.
      const make = () =>
        createOriginalImages({
          media: createMediaRepository(t.hub.store),
          bridge: createHttpBridgeClient({ baseUrl: bridge.url, secret: TEST_PROTOCOL_SECRET }),
          mediaDir: t.hub.config.mediaDir,
          clock: { now: () => Date.now() },
        });
      const [a, b] = await Promise.all([make().ensure({ id: msgId, phone: '+8613800000001', mediaRef: 'r' }), make().ensure({ id: msgId, phone: '+8613800000001', mediaRef: 'r' })]);
      expect(a.fileName).toBe(b.fileName);
      expect(bridge.requests).toHaveLength(2);
      expect(readdirSync(t.hub.config.mediaDir)).toEqual([a.fileName]);
    } finally {
      await t.close();
      await bridge.close();
    }
  });
});
