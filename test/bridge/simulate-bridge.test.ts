import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, TEST_PROTOCOL_SECRET, type TestHub } from '../helpers/hub.js';
import { collectEvents, connectSocket, waitFor } from '../helpers/sockets.js';

const run = promisify(execFile);

describe('scripts/simulate-bridge.ts', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startHub({ listen: true });
  });
  afterAll(() => t.close());
  const messageCount = async () => (await t.hub.store.db.select({ n: count() }).from(t.hub.store.tables.messages))[0]!.n;

  it('plays signed inbound traffic that the hub stores and pushes', async () => {
    const socket = await connectSocket(t.url, await t.login('seat1'));
    const pushes = collectEvents(socket, 'message:new');
    const before = await messageCount();
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/simulate-bridge.ts', '--url', t.url, '--secret', TEST_PROTOCOL_SECRET, '--rate', '40', '--duration', '1', '--phones', '+8613800000001'],
      { timeout: 30_000 },
    );
    const figures = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(figures).toMatchObject({ sent: 40, ok: 40, duplicate: 0, rejected: 0, errors: 0 });
    expect(await messageCount()).toBe(before + 40);
    await waitFor(() => pushes.length === 40, 5000, '40 pushes');
    socket.close();
  });

  it('exits non-zero when the secret is wrong', async () => {
    const wrong = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
    await expect(
      run(process.execPath, ['--import', 'tsx', 'scripts/simulate-bridge.ts', '--url', t.url, '--secret', wrong, '--rate', '5', '--duration', '1'], { timeout: 30_000 }),
    ).rejects.toMatchObject({ code: 1, stdout: expect.stringContaining('"rejected":5') });
  });
});
