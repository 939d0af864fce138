// The in-memory copy of every role's permissions that the guard reads on each request. A change
// commits with a version bump; the instance that made it reloads at once and tells the others
// through the Redis adapter (server-side emit). Every instance also reads the version every
// `pollMs`, which alone keeps them within a second without Redis and is the backstop when Redis
// is down or partitioned. Only the loading is asynchronous: `has` stays one Map read.
import type { Role } from '../db/schema.js';
import type { HubServer } from '../realtime/hub-server.js';
import { ALL_PERMISSIONS } from './permission-table.js';
import type { PermissionsRepository } from './permissions.repository.js';

export const PERMISSIONS_CHANGED = 'permissions:changed';

export interface PermissionStore {
  has(role: Role, permission: string): boolean;
  /** What `GET /xd/auth/info` lists: master's wildcard, or the role's strings, sorted. */
  permissionsOf(role: Role): string[];
  version(): number;
  /** Reloads when the database holds a newer version than the copy; never rejects. */
  refresh(): Promise<void>;
  /** After a local commit: reload now (resolves once the copy holds the commit) and tell the other instances. */
  changed(): Promise<void>;
  close(): void;
}

export interface PermissionStoreOptions {
  repository: PermissionsRepository;
  io: HubServer;
  /** Only with a Redis adapter: the in-memory adapter cannot reach other processes. */
  broadcast: boolean;
  pollMs: number;
  onError(error: unknown): void;
}

export async function createPermissionStore(options: PermissionStoreOptions): Promise<PermissionStore> {
  const { repository, io } = options;
  let loadedVersion = -1;
  let byRole = new Map<Role, Set<string>>();
  let closed = false;

  const load = async () => {
    // Version first: a change committed between the two reads is loaded now and again later.
    const version = await repository.version();
    byRole = await repository.grants();
    loadedVersion = version;
  };

  const check = async () => {
    try {
      if ((await repository.version()) !== loadedVersion) await load();
    } catch (error) {
      // A busy or closing database: keep the last copy and try again on the next tick.
      if (!closed) options.onError(error);
    }
  };

  // One read at a time, however often the poll, Redis and local commits ask. A caller that
  // arrives while one runs may have committed after that one read the version, so it gets one
  // more run after it, shared with everyone else who arrived meanwhile.
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const refresh = (): Promise<void> => {
    if (running === undefined) {
      running = check().finally(() => (running = undefined));
      return running;
    }
    next ??= running.then(() => {
      next = undefined;
      return refresh();
    });
    return next;
  };

  await load();
  const timer = options.pollMs > 0 ? setInterval(() => void refresh(), options.pollMs) : undefined;
  timer?.unref();
  const onRemoteChange = () => void refresh();
  if (options.broadcast) io.on(PERMISSIONS_CHANGED, onRemoteChange);

  return {
    has: (role, permission) => role === 'master' || (byRole.get(role)?.has(permission) ?? false),
    permissionsOf: (role) => (role === 'master' ? [ALL_PERMISSIONS] : [...(byRole.get(role) ?? [])].sort()),
    version: () => loadedVersion,
    refresh,
    async changed() {
      await refresh();
      if (options.broadcast) io.serverSideEmit(PERMISSIONS_CHANGED, loadedVersion);
    },
    close() {
      closed = true;
      if (timer) clearInterval(timer);
      if (options.broadcast) io.off(PERMISSIONS_CHANGED, onRemoteChange);
    },
  };
}
