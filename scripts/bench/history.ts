// history: retrievePastRecords requests/s (closed loop, autocannon) on a large database; the
// ceiling is a bare Fastify route running the same SQL on the same file.
import { closedLoop, closedLoopLine } from './lib/closed-loop.js';
import { login, postJson } from './lib/http.js';
import { migrateToPg } from '../migrate-to-pg.js';
import { benchDatabase, named, type Engine } from './lib/pg.js';
import { startBare, startHub, tempDir, type Server } from './lib/procs.js';
import { prepareHistory, type History } from './lib/seed.js';
import type { Line } from './lib/stats.js';

const PATH = '/xd/client/retrievePastRecords';

function queries(history: History, custServId: string): string[] {
  // A fixed pseudo-random mix of targets, days and pages, the same for hub and ceiling.
  const bodies: string[] = [];
  let x = 12345;
  const next = (n: number) => ((x = (x * 1103515245 + 12345) % 2 ** 31), x % n);
  for (let i = 0; i < 1000; i++) {
    bodies.push(JSON.stringify({
      custServId,
      oocDate: history.days[next(history.days.length)],
      convType: 'biDirFriend',
      receId: history.targets[next(history.targets.length)],
      pageno: 1 + next(5),
      pageSize: 10,
    }));
  }
  return bodies;
}

export async function history(smoke: boolean, engine: Engine = 'sqlite'): Promise<Line> {
  const scenario = named('history', engine);
  const seconds = smoke ? 2 : 10;
  const tmp = tempDir('history');
  let server: Server | undefined;
  try {
    const built = await prepareHistory(tmp.dir, smoke ? 20_000 : 1_000_000);
    // PostgreSQL gets the same rows, copied as an operator would move a hub over.
    const pgUrl = engine === 'pg' ? await benchDatabase() : undefined;
    if (pgUrl) await migrateToPg({ from: built.path, to: pgUrl });
    const env: Record<string, string> = pgUrl ? { DATABASE_URL: pgUrl } : {};
    server = await startHub({ dir: tmp.dir, env });
    const seat = await login(server.url, 'seat1');
    const bodies = queries(built, seat.userId);
    const sample = await postJson(server.url, PATH, bodies[0], { token: seat.token });
    const rows = sample.body?.data?.contGroups;
    const figures = { messages: built.messages, rps: null, p99_ms: null, ceiling: null, ratio: null };
    if (sample.status !== 200 || !Array.isArray(rows) || rows.length === 0) {
      return { scenario, ...figures, valid: false, reason: `retrievePastRecords not served: HTTP ${sample.status} ${JSON.stringify(sample.body).slice(0, 160)}` };
    }
    const hub = await closedLoop(server.url, PATH, bodies, { token: seat.token }, seconds);
    await server.stop();

    server = await startBare({ databasePath: built.path, pgUrl });
    const bare = await closedLoop(server.url, PATH, bodies, {}, seconds);
    return closedLoopLine(scenario, built.messages, hub, bare);
  } finally {
    await server?.stop();
    tmp.remove();
  }
}
