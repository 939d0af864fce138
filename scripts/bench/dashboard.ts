// dashboard: POST /xd/dashboard/summary requests/s (closed loop) as a master, on the
// 1,000,000-message database, over the history's days, for the organisation and its branch. The
// ceiling is the same stack (the hub, same build, same token) answering a route that reads one
// counter row; the bare stack doing that read is measured too, for reference.
import Database from 'better-sqlite3';
import { closedLoop, closedLoopLine } from './lib/closed-loop.js';
import { login, postJson } from './lib/http.js';
import { startBare, startHub, startSameStack, tempDir, type Server } from './lib/procs.js';
import { prepareHistory } from './lib/seed.js';
import { round, type Line } from './lib/stats.js';

const PATH = '/xd/dashboard/summary';

function firstBranchId(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT id FROM branches ORDER BY id LIMIT 1').get() as { id: number }).id;
  } finally {
    db.close();
  }
}

export async function dashboard(smoke: boolean): Promise<Line> {
  const scenario = 'dashboard';
  const seconds = smoke ? 2 : 10;
  const tmp = tempDir('dashboard');
  let server: Server | undefined;
  try {
    const built = await prepareHistory(tmp.dir, smoke ? 20_000 : 1_000_000);
    server = await startHub({ dir: tmp.dir });
    const master = await login(server.url, 'master');
    const sample = await postJson(server.url, PATH, { date: built.days[0] }, { token: master.token });
    const figures = { messages: built.messages, rps: null, p99_ms: null, ceiling: null, ratio: null };
    if (sample.status !== 200 || !(sample.body?.data?.inbound > 0)) {
      return { scenario, ...figures, valid: false, reason: `summary not served: HTTP ${sample.status} ${JSON.stringify(sample.body).slice(0, 160)}` };
    }
    const branchId = String(firstBranchId(built.path));
    // The days of the history, each for the organisation and for its one branch.
    const bodies = built.days.flatMap((date) => [JSON.stringify({ date }), JSON.stringify({ date, branchId })]);
    const hub = await closedLoop(server.url, PATH, bodies, { token: master.token }, seconds);
    await server.stop();

    server = await startSameStack({ dir: tmp.dir });
    const sameToken = (await login(server.url, 'master')).token;
    const same = await closedLoop(server.url, '/xd/dashboard/one-row', bodies, { token: sameToken }, seconds);
    await server.stop();

    server = await startBare({ databasePath: built.path });
    const bare = await closedLoop(server.url, PATH, bodies, {}, seconds);
    const line = closedLoopLine(scenario, built.messages, hub, same);
    const reference = { bare_ceiling: bare.rps, bare_ratio: round(hub.rps / bare.rps, 3) };
    if (line.valid === false) return { ...line, ...reference };
    const bareCheck = closedLoopLine(scenario, built.messages, hub, bare);
    return bareCheck.valid === false ? { ...line, ...reference, valid: false, reason: bareCheck.reason } : { ...line, ...reference };
  } finally {
    await server?.stop();
    tmp.remove();
  }
}
