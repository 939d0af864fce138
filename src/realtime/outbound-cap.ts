// A bound on what one socket may hold unsent. A client that stops reading (a frozen tab, a
// stalled network, or on purpose) otherwise makes the hub buffer every push for it until the
// ping timeout, tens of seconds and hundreds of MB later. Past the limit the socket is dropped
// at once, its buffers discarded; the client catches up by cursor when it reconnects.
import type { HubSocket } from './hub-server.js';
import type { SocketFeature } from './socket-server.js';

interface RawWebSocket {
  bufferedAmount?: number;
  terminate?: () => void;
}

const sizeOf = (data: unknown): number =>
  typeof data === 'string' ? data.length : data instanceof ArrayBuffer || ArrayBuffer.isView(data) ? data.byteLength : 0;

export function createOutboundCapFeature(deps: { limitBytes: number; onDrop?: (socket: HubSocket, unsentBytes: number) => void }): SocketFeature {
  return (socket) => {
    const conn = socket.conn;
    // Packets engine.io holds while its transport is busy; once flushed they are in the
    // WebSocket's own buffer, which bufferedAmount reports (0 for HTTP long-polling).
    let held = 0;
    let dropped = false;
    const raw = () => (conn.transport as unknown as { socket?: RawWebSocket }).socket;
    const onPacket = (packet: { data?: unknown }) => {
      held += sizeOf(packet.data);
      const unsent = held + (raw()?.bufferedAmount ?? 0);
      if (unsent <= deps.limitBytes || dropped) return;
      dropped = true;
      deps.onDrop?.(socket, unsent);
      // Discard what is queued (a graceful close would wait for the client to read it all),
      // then cut the connection so the kernel and ws buffers go too.
      conn.close(true);
      raw()?.terminate?.();
    };
    const onFlush = () => {
      held = 0;
    };
    conn.on('packetCreate', onPacket);
    conn.on('flush', onFlush);
    socket.once('disconnect', () => {
      conn.off('packetCreate', onPacket);
      conn.off('flush', onFlush);
    });
  };
}
