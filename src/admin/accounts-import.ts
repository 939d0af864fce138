// POST /xd/admin/accounts/import: one transaction; each row checked as a single create would
// be, a bad row skipped with its reason, the good rows kept.
import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { recordAuditSync as recordAudit } from '../audit/audit.repository.js';
import { writeTransaction, type Db } from '../db/open.js';
import { Id } from '../http/envelope.schemas.js';
import { HubError } from '../http/errors.js';
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

export function importAccounts(db: Db, service: AccountsService, ctx: AdminContext, rows: Record<string, unknown>[]): ImportOutcome {
  const skipped: ImportOutcome['skipped'] = [];
  const done = writeTransaction(db, (tx) => {
    const created: Reassignment[] = [];
    rows.forEach((row, index) => {
      const phone = typeof row.phone === 'string' ? row.phone : String(row.phone ?? '');
      if (!Row.Check(row)) {
        const first = Row.Errors(row).First();
        const field = first?.path.split('/').filter(Boolean).join('.') || 'row';
        skipped.push({ row: index, phone, reason: `${field}: ${first?.message ?? 'is invalid'}` });
        return;
      }
      const input = { phone: row.phone, platform: row.platform, branchId: Number(row.branchId), seatId: row.seatId == null ? null : Number(row.seatId) };
      try {
        // Checks only read, so a refused row leaves nothing behind; a phone twice in one
        // import is refused the second time as taken.
        service.checkNew(tx, ctx, input);
      } catch (error) {
        if (!(error instanceof HubError)) throw error;
        skipped.push({ row: index, phone, reason: error.message });
        return;
      }
      created.push(service.insertChecked(tx, ctx, input));
    });
    if (created.length > 0) {
      recordAudit(tx, {
        ...auditBy(ctx),
        action: 'account.import',
        subject: `accounts:${created.length}`,
        detail: { created: created.map((c) => c.account.phone), skipped: skipped.length },
      });
    }
    return created;
  });
  for (const change of done) service.announce(change);
  return { created: done.length, skipped };
}
