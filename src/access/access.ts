// Who may see what. A seat sees the targets whose conversation it owns; supervisors and branch
// managers see the seats of their branch; masters and admins see everything.
import { and, eq } from 'drizzle-orm';
import type { AuthUser } from '../auth/auth.repository.js';
import type { targets } from '../db/schema.js';
import type { Statement } from 'better-sqlite3';
import type { Sqlite } from '../db/open.js';
import type { Db, PgStore, SqliteStore, Store } from '../db/store.js';
import { forbidden, notFound } from '../http/errors.js';

export type SeatRow = { id: number; name: string; username: string; branchId: number | null };

/** Which seats' data a user may read, in a form a repository can turn into a WHERE clause. */
export type SeatScope = { kind: 'all' } | { kind: 'seat'; seatId: number } | { kind: 'branch'; branchId: number } | { kind: 'none' };

export function seatScopeOf(user: AuthUser): SeatScope {
  switch (user.role) {
    case 'master':
    case 'admin':
      return { kind: 'all' };
    case 'branch':
    case 'supervisor':
      return user.branchId === null ? { kind: 'none' } : { kind: 'branch', branchId: user.branchId };
    case 'seat':
      return { kind: 'seat', seatId: user.id };
  }
}

/** What a seat console read needs of a target its seat owns. */
export interface OwnedTarget {
  id: number;
  name: string;
  convType: (typeof targets.$inferSelect)['convType'];
  readUpToMessageId: number;
}

/** May `user` act on seat `seat` (read its data, watch it)? */
export function canSeeSeat(user: AuthUser, seat: { id: number; branchId: number | null }): boolean {
  switch (user.role) {
    case 'master':
    case 'admin':
      return true;
    case 'branch':
    case 'supervisor':
      return user.branchId !== null && seat.branchId === user.branchId;
    case 'seat':
      return seat.id === user.id;
  }
}

/**
 * The guards on the store. Each lookup takes an optional `tx`: a check made inside a write
 * transaction must read through it (on SQLite the outer handle would wait for that very
 * transaction; on PostgreSQL it would read outside it).
 */
// The read behind every seat console request: on SQLite one statement prepared once per
// connection and run in place, on PostgreSQL a named statement each pooled connection plans
// once; building the query for each request cost as much as the rest of a history read.
const OWNED_TARGET_SQL = `
  SELECT t.id, t.name, t.conv_type AS convType, c.read_up_to_message_id AS readUpToMessageId, o.branch_id AS branchId
  FROM targets t
  JOIN conversations c ON c.target_id = t.id
  JOIN users o ON o.id = c.seat_id AND o.role = 'seat'
  WHERE t.id = :targetId AND c.seat_id = :seatId`;
type OwnedRow = OwnedTarget & { branchId: number | null };
const ownedStatements = new WeakMap<Sqlite, Statement<{ targetId: number; seatId: number }, OwnedRow>>();

function ownedOnSqlite(store: SqliteStore, targetId: number, seatId: number): Promise<OwnedRow[]> {
  return store.exclusive((sqlite) => {
    let statement = ownedStatements.get(sqlite);
    if (!statement) {
      statement = sqlite.prepare<{ targetId: number; seatId: number }, OwnedRow>(OWNED_TARGET_SQL);
      ownedStatements.set(sqlite, statement);
    }
    const row = statement.get({ targetId, seatId });
    return row ? [row] : [];
  });
}

const OWNED_TARGET_PG = {
  name: 'access_owned_target',
  text: `SELECT t.id, t.name, t.conv_type AS "convType", c.read_up_to_message_id AS "readUpToMessageId", o.branch_id AS "branchId"
    FROM targets t
    JOIN conversations c ON c.target_id = t.id
    JOIN users o ON o.id = c.seat_id AND o.role = 'seat'
    WHERE t.id = $1 AND c.seat_id = $2`,
};

async function ownedOnPg(store: PgStore, targetId: number, seatId: number): Promise<OwnedRow[]> {
  return (await store.pool.query<OwnedRow>({ ...OWNED_TARGET_PG, values: [targetId, seatId] })).rows;
}

