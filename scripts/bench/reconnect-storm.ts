// reconnect_storm: N seats connected, callbacks arriving for all of them, the hub restarted; every
// seat reconnects and catches up through timelineAlerts. `seconds` runs from the restart to the
// last seat caught up; `missed` counts accepted callbacks a seat neither got pushed nor alerted.
// The ceiling is the time the same clients take to reconnect to a restarted bare socket.io server.
import { startFleet, type Fleet } from './lib/fleet.js';
import { postJson, sendCallback } from './lib/http.js';
import { freePort, startBare, startHub, tempDir, type Server } from './lib/procs.js';
import { prepareSeats, type BenchSeat } from './lib/seed.js';
import { round, type Line } from './lib/stats.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Restarts the server through `restart`: seconds until it was back, and until every key had caught up. */
async function storm(fleet: Fleet, keys: number, restart: () => Promise<void>, timeoutMs = 60_000): Promise<{ back: number; all: number | null }> {
  let t0 = Date.now();
  const done = new Set<string>();
  let last = 0;
  fleet.onCaughtUp((at, key) => {
    if (at < t0) return;
    done.add(key);
    last = Math.max(last, at);
  });
  t0 = Date.now();
  await restart();
  const back = round((Date.now() - t0) / 1000);
  const deadline = Date.now() + timeoutMs;
  while (done.size < keys && Date.now() < deadline) await sleep(20);
  return { back, all: done.size < keys ? null : round((last - t0) / 1000) };
}

/** Open-loop callbacks to every seat, each from a new target, retried (same webhook id) until accepted. */
function traffic(url: () => string, seats: BenchSeat[], rate: number) {
  const accepted: { seat: number; receId: string }[] = [];
  let rejected = 0;
  let inFlight = 0;
  let aborted = false;
  let i = 0;
  const deliver = async (n: number) => {
    const seat = n % seats.length;
    const webhookId = `storm-${process.pid}-${n}`;
    inFlight++;
    for (let attempt = 0; attempt < 600 && !aborted; attempt++) {
      try {
        const res = await sendCallback(url(), { phone: seats[seat]!.phone, msgId: webhookId, fromId: webhookId, content: `storm ${n}` }, webhookId);
        if (res.status === 200) {
          accepted.push({ seat, receId: String(res.body.data.receId) });
          break;
        }
        if (res.status < 500) {
          rejected++;
          break;
        }
      } catch {
        // the hub is restarting: the bridge would retry
      }
      await sleep(100);
    }
    inFlight--;
  };
  const start = Date.now();
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - start) * rate) / 1000);
    while (i < due) void deliver(i++);
  }, 5);
  return {
    accepted,
    get rejected() {
      return rejected;
    },
    /** Stops sending and waits for the retries in flight, or drops them when aborting. */
    async stop(abort = false) {
      clearInterval(timer);
      aborted = abort;
      while (inFlight > 0) await sleep(20);
    },
  };
}

export async function reconnectStorm(smoke: boolean): Promise<Line> {
  const scenario = 'reconnect_storm';
  const n = smoke ? 100 : 2000;
  const rate = smoke ? 100 : 200;
  const tmp = tempDir('storm');
  let server: Server | undefined;
  let fleet: Fleet | undefined;
  let load: ReturnType<typeof traffic> | undefined;
  try {
    const prepared = await prepareSeats(tmp.dir, n);

    // Ceiling: the same clients, a bare server restarted on the same port.
    const barePort = await freePort();
    server = await startBare({ port: barePort });
    fleet = await startFleet(server.url, prepared.seats.map((s) => ({ auth: { room: `seat:${s.id}` } })), { catchUp: false });
    const bare = server;
    const { all: ceiling } = await storm(fleet, n, async () => {
      await bare.stop();
      server = await startBare({ port: barePort });
    });
    await fleet.close();
    fleet = undefined;
    await server.stop();

    const port = await freePort();
    server = await startHub({ dir: tmp.dir, port });
    const probe = await postJson(server.url, '/xd/client/timelineAlerts', { custServId: prepared.seats[0]!.id, since: 0 }, { token: prepared.seats[0]!.token });
    if (probe.status !== 200) return { scenario, seats: n, seconds: null, missed: null, ceiling, ratio: null, valid: false, reason: `timelineAlerts not served: HTTP ${probe.status}` };
    fleet = await startFleet(server.url, prepared.seats.map((s) => ({ auth: { token: s.token }, seatId: s.id, token: s.token })), { catchUp: true });
    if (fleet.connected < n) return { scenario, seats: n, seconds: null, missed: null, ceiling, ratio: null, valid: false, reason: `only ${fleet.connected} of ${n} seats connected (${fleet.error})` };

    load = traffic(() => server!.url, prepared.seats, rate);
    await sleep(smoke ? 500 : 2000);
    const hub = server;
    const { back, all: seconds } = await storm(fleet, n, async () => {
      const t0 = Date.now();
      await hub.stop();
      const stopped = Date.now();
      server = await startHub({ dir: tmp.dir, port });
      if (process.env.BENCH_VERBOSE) process.stderr.write(`${scenario}: hub stop ${stopped - t0} ms, start ${Date.now() - stopped} ms\n`);
    });
    await sleep(smoke ? 500 : 2000); // callbacks keep arriving after the storm
    await load.stop();
    await sleep(1000); // the last pushes in flight

    const seen = await fleet.report();
    const bySeat = new Map(seen.map((s) => [s.seatId, new Set([...s.pushed, ...s.alerted])]));
    const missed = load.accepted.filter((a) => !bySeat.get(prepared.seats[a.seat]!.id)?.has(a.receId)).length;
    const line: Line = { scenario, seats: n, rate, accepted: load.accepted.length, seconds, restart_seconds: back, missed, ceiling, ratio: seconds === null || !ceiling ? null : round(seconds / ceiling, 3) };
    if (seconds === null) return { ...line, valid: false, reason: 'not every seat reconnected and caught up within 60 s' };
    if (missed > 0) return { ...line, valid: false, reason: `${missed} accepted callbacks never reached their seat (push or timelineAlerts)` };
    if (load.rejected > 0) return { ...line, valid: false, reason: `${load.rejected} callbacks refused with 4xx` };
    return line;
  } finally {
    await load?.stop(true);
    await fleet?.close();
    await server?.stop();
    tmp.remove();
  }
}
