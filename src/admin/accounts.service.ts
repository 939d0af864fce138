// Account administration: the branch/seat/proxy rules, the write and its audit row in one
// transaction, and, when the seat changes, the live reassignment: the old seat's conversations
// of the account move to the new seat in that same transaction, and after the commit the old
// seat hears account:unassigned and the new one account:assigned. Pushes follow conversation
// ownership (ingest, status and access all read it), so from the commit on the old seat gets
// no more of the account's traffic and 403 on its targets, on every instance.
import { streamOf } from '../activity/activity.repository.js';
import { auditChanges, recordAudit } from '../audit/audit.repository.js';
import { dbFailure, type Db, type Store } from '../db/store.js';
import { badRequest, conflict, forbidden, hubError, notFound } from '../http/errors.js';
import type { HubServer } from '../realtime/hub-server.js';
import { rooms } from '../realtime/rooms.js';
import type { AdminContext } from './admin-context.js';
import { auditBy } from './admin-context.js';
import { adminScopeOf, assertBranchInScope } from './admin-scope.js';
import type { AccountChange, AccountRow, AccountsAdminRepository } from './accounts.repository.js';
import { appendActivity } from '../activity/activity.repository.js';

export interface AccountsServiceDeps {
  store: Store;
  accounts: AccountsAdminRepository;
  io: HubServer;
}

export interface CreateAccountInput {
  phone: string;
  platform?: 'whatsapp' | 'telegram';
  branchId: number;
  seatId?: number | null;
}

export interface UpdateAccountInput {
  seatId?: number | null;
  branchId?: number;
  proxyId?: number | null;
  disabled?: boolean;
  bridgeSession?: string | null;
}

/** A seat change to announce once its transaction committed. */
export interface Reassignment {
  account: AccountRow;
  from: SeatMark | null;
  to: SeatMark | null;
}

/** A seat's side of a reassignment: its activity row's cursor and seq, for the push. */
interface SeatMark {
  seatId: number;
  branchId: number | null;
  cursor: number;
  seq: number;
}

async function markSeat(tx: Db, seatId: number, branchId: number | null, kind: 'account:assigned' | 'account:unassigned', at: number): Promise<SeatMark> {
  const stamp = await appendActivity(tx, { seatId, kind, at });
  // A seat's event always takes a number of its stream.
  return { seatId, branchId, cursor: stamp.cursor, seq: stamp.seq! };
}

/** A phone taken by a concurrent create surfaces as the unique index's refusal: the same 409. */
function duplicatePhone(error: unknown, phone: string): unknown {
  return dbFailure(error) === 'unique' ? hubError('duplicate', `phone: ${phone} is taken`) : error;
}

const AUDITED = ['seatId', 'branchId', 'proxyId', 'disabled', 'bridgeSession'] as const;

