// The permissions feature, assembled: the starting tree written once, the in-memory copy with
// its refresh, the check shared by the request hook and the socket middleware, and the service
// behind the menu and role routes.
import type { Store } from '../db/store.js';
import type { HubServer } from '../realtime/hub-server.js';
import { SEED_ROLE_PERMISSIONS, SEED_TREE } from './menu-seed.js';
import { createPermit } from './permission-guard.js';
import { createPermissionStore } from './permission-store.js';
import { createPermissionsRepository } from './permissions.repository.js';
import { createPermissionsService, type RecordAudit } from './permissions.service.js';

export interface PermissionsOptions {
  store: Store;
  io: HubServer;
  /** True when a Redis adapter links the instances. */
  broadcast: boolean;
  /** How often each instance reads the permission version (ms). */
  pollMs: number;
  recordAudit: RecordAudit;
  onError(error: unknown): void;
}

export async function createPermissions(options: PermissionsOptions) {
  const repository = createPermissionsRepository(options.store);
  await options.store.transaction((tx) => repository.seedOnce(tx, SEED_TREE, SEED_ROLE_PERMISSIONS));
  const permissionStore = await createPermissionStore({ repository, io: options.io, broadcast: options.broadcast, pollMs: options.pollMs, onError: options.onError });
  const permit = createPermit(permissionStore);
  const service = createPermissionsService({ store: options.store, repository, permissionStore, recordAudit: options.recordAudit });
  return { repository, store: permissionStore, permit, service, close: () => permissionStore.close() };
}

export type Permissions = Awaited<ReturnType<typeof createPermissions>>;