export function createAccess(store: Store) {
  const { accounts, conversations, targets, users } = store.tables;
  const seatColumns = { id: users.id, name: users.name, username: users.username, branchId: users.branchId };

  async function seatById(seatId: number, tx?: Db): Promise<SeatRow | undefined> {
    const [seat] = await (tx ?? store.db)
      .select(seatColumns)
      .from(users)
      .where(and(eq(users.id, seatId), eq(users.role, 'seat')));
    return seat;
  }

  const access = {
    canSeeSeat,
    seatScope: seatScopeOf,

    /** The seat `user` may act for: 404 when no such seat, 403 when it is not theirs to see. */
    async seatFor(user: AuthUser, seatId: number, tx?: Db): Promise<SeatRow> {
      if (user.role === 'seat' && seatId !== user.id) throw forbidden('custServId: not your seat');
      const seat = await seatById(seatId, tx);
      if (!seat) throw notFound('seat');
      if (!canSeeSeat(user, seat)) throw forbidden('custServId: not a seat you may see');
      return seat;
    },

    /**
     * Target `targetId` as seen through seat `seatId`, which must own it: one indexed lookup
     * when it does and `user` may see that seat (the common case of a seat console read);
     * otherwise the same 403/404 answers as seatFor and targetFor give one by one.
     */
    async ownedTargetFor(user: AuthUser, seatId: number, targetId: number, tx?: Db): Promise<OwnedTarget> {
      const [owned] =
        tx === undefined
          ? await (store.dialect === 'sqlite' ? ownedOnSqlite(store, targetId, seatId) : ownedOnPg(store, targetId, seatId))
          : await tx
        .select({
          id: targets.id,
          name: targets.name,
          convType: targets.convType,
          readUpToMessageId: conversations.readUpToMessageId,
          branchId: users.branchId,
        })
        .from(targets)
        .innerJoin(conversations, eq(conversations.targetId, targets.id))
        .innerJoin(users, and(eq(users.id, conversations.seatId), eq(users.role, 'seat')))
        .where(and(eq(targets.id, targetId), eq(conversations.seatId, seatId)));
      if (owned && canSeeSeat(user, { id: seatId, branchId: owned.branchId })) {
        return { id: owned.id, name: owned.name, convType: owned.convType, readUpToMessageId: owned.readUpToMessageId };
      }
      const seat = await access.seatFor(user, seatId, tx);
      const { target, conversation } = await access.targetFor(user, targetId, tx);
      if (conversation.seatId !== seat.id) throw forbidden('receId: not a target of this custServId');
      return { id: target.id, name: target.name, convType: target.convType, readUpToMessageId: conversation.readUpToMessageId };
    },

    /** A target with its conversation and account, if `user` may see it. */
    async targetFor(user: AuthUser, targetId: number, tx?: Db) {
      const [row] = await (tx ?? store.db)
        .select({ target: targets, conversation: conversations, account: accounts })
        .from(targets)
        .innerJoin(conversations, eq(conversations.targetId, targets.id))
        .innerJoin(accounts, eq(accounts.id, targets.accountId))
        .where(eq(targets.id, targetId));
      if (!row) throw notFound('receId');
      const ownerId = row.conversation.seatId;
      const owner = ownerId === null ? undefined : await seatById(ownerId, tx);
      if (!owner || !canSeeSeat(user, owner)) throw forbidden('receId: not a target you may see');
      return row;
    },

    /** An account, if it is assigned to a seat `user` may see. */
    async accountFor(user: AuthUser, accountId: number, tx?: Db) {
      const [account] = await (tx ?? store.db).select().from(accounts).where(eq(accounts.id, accountId));
      if (!account) throw notFound('accountId');
      const owner = account.seatId === null ? undefined : await seatById(account.seatId, tx);
      if (!owner || !canSeeSeat(user, owner)) throw forbidden('accountId: not an account you may see');
      return account;
    },
  };
  return access;
}

export type Access = ReturnType<typeof createAccess>;
