// sockets: N authenticated seat sockets held by one hub with their rooms joined; memory per
// connection against a bare socket.io server holding the same number of sockets in one room each.
import { startFleet } from './lib/fleet.js';
import type { ClientSpec } from './lib/holder.js';
import { startBare, startHub, tempDir, type Server } from './lib/procs.js';
import { prepareSeats } from './lib/seed.js';
import { ratio, round, type Line } from './lib/stats.js';

/** Heap and RSS growth per connection, in KiB, after a warm-up that loads the connection code paths. */
async function perConnection(server: Server, clients: ClientSpec[]) {
  const warm = await startFleet(server.url, clients.slice(0, 20), { catchUp: false });
  await warm.close();
  const before = await server.mem();
  const fleet = await startFleet(server.url, clients, { catchUp: false });
  try {
    const after = await server.mem();
    const n = Math.max(1, fleet.connected);
    return {
      connected: fleet.connected,
      error: fleet.error,
      heapKib: round((after.heapUsed - before.heapUsed) / n / 1024),
      rssKib: round((after.rss - before.rss) / n / 1024),
    };
  } finally {
    await fleet.close();
  }
}

export async function sockets(smoke: boolean): Promise<Line> {
  const scenario = 'sockets';
  const n = smoke ? 500 : 10_000;
  const tmp = tempDir('sockets');
  let server: Server | undefined;
  try {
    const prepared = await prepareSeats(tmp.dir, n);
    server = await startBare();
    const bare = await perConnection(server, prepared.seats.map((s) => ({ auth: { room: `seat:${s.id}` } })));
    await server.stop();

    server = await startHub({ dir: tmp.dir });
    const hub = await perConnection(server, prepared.seats.map((s) => ({ auth: { token: s.token } })));
    const line: Line = {
      scenario,
      connections: hub.connected,
      heap_per_conn_kib: hub.heapKib,
      rss_per_conn_kib: hub.rssKib,
      ceiling: bare.heapKib,
      ceiling_rss_per_conn_kib: bare.rssKib,
      ratio: ratio(hub.heapKib, bare.heapKib),
    };
    if (hub.connected < n) return { ...line, valid: false, reason: `hub accepted ${hub.connected} of ${n} sockets (${hub.error ?? 'no error'})` };
    if (bare.connected < n) return { ...line, valid: false, reason: `bare server accepted ${bare.connected} of ${n} sockets` };
    return line;
  } finally {
    await server?.stop();
    tmp.remove();
  }
}
