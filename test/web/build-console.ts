// vitest globalSetup: builds the web console into dist/web when it is missing or older than
// any of its sources, so the browser tests (and the hub's static serving) see the current code.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

export function consoleIsStale(): boolean {
  const built = join(root, 'dist/web/index.html');
  if (!existsSync(built)) return true;
  const sources = Math.max(newest(join(root, 'src/web')), statSync(join(root, 'src/realtime/events.ts')).mtimeMs);
  return sources > statSync(built).mtimeMs;
}

export default function setup(): void {
  if (!consoleIsStale()) return;
  // Vite keeps an inherited NODE_ENV: under vitest that is `test`, which would build Vue's
  // development bundles, so tests and `npm run bench:web` would see a console that never ships.
  const result = spawnSync(join(root, 'node_modules/.bin/vite'), ['build', '--config', 'src/web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) throw new Error('building the web console failed (npm run build:web)');
}
