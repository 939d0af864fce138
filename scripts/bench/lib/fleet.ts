// Many client sockets spread over holder processes (see holder.ts), driven over IPC.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ClientSpec, HolderCommand, HolderEvent, SeatReport } from './holder.js';
import { GENERATOR_CPUS, ROOT, spawnNode } from './procs.js';

export interface Fleet {
  connected: number;
  /** The first connect refusal, if any socket was refused. */
  error?: string;
  /** Called when a socket has reconnected and (with catch-up on) caught up by cursor. */
  onCaughtUp(listener: (at: number, key: string) => void): void;
  report(): Promise<SeatReport[]>;
  close(): Promise<void>;
}

function waitFor<T extends HolderEvent['type']>(child: ChildProcess, type: T, timeoutMs: number): Promise<Extract<HolderEvent, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`holder: no ${type} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (event: HolderEvent) => {
      if (event.type !== type) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(event as Extract<HolderEvent, { type: T }>);
    };
    child.on('message', onMessage);
  });
}

export async function startFleet(url: string, clients: ClientSpec[], options: { catchUp: boolean; perProcess?: number; timeoutMs?: number }): Promise<Fleet> {
  const perProcess = options.perProcess ?? 2500;
  const children: ChildProcess[] = [];
  const listeners: ((at: number, key: string) => void)[] = [];
  let connected = 0;
  let error: string | undefined;
  const close = async () => {
    await Promise.all(
      children.map((child) => new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send({ cmd: 'close' } satisfies HolderCommand);
      })),
    );
  };
  try {
    const ready: Promise<Extract<HolderEvent, { type: 'connected' }>>[] = [];
    for (let i = 0; i < clients.length; i += perProcess) {
      const child = spawnNode(['--import', 'tsx', join(ROOT, 'scripts/bench/lib/holder.ts')], { cpus: GENERATOR_CPUS, ipc: true });
      child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
      child.on('message', (event: HolderEvent) => {
        if (event.type === 'caughtUp') listeners.forEach((l) => l(event.at, event.key));
      });
      children.push(child);
      ready.push(waitFor(child, 'connected', options.timeoutMs ?? 120_000));
      child.send({ cmd: 'connect', url, clients: clients.slice(i, i + perProcess), catchUp: options.catchUp } satisfies HolderCommand);
    }
    const done = await Promise.all(ready);
    connected = done.reduce((n, d) => n + d.count, 0);
    error = done.find((d) => d.error)?.error;
  } catch (error) {
    await close();
    throw error;
  }
  return {
    connected,
    ...(error ? { error } : {}),
    onCaughtUp: (listener) => void listeners.push(listener),
    async report() {
      const parts = await Promise.all(
        children.map((child) => {
          const reply = waitFor(child, 'report', 30_000);
          child.send({ cmd: 'report' } satisfies HolderCommand);
          return reply;
        }),
      );
      return parts.flatMap((p) => p.seats);
    },
    close,
  };
}