export function createAccountsService(deps: AccountsServiceDeps) {
  const { store, accounts, io } = deps;

  async function checkSeat(tx: Db, seatId: number | null, branchId: number): Promise<void> {
    if (seatId === null) return;
    const seat = await accounts.seat(tx, seatId);
    if (!seat) throw badRequest('seatId', 'no such seat');
    if (seat.branchId !== branchId) throw badRequest('seatId', `must be a seat of branch ${branchId}`);
    if (seat.disabled) throw badRequest('seatId', 'that seat is disabled');
  }

  /** The create rules, without writing: shared by single creates and imports. */
  async function checkNew(tx: Db, ctx: AdminContext, input: CreateAccountInput): Promise<void> {
    assertBranchInScope(ctx.actor, input.branchId);
    if (!(await accounts.branchExists(tx, input.branchId))) throw badRequest('branchId', 'no such branch');
    await checkSeat(tx, input.seatId ?? null, input.branchId);
    if (await accounts.phoneTaken(tx, input.phone)) throw hubError('duplicate', `phone: ${input.phone} is taken`);
  }

  /** Inserts an account already checked; an assigned one gets its activity row for the push. */
  async function insertChecked(tx: Db, ctx: AdminContext, input: CreateAccountInput): Promise<Reassignment> {
    const seatId = input.seatId ?? null;
    const account = await accounts.insert(tx, { phone: input.phone, platform: input.platform ?? 'whatsapp', branchId: input.branchId, seatId, now: ctx.now });
    const to = seatId === null ? null : await markSeat(tx, seatId, input.branchId, 'account:assigned', ctx.now);
    return { account, from: null, to };
  }

  /** Moves the seat's work with the account; answers what to announce and how many conversations moved. */
  async function reassign(tx: Db, ctx: AdminContext, account: AccountRow, toSeatId: number | null, toBranchId: number | null) {
    const fromSeatId = account.seatId;
    const moved = await accounts.moveConversations(tx, { accountId: account.id, fromSeatId, toSeatId, at: ctx.now });
    const from =
      fromSeatId === null
        ? null
        : await markSeat(tx, fromSeatId, await accounts.branchOfUser(tx, fromSeatId), 'account:unassigned', ctx.now);
    const to = toSeatId === null ? null : await markSeat(tx, toSeatId, toBranchId, 'account:assigned', ctx.now);
    return { moved, from, to };
  }

  function announce(change: Reassignment): void {
    const { account, from, to } = change;
    const accountId = String(account.id);
    if (from) {
      const rooms_ = [rooms.seat(from.seatId), ...(from.branchId === null ? [] : [rooms.branch(from.branchId)])];
      io.to(rooms_).emit('account:unassigned', { accountId, cursor: from.cursor, ...streamOf(from.seatId, from.seq) });
    }
    if (to) {
      const rooms_ = [rooms.seat(to.seatId), ...(to.branchId === null ? [] : [rooms.branch(to.branchId)])];
      io.to(rooms_).emit('account:assigned', { accountId, phone: account.phone, platform: account.platform, status: account.status, cursor: to.cursor, ...streamOf(to.seatId, to.seq) });
    }
  }

  const load = async (tx: Db, ctx: AdminContext, id: number): Promise<AccountRow> => {
    const account = await accounts.find(tx, id);
    if (!account) throw notFound('accountId');
    const scope = adminScopeOf(ctx.actor);
    if (scope.kind === 'branch' && account.branchId !== scope.branchId) throw forbidden('accountId: not an account of your branch');
    return account;
  };

  return {
    checkNew,
    insertChecked,
    announce,

    async create(ctx: AdminContext, input: CreateAccountInput): Promise<number> {
      // Serializable: the branch and seat checked here must still stand at the insert.
      const change = await store
        .transaction(async (tx) => {
          await checkNew(tx, ctx, input);
          const created = await insertChecked(tx, ctx, input);
          await recordAudit(tx, {
            ...auditBy(ctx),
            action: 'account.create',
            subject: `account:${created.account.id}`,
            detail: { phone: { before: null, after: input.phone }, ...auditChanges(null, created.account, [...AUDITED]) },
          });
          return created;
        }, { serializable: true })
        .catch((error: unknown) => {
          throw duplicatePhone(error, input.phone);
        });
      announce(change);
      return change.account.id;
    },

    async update(ctx: AdminContext, id: number, input: UpdateAccountInput): Promise<void> {
      // Serializable: the seat the conversations move from is the one read here, so two
      // reassignments of one account (or a seat disabled meanwhile) must not interleave; on
      // PostgreSQL the loser runs again and moves from the winner's seat.
      const change = await store.transaction(async (tx): Promise<Reassignment | null> => {
        const current = await load(tx, ctx, id);
        const branchId = input.branchId ?? current.branchId;
        if (input.branchId !== undefined && input.branchId !== current.branchId) {
          assertBranchInScope(ctx.actor, input.branchId);
          if (!(await accounts.branchExists(tx, input.branchId))) throw badRequest('branchId', 'no such branch');
        }
        const seatId = input.seatId !== undefined ? input.seatId : current.seatId;
        if (seatId !== null) {
          if (branchId === null) throw badRequest('branchId', 'is required to assign a seat');
          if (input.seatId === undefined && branchId !== current.branchId) {
            throw badRequest('seatId', 'the current seat is not in the new branch; pass seatId (or null)');
          }
          if (seatId !== current.seatId || branchId !== current.branchId) await checkSeat(tx, seatId, branchId);
        }
        if (input.proxyId != null && input.proxyId !== current.proxyId && !(await accounts.proxyExists(tx, input.proxyId))) {
          throw badRequest('proxyId', 'no such proxy');
        }
        if (input.bridgeSession != null && input.bridgeSession !== current.bridgeSession && (await accounts.sessionTaken(tx, input.bridgeSession, id))) {
          throw hubError('duplicate', `bridgeSession: ${input.bridgeSession} is already another account's session`);
        }
        const next: AccountChange = {
          seatId,
          branchId,
          proxyId: input.proxyId !== undefined ? input.proxyId : current.proxyId,
          disabled: input.disabled ?? current.disabled,
          bridgeSession: input.bridgeSession !== undefined ? input.bridgeSession : current.bridgeSession,
        };
        const changes: Record<string, unknown> = auditChanges(current, next, [...AUDITED]);
        if (Object.keys(changes).length === 0) return null;
        await accounts.update(tx, id, next);
        let reassignment: Reassignment | null = null;
        if (seatId !== current.seatId) {
          const { moved, from, to } = await reassign(tx, ctx, current, seatId, branchId);
          changes.movedConversations = moved;
          reassignment = { account: current, from, to };
        }
        await recordAudit(tx, { ...auditBy(ctx), action: 'account.update', subject: `account:${id}`, detail: changes });
        return reassignment;
      }, { serializable: true });
      if (change) announce(change);
    },

    async remove(ctx: AdminContext, id: number): Promise<void> {
      const change = await store.transaction(async (tx): Promise<Reassignment> => {
        const current = await load(tx, ctx, id);
        if ((await accounts.hasTargets(tx, id)) || !(await accounts.remove(tx, id))) throw conflict('accountId: it has conversations or other records; disable it instead');
        await recordAudit(tx, { ...auditBy(ctx), action: 'account.delete', subject: `account:${id}`, detail: { phone: { before: current.phone, after: null } } });
        // Its seat's console drops it as it would on a reassignment.
        const from = current.seatId === null ? null : await markSeat(tx, current.seatId, current.branchId, 'account:unassigned', ctx.now);
        return { account: current, from, to: null };
      });
      announce(change);
    },
  };
}

export type AccountsService = ReturnType<typeof createAccountsService>;
