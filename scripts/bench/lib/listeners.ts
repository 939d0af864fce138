// The sockets a callback must reach: seat1's own, and super1 watching seat1 (or, on the bare
// server, two sockets in the phone's room). Also the check that a server delivers at all.
import { login } from './http.js';
import { callbackLoad, type Listener } from './load.js';
import { openSocket, type RawSocket } from './sio.js';

export const DEMO_PHONE = '+8613800000001'; // seat1's account in the demo organisation

export interface Listening {
  listeners: Listener[];
  seatId: string;
  close(): void;
}

export async function hubListeners(url: string, options: { supervisor: boolean } = { supervisor: true }): Promise<Listening> {
  const seat = await login(url, 'seat1');
  const seatSocket = await openSocket(url, { token: seat.token });
  const listeners: Listener[] = [{ socket: seatSocket, label: 'seat' }];
  const sockets: RawSocket[] = [seatSocket];
  const close = () => sockets.forEach((s) => s.close());
  if (options.supervisor) {
    const sup = await login(url, 'super1');
    const supSocket = await openSocket(url, { token: sup.token });
    sockets.push(supSocket);
    let ack: { code?: number; msg?: string } | undefined;
    try {
      ack = (await supSocket.emitWithAck('watch', { custServId: seat.userId }, 3000)) as { code?: number };
    } catch {
      close();
      throw new Error('supervisor watch: no acknowledgement (watch not implemented on this hub)');
    }
    if (ack?.code !== 200) {
      close();
      throw new Error(`supervisor watch refused: ${JSON.stringify(ack)}`);
    }
    listeners.push({ socket: supSocket, label: 'supervisor' });
  }
  return { listeners, seatId: seat.userId, close };
}

export async function bareListeners(url: string, count = 2): Promise<Listening> {
  const sockets = await Promise.all(Array.from({ length: count }, () => openSocket(url, { room: `phone:${DEMO_PHONE}` })));
  return { listeners: sockets.map((socket, i) => ({ socket, label: `bare${i}` })), seatId: '0', close: () => sockets.forEach((s) => s.close()) };
}

/** A reason the server cannot carry the scenario (no callback route, no push), or null. */
export async function deliveryProblem(url: string, listeners: Listener[], phone = DEMO_PHONE): Promise<string | null> {
  const r = await callbackLoad({ url, phone, rate: 50, seconds: 0.2, listeners, drainMs: 3000 });
  if (r.accepted < r.sent) return `callback not accepted: ${r.httpErrors[0] ?? 'no answer'}`;
  if (r.delivered < 1) return `callback accepted but message:new not delivered to ${listeners.map((l) => l.label).join(' + ')} (delivered ${r.delivered})`;
  return null;
}
