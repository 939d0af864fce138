// The one place where socket events become store actions (and store intents become emits).
// On every (re)connect the console is `syncing` until it has caught up from its stream
// position and reloaded the open conversation; only then does it show `online`.
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, MessageNewPayload, ServerToClientEvents } from '../../realtime/events';

export type HubSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ConnectorHandlers {
  onState(state: 'offline' | 'syncing' | 'online', error?: string): void;
  /** Brings the stores up to date from the stream position (or loads them the first time). */
  catchUp(): Promise<void>;
  /** Lets a push through (false: a repeat the stream position already covers). */
  accept(payload: { custServId?: string; seq?: number }): boolean;
  /** Reloads what must be fresh before `online` (the open conversation). */
  reloadOpen(): Promise<void>;
  onUnauthorized(): void;
  /** A step of the sync failed (it is retried); show it unless already shown. */
  onSyncError(error: unknown): void;
  /** Every server event, after the stream position saw it. */
  events: Partial<{ [E in keyof ServerToClientEvents]: ServerToClientEvents[E] }>;
  /** Watch mode: join this seat's room on every connect (supervisor). */
  watch?(): string | null;
}

export interface Connector {
  socket: HubSocket;
  /** Runs the (re)connect sequence again: watch, catch up, reload, then `online`. */
  resync(): Promise<void>;
  emitRead(receId: string): void;
  close(): void;
}

export function connect(token: string, handlers: ConnectorHandlers, url?: string): Connector {
  const options = {
    auth: { token },
    transports: ['websocket'],
    // A restarted hub is back within seconds; don't make the seat wait for the default backoff.
    reconnectionDelay: 300,
    reconnectionDelayMax: 2000,
  };
  const socket: HubSocket = url ? io(url, options) : io(options);
  let generation = 0;

  async function syncThenOnline(): Promise<void> {
    const mine = ++generation;
    handlers.onState('syncing');
    for (let attempt = 0; socket.connected && mine === generation; attempt += 1) {
      try {
        const watched = handlers.watch?.();
        if (watched) {
          const ack = await socket.timeout(5000).emitWithAck('watch', { custServId: watched });
          if (ack.code !== 200) throw new Error(ack.msg);
        }
        await handlers.catchUp();
        await handlers.reloadOpen();
        if (mine === generation && socket.connected) handlers.onState('online');
        return;
      } catch (error) {
        handlers.onState('syncing', (error as Error).message);
        handlers.onSyncError(error);
        await new Promise((resolve) => setTimeout(resolve, Math.min(4000, 300 * 2 ** attempt)));
      }
    }
  }

  socket.on('connect', () => void syncThenOnline());
  socket.on('disconnect', () => {
    generation += 1;
    handlers.onState('offline');
  });
  socket.on('connect_error', (error) => {
    const data = (error as Error & { data?: { code?: number; msg?: string } }).data;
    if (data?.code === 401) {
      socket.close();
      handlers.onUnauthorized();
      return;
    }
    handlers.onState('offline', error.message);
  });

  for (const [event, handler] of Object.entries(handlers.events)) {
    socket.on(event as 'message:new', (payload: MessageNewPayload) => {
      if (!handlers.accept(payload)) return;
      (handler as (p: unknown) => void)(payload);
    });
  }

  return {
    socket,
    resync: () => (socket.connected ? syncThenOnline() : Promise.resolve()),
    emitRead(receId) {
      socket.emit('message:read', { receId }, () => undefined);
    },
    close() {
      generation += 1;
      socket.removeAllListeners();
      socket.close();
    },
  };
}
