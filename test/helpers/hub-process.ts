// A real hub in a child process (`node --import tsx src/server.ts`) on a database in `dir`, for
// tests that must SIGKILL it: a crash, not a close.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { TEST_PROTOCOL_SECRET } from './hub.js';

export interface HubProcess {
  child: ChildProcess;
  url: string;
  /** SIGKILL, resolved once the process is gone. */
  kill(): Promise<void>;
}

const running = new Set<ChildProcess>();

/** SIGKILLs every hub process still running (for afterEach). */
export function killHubProcesses(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

export function startHubProcess(dir: string, env: Record<string, string> = {}): Promise<HubProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'info', DATABASE_PATH: join(dir, 'hub.db'), MEDIA_DIR: join(dir, 'media'), PROTOCOL_SECRET: TEST_PROTOCOL_SECRET, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => running.delete(child));
  return new Promise((resolve, reject) => {
    let out = '';
    let listening = false;
    // Kept reading after the start too, so a chatty hub never blocks on a full pipe.
    child.stdout!.on('data', (chunk: Buffer) => {
      if (listening) return;
      out += chunk.toString();
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match?.[1]) {
        listening = true;
        resolve({
          child,
          url: match[1],
          async kill() {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
            await exited;
          },
        });
      }
    });
    child.stderr!.resume();
    child.once('exit', (code) => reject(new Error(`hub exited ${code} before listening: ${out.slice(-500)}`)));
  });
}
