// Servers under test run as child processes, pinned to their own CPU when taskset exists, so
// the generator (this process) and the server never share a core.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../../test/helpers/redis.js';
import { PROTOCOL_SECRET } from './http.js';

export { freePort };
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const PROBE = join(ROOT, 'scripts/bench/lib/probe.ts');

const hasTaskset = spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;
const cpus = availableParallelism();
/** The last core serves; the others generate. With one core nothing is pinned. */
export const SERVER_CPU = cpus > 1 && hasTaskset ? String(cpus - 1) : undefined;
export const GENERATOR_CPUS = cpus > 1 && hasTaskset ? `0-${cpus - 2}` : undefined;

export function pinSelf(): void {
  if (GENERATOR_CPUS) spawnSync('taskset', ['-pc', GENERATOR_CPUS, String(process.pid)], { stdio: 'ignore' });
}

/** Spawns `node <args>`, pinned to `cpus` when given. */
export function spawnNode(args: string[], options: { env?: Record<string, string>; cpus?: string; ipc?: boolean }): ChildProcess {
  const node = [process.execPath, ...args];
  const [cmd, ...rest] = options.cpus ? ['taskset', '-c', options.cpus, ...node] : node;
  return spawn(cmd!, rest, {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', ...(options.ipc ? (['ipc'] as const) : [])],
  });
}

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `bench-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Mem {
  heapUsed: number;
  rss: number;
}

export interface Server {
  url: string;
  port: number;
  /** Heap and RSS after a full GC in the server process. */
  mem(): Promise<Mem>;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** The server's last output lines, for error reasons. */
  tail(): string;
}

async function waitHealthy(url: string, child: ChildProcess, tail: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${tail()}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server at ${url} not healthy after ${timeoutMs} ms: ${tail()}`);
}

async function startServer(entry: string, env: Record<string, string>, port: number): Promise<Server> {
  // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of every server when it stops.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.BENCH_CPU_PROF)}`] : [];
  const child = spawnNode([...profile, '--expose-gc', '--import', 'tsx', '--import', PROBE, entry], {
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    cpus: SERVER_CPU,
    ipc: true,
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 20) lines.splice(0, lines.length - 20);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const tail = () => lines.join('\n').slice(-2000);
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url, child, tail);

  const ask = () =>
    new Promise<NodeJS.MemoryUsage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('server did not answer the probe')), 30_000);
      child.once('message', (m) => {
        clearTimeout(timer);
        resolve((m as { mem: NodeJS.MemoryUsage }).mem);
      });
      child.send('mem');
    });

  return {
    url,
    port,
    async mem() {
      const { heapUsed, rss } = await ask();
      return { heapUsed, rss };
    },
    stop() {
      if (child.exitCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      });
    },
    tail,
  };
}

let hubEntry = 'src/server.ts';

/**
 * Builds the hub (`tsconfig.build.json` → dist/) and runs that from now on, as `npm start` does in
 * production: start-up then costs no transpiling, which matters when a restart is measured.
 */
export function useBuiltHub(): void {
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const built = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`hub build failed: ${(built.stdout + built.stderr).slice(0, 500)}`);
  hubEntry = 'dist/server.js';
}

export interface HubOptions {
  dir: string;
  port?: number;
  env?: Record<string, string>;
}

/** The real hub (from source, or dist/ after useBuiltHub) on a database file in `dir`. */
const hubEnv = (options: HubOptions): Record<string, string> => ({
  NODE_ENV: 'test',
  LOG_LEVEL: 'warn',
  DATABASE_PATH: join(options.dir, 'hub.db'),
  MEDIA_DIR: join(options.dir, 'media'),
  PROTOCOL_SECRET,
  ...options.env,
});

export async function startHub(options: HubOptions): Promise<Server> {
  return startServer(hubEntry, hubEnv(options), options.port ?? (await freePort()));
}

/**
 * The hub's own stack (the code `startHub` runs) with one extra route reading one row
 * (scripts/bench/same-stack-server.ts): the ceiling of a route whose cost is its query.
 */
export async function startSameStack(options: HubOptions): Promise<Server> {
  const env = { HUB_ROOT: hubEntry.startsWith('dist/') ? 'dist' : 'src', ...hubEnv(options) };
  return startServer('scripts/bench/same-stack-server.ts', env, options.port ?? (await freePort()));
}

/** The ceiling: the same stack doing the least possible work (scripts/bench/bare-server.ts); with
 * `pgUrl`, the same SQL on PostgreSQL (scripts/bench/bare-pg.ts). */
export async function startBare(options: { databasePath?: string; pgUrl?: string; port?: number } = {}): Promise<Server> {
  const env: Record<string, string> = options.databasePath ? { DATABASE_PATH: options.databasePath } : {};
  if (options.pgUrl) env.PG_URL = options.pgUrl;
  return startServer('scripts/bench/bare-server.ts', env, options.port ?? (await freePort()));
}
