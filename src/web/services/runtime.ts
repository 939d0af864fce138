// One socket per signed-in tab. Pushes go to whichever screen is live: a seat's workspace,
// a watched seat's workspace, and the supervisor's wall.
import { ElMessage, ElNotification } from 'element-plus';
import { ApiError } from '../api/http';
import { nextTick } from 'vue';
import type { MessageSendInput, ServerToClientEvents } from '../../realtime/events';
import { connect, type Connector } from '../realtime/connector';
import type { ChatTransport } from '../stores/chat';
import { useAccountsStore } from '../stores/accounts';
import { useConnectionStore } from '../stores/connection';
import { useChatStore } from '../stores/chat';
import { useSessionStore } from '../stores/session';
import { useTimelineStore } from '../stores/timeline';
import { useWallStore } from '../stores/wall';
import { i18n } from '../i18n';
import { router } from '../router';
import { api } from './hub';
import { notifyNewMessage } from './notifier';
import type { Workspace } from './workspace';

let connector: Connector | null = null;
let workspace: Workspace | null = null;
let wallLoader: (() => Promise<void>) | null = null;
const fansListeners = new Set<(count: number) => void>();

/** Management screens listen to these pushes while they are open (see `onHubEvent`). */
type BusEvents = Pick<ServerToClientEvents, 'account:status' | 'account:qr' | 'account:assigned' | 'account:unassigned' | 'dashboard:changed' | 'group:progress' | 'proxy:status' | 'seat:presence'>;
type BusEvent = keyof BusEvents;
const bus = new Map<BusEvent, Set<(payload: never) => void>>();

function publish<E extends BusEvent>(event: E, payload: Parameters<BusEvents[E]>[0]): void {
  for (const listener of bus.get(event) ?? []) (listener as (p: typeof payload) => void)(payload);
}

/** Calls `listener` on every `event` push until the returned function is called. */
export function onHubEvent<E extends BusEvent>(event: E, listener: (payload: Parameters<BusEvents[E]>[0]) => void): () => void {
  const set = bus.get(event) ?? new Set();
  bus.set(event, set);
  set.add(listener as (payload: never) => void);
  return () => set.delete(listener as (payload: never) => void);
}

// Hints carry no seq and may be sent a moment after the change they report: they bypass the
// stream position (a hint is never "a repeat"), the state they hint at is read again over REST.
const HINTS = ['dashboard:changed', 'group:progress', 'proxy:status'] as const;

const t = (key: string, values?: Record<string, unknown>) => i18n.global.t(key, values ?? {});

export function startRealtime(token: string): Connector {
  if (connector) return connector;
  const connection = useConnectionStore();
  const accounts = useAccountsStore();
  const wall = useWallStore();
  const chat = useChatStore();
  const timeline = useTimelineStore();
  connector = connect(token, {
    onState: (state, error) => connection.set(state, error ?? null),
    catchUp: async () => {
      await workspace?.catchUp();
      await wallLoader?.();
    },
    accept: (payload) => workspace?.accept(payload) ?? true,
    reloadOpen: async () => {
      await workspace?.reloadOpen();
    },
    watch: () => (workspace?.readOnly ? workspace.custServId : null),
    onSyncError: (error) => {
      // REST failures were shown by the HTTP client; a refused `watch` is shown here.
      if (!(error instanceof ApiError)) ElMessage({ type: 'error', message: (error as Error).message, grouping: true, showClose: true });
    },
    onUnauthorized: () => {
      useSessionStore().signOut();
      stopRealtime();
      void router.push({ name: 'login' });
    },
    events: {
      'message:new': (payload) => {
        // User Timing: the main-thread cost of one push, store update plus re-render
        // (read by `npm run bench:web`, visible in any browser's performance panel).
        const start = performance.now();
        workspace?.onMessageNew(payload);
        wall.applyMessageNew(payload);
        void nextTick(() => performance.measure('hub:message:new', { start }));
      },
      'message:updated': (payload) => chat.applyUpdate(payload),
      'account:status': (payload) => {
        accounts.applyStatus(payload);
        publish('account:status', payload);
      },
      'account:qr': (payload) => {
        accounts.applyQr(payload);
        publish('account:qr', payload);
      },
      'account:assigned': (payload) => {
        if (workspace && !workspace.readOnly) accounts.applyAssigned(payload);
        void workspace?.catchUp();
        publish('account:assigned', payload);
      },
      'account:unassigned': (payload) => {
        if (workspace && !workspace.readOnly) accounts.applyUnassigned(payload);
        void workspace?.catchUp();
        publish('account:unassigned', payload);
      },
      'transfer:in': (payload) => {
        if (workspace?.readOnly) return;
        void workspace?.catchUp();
        // The toast names the giving seat: its name comes from the target's transfer source.
        void api
          .transferSource(payload.receId)
          .catch(() => null)
          .then((source) => {
            const from = source?.fromName ?? `#${payload.fromCustServId}`;
            const reason = payload.reason ? ` (${payload.reason})` : '';
            ElNotification({ type: 'info', title: t('side.transfer'), message: t('notify.transferIn', { from, name: payload.receName }) + reason });
          });
      },
      'transfer:out': (payload) => {
        if (workspace?.readOnly) return;
        if (timeline.openReceId === payload.receId) chat.open(null);
        timeline.remove(payload.receId);
        ElNotification({ type: 'warning', title: t('side.transferred'), message: t('notify.transferOut', { name: payload.receName }) });
      },
      'fans:count': (payload) => {
        wall.applyFans(payload);
        if (workspace && payload.custServId === workspace.custServId) for (const listener of fansListeners) listener(payload.count);
      },
      'seat:presence': (payload) => {
        wall.applyPresence(payload);
        publish('seat:presence', payload);
      },
    },
  });
  const socket = connector.socket as unknown as { on(event: string, listener: (payload: never) => void): void };
  for (const event of HINTS) socket.on(event, (payload) => publish(event, payload));
  return connector;
}

export function stopRealtime(): void {
  connector?.close();
  connector = null;
  workspace = null;
  wallLoader = null;
}

/** Makes `next` the live workspace (null: none) and syncs it before showing online. */
export function useLiveWorkspace(next: Workspace | null): void {
  if (workspace && workspace !== next && workspace.readOnly) connector?.socket.emit('unwatch', { custServId: workspace.custServId }, () => undefined);
  workspace = next;
  if (next) void connector?.resync();
}

export function useLiveWall(load: (() => Promise<void>) | null): void {
  wallLoader = load;
  if (load) void connector?.resync();
}

export function onFansCount(listener: (count: number) => void): () => void {
  fansListeners.add(listener);
  return () => fansListeners.delete(listener);
}

export function emitRead(receId: string): void {
  connector?.emitRead(receId);
}

export const sendTransport: ChatTransport = {
  send: (input: MessageSendInput) => {
    if (!connector?.socket.connected) return Promise.reject(new Error(t('connection.offline')));
    return connector.socket.timeout(15_000).emitWithAck('message:send', input);
  },
};

export function notifyInbound(name: string, content: string): void {
  notifyNewMessage(t('notify.newMessage', { name }), content);
}

export function currentSocket(): Connector['socket'] | null {
  return connector?.socket ?? null;
}
