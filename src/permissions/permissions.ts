// The permissions feature, assembled: the starting tree written once, the in-memory copy with
// its refresh, the check shared by the request hook and the socket middleware, and the service
// behind the menu and role routes.
import { writeTransaction, type Db } from '../db/open.js';
import type { HubServer } from '../realtime/hub-server.js';
import { SEED_ROLE_PERMISSIONS, SEED_TREE } from './menu-seed.js';
import { createPermit } from './permission-guard.js';
import { createPermissionStore } from './permission-store.js';
import { createPermissionsRepository } from './permissions.repository.js';
import { createPermissionsService, type RecordAudit } from './permissions.service.js';

export interface PermissionsOptions {
  db: Db;
  io: HubServer;
  /** True when a Redis adapter links the instances. */
  broadcast: boolean;
  /** How often each instance reads the permission version (ms). */
  pollMs: number;
  recordAudit: RecordAudit;
  onError(error: unknown): void;
}

export function createPermissions(options: PermissionsOptions) {
  const repository = createPermissionsRepository(options.db);
  writeTransaction(options.db, (tx) => repository.seedOnce(tx, SEED_TREE, SEED_ROLE_PERMISSIONS));
  const store = createPermissionStore({ repository, io: options.io, broadcast: options.broadcast, pollMs: options.pollMs, onError: options.onError });
  const permit = createPermit(store);
  const service = createPermissionsService({ db: options.db, repository, store, recordAudit: options.recordAudit });
  return { repository, store, permit, service, close: () => store.close() };
}

export type Permissions = ReturnType<typeof createPermissions>;

/** Until the audit log exists, administrative writes are recorded nowhere. */
