// The audit log: one row per administrative write. Writers pass the `tx` of the change itself,
// so the row and the change commit (or roll back) together. Any feature may call recordAudit.
import { and, count, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import { tablesOf, type Db, type Store } from '../db/store.js';

export interface AuditEntry {
  /** The user who made the change (null for the hub itself). */
  actorId: number | null;
  /** `<subject kind>.<verb>`, e.g. `user.update`, `account.assign`. */
  action: string;
  /** What was changed, e.g. `user:7`, `account:12`, `branch:3`. */
  subject: string;
  /** Changed fields as `{field: {before, after}}` (see auditChanges), or a small summary. */
  detail: Record<string, unknown>;
  ip: string | null;
  at: number;
}

/** Fields never written to the log, whatever a caller passes. */
const SECRET_FIELD = /pass(word)?|secret|token|hash/i;

function scrub(detail: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(detail).filter(([field]) => !SECRET_FIELD.test(field)));
}

/** Records one audit row inside the caller's write transaction. */
export async function recordAudit(tx: Db, entry: AuditEntry): Promise<number> {
  const { auditLog } = tablesOf(tx);
  const [row] = await tx
    .insert(auditLog)
    .values({
      actorId: entry.actorId,
      action: entry.action,
      subject: entry.subject,
      detail: JSON.stringify(scrub(entry.detail)),
      ip: entry.ip,
      createdAt: entry.at,
    })
    .returning({ id: auditLog.id });
  return row!.id;
}

/**
 * `{field: {before, after}}` for each of `fields` whose value differs between the two rows;
 * secret fields are left out whatever `fields` says.
 */
export function auditChanges<T extends Record<string, unknown>>(before: Partial<T> | null, after: Partial<T>, fields: (keyof T & string)[]) {
  const changes: Record<string, { before: unknown; after: unknown }> = {};
  for (const field of fields) {
    if (SECRET_FIELD.test(field)) continue;
    const from = before?.[field] ?? null;
    const to = after[field] ?? null;
    if (from !== to) changes[field] = { before: from, after: to };
  }
  return changes;
}

export interface AuditFilter {
  actorId?: number;
  action?: string;
  from?: number;
  to?: number;
  offset: number;
  limit: number;
}

export function createAuditRepository(store: Store) {
  const { auditLog, users } = store.tables;
  const db = store.db;
  return {
    /** Newest first; `from`/`to` bound the time as [from, to). */
    async list(filter: AuditFilter) {
      const where: SQL[] = [];
      if (filter.actorId !== undefined) where.push(eq(auditLog.actorId, filter.actorId));
      if (filter.action !== undefined) where.push(eq(auditLog.action, filter.action));
      if (filter.from !== undefined) where.push(gte(auditLog.createdAt, filter.from));
      if (filter.to !== undefined) where.push(lt(auditLog.createdAt, filter.to));
      const condition = where.length > 0 ? and(...where) : undefined;
      const rows = await db
        .select({ row: auditLog, actorName: users.name })
        .from(auditLog)
        .leftJoin(users, eq(users.id, auditLog.actorId))
        .where(condition)
        .orderBy(desc(auditLog.id))
        .limit(filter.limit)
        .offset(filter.offset);
      const [counted] = await db.select({ n: count() }).from(auditLog).where(condition);
      return { rows, total: counted?.n ?? 0 };
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
