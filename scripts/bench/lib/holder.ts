// A child process that holds many client sockets for the parent bench, so thousands of
// connections neither share the server's process nor the parent's event loop. With catch-up on,
// each socket that reconnects asks timelineAlerts from its last cursor, as a browser would.
import { io as connect, type Socket } from 'socket.io-client';
import { postJson } from './http.js';

export interface ClientSpec {
  auth: Record<string, string>;
  seatId?: string;
  token?: string;
}

export type HolderCommand =
  | { cmd: 'connect'; url: string; clients: ClientSpec[]; catchUp: boolean }
  | { cmd: 'report' }
  | { cmd: 'close' };

export interface SeatReport {
  seatId?: string;
  pushed: string[];
  alerted: string[];
  connects: number;
  alertErrors: number;
}

export type HolderEvent =
  | { type: 'connected'; count: number; failed: number; error?: string }
  | { type: 'caughtUp'; at: number; key: string }
  | { type: 'report'; seats: SeatReport[] };

interface Client extends SeatReport {
  socket: Socket;
  cursor: number;
}

const clients: Client[] = [];
let firstError: string | undefined;
const send = (event: HolderEvent) => process.send?.(event);
const keyOf = (spec: ClientSpec) => spec.seatId ?? JSON.stringify(spec.auth);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function catchUp(url: string, client: Client, spec: ClientSpec): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      const res = await postJson(url, '/xd/client/timelineAlerts', { custServId: spec.seatId, since: client.cursor }, { token: spec.token! });
      if (res.status === 200) {
        const data = res.body.data as { cursor: number; alerts: { receId: string }[] };
        client.cursor = Math.max(client.cursor, data.cursor);
        for (const alert of data.alerts) client.alerted.push(alert.receId);
        send({ type: 'caughtUp', at: Date.now(), key: keyOf(spec) });
        return;
      }
    } catch {
      // the hub may still be starting: try again
    }
    client.alertErrors++;
    await sleep(100);
  }
}

function open(url: string, spec: ClientSpec, catchUpOn: boolean): Promise<void> {
  const socket = connect(url, {
    transports: ['websocket'],
    auth: spec.auth,
    forceNew: true,
    reconnectionDelay: 100,
    reconnectionDelayMax: 2000,
    randomizationFactor: 0.5,
  });
  const client: Client = { socket, cursor: 0, seatId: spec.seatId, pushed: [], alerted: [], connects: 0, alertErrors: 0 };
  clients.push(client);
  socket.on('message:new', (payload: { receId: string; cursor: number }) => {
    client.pushed.push(payload.receId);
    if (typeof payload.cursor === 'number') client.cursor = Math.max(client.cursor, payload.cursor);
  });
  // A server that shuts down disconnects its sockets on purpose; the client must come back itself.
  socket.on('disconnect', (reason) => {
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 100 + Math.random() * 400);
  });
  return new Promise((resolve) => {
    // A refusal by the server's middleware (e.g. a bad token) is final: the client stops retrying.
    socket.on('connect_error', (error) => {
      if (socket.active) return;
      firstError ??= error.message;
      resolve();
    });
    socket.on('connect', () => {
      client.connects++;
      if (client.connects === 1) resolve();
      else if (catchUpOn) void catchUp(url, client, spec);
      else send({ type: 'caughtUp', at: Date.now(), key: keyOf(spec) });
    });
  });
}

process.on('message', async (command: HolderCommand) => {
  if (command.cmd === 'connect') {
    // In batches, so the initial connect is not itself a storm.
    for (let i = 0; i < command.clients.length; i += 100) {
      await Promise.all(command.clients.slice(i, i + 100).map((spec) => open(command.url, spec, command.catchUp)));
    }
    const count = clients.filter((c) => c.socket.connected).length;
    send({ type: 'connected', count, failed: clients.length - count, ...(firstError ? { error: firstError } : {}) });
  } else if (command.cmd === 'report') {
    send({ type: 'report', seats: clients.map(({ socket: _s, cursor: _c, ...report }) => report) });
  } else if (command.cmd === 'close') {
    clients.forEach((c) => c.socket.close());
    process.exit(0);
  }
});
