// POST /xd/admin/accounts/import: one transaction; each row checked as a single create would
// be, a bad row skipped with its reason, the good rows kept.
import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { recordAudit } from '../audit/audit.repository.js';
import { dbFailure, type Store } from '../db/store.js';
import { Id } from '../http/envelope.schemas.js';
import { HubError, hubError } from '../http/errors.js';
import type { AdminContext } from './admin-context.js';
import { auditBy } from './admin-context.js';
import { Phone, Platform } from './accounts.schemas.js';
import type { AccountsService, Reassignment } from './accounts.service.js';

const Row = TypeCompiler.Compile(
  Type.Object({ phone: Phone, platform: Type.Optional(Platform), branchId: Id, seatId: Type.Optional(Type.Union([Id, Type.Null()])) }),
);

export interface ImportOutcome {
  created: number;
  skipped: { row: number; phone: string; reason: string }[];
}

export async function importAccounts(store: Store, service: AccountsService, ctx: AdminContext, rows: Record<string, unknown>[]): Promise<ImportOutcome> {
  let skipped: ImportOutcome['skipped'] = [];
  // Serializable: a row's checks and its insert must not interleave with another import or
  // create of the same phone; on PostgreSQL the loser runs again (from scratch, hence the
  // fresh `skipped`) and skips the phone the winner took.
  const done = await store.transaction(async (tx) => {
    skipped = [];
    const created: Reassignment[] = [];
    for (const [index, row] of rows.entries()) {
      const phone = typeof row.phone === 'string' ? row.phone : String(row.phone ?? '');
      if (!Row.Check(row)) {
        const first = Row.Errors(row).First();
        const field = first?.path.split('/').filter(Boolean).join('.') || 'row';
        skipped.push({ row: index, phone, reason: `${field}: ${first?.message ?? 'is invalid'}` });
        continue;
      }
      const input = { phone: row.phone, platform: row.platform, branchId: Number(row.branchId), seatId: row.seatId == null ? null : Number(row.seatId) };
      try {
        // Checks only read, so a refused row leaves nothing behind; a phone twice in one
        // import is refused the second time as taken.
        await service.checkNew(tx, ctx, input);
      } catch (error) {
        if (!(error instanceof HubError)) throw error;
        skipped.push({ row: index, phone, reason: error.message });
        continue;
      }
      created.push(await service.insertChecked(tx, ctx, input));
    }
    if (created.length > 0) {
      await recordAudit(tx, {
        ...auditBy(ctx),
        action: 'account.import',
        subject: `accounts:${created.length}`,
        detail: { created: created.map((c) => c.account.phone), skipped: skipped.length },
      });
    }
    return created;
  }, { serializable: true }).catch((error: unknown) => {
    // A phone a concurrent create took after this import checked it (outside SERIALIZABLE's
    // reach, e.g. on retry exhaustion): the unique index refuses it, a 409 like any taken phone.
    throw dbFailure(error) === 'unique' ? hubError('duplicate', 'phone: one of the phones was taken meanwhile; import again') : error;
  });
  for (const change of done) service.announce(change);
  return { created: done.length, skipped };
}
