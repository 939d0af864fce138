// The real entry point, as a child process: it starts on its defaults and stops cleanly.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_PROTOCOL_SECRET } from './helpers/hub.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('server process', () => {
  it('serves, then on SIGTERM closes and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-server-'));
    dirs.push(dir);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'info', DATABASE_PATH: join(dir, 'hub.db'), MEDIA_DIR: join(dir, 'media'), PROTOCOL_SECRET: TEST_PROTOCOL_SECRET },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (match?.[1]) resolve(match[1]);
      });
      void exited.then((code) => reject(new Error(`exited ${code} before listening: ${out}`)));
    });
    const health = await (await fetch(`${url}/healthz`)).json();
    expect(health).toEqual({ msg: '操作成功', code: 200, data: { db: 'ok', redis: 'off' } });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
