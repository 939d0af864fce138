// Reads a pasted list or a CSV file of accounts for `POST /xd/admin/accounts/import` and tells,
// before anything is sent, which lines will be skipped and why. One line per account:
// `phone[,platform][,branch][,seat]`, separated by commas, semicolons or tabs; the branch by id
// or name, the seat by id or username; a first line starting with "phone" is a header.
// The hub decides again (and alone) when importing: this is the preview.
import type { AccountRow } from '../api/admin';

export const E164 = /^\+[1-9]\d{6,14}$/;
const PLATFORMS = new Set(['whatsapp', 'telegram']);

export interface ImportContext {
  branches: { branchId: string; name: string }[];
  seats: { userId: string; username: string; branchId: string | null }[];
  /** Phones the organisation already has. */
  existing: Set<string>;
  /** Branch for lines that name none. */
  defaultBranchId: string | null;
}

export type SkipReason = 'phone' | 'duplicate' | 'exists' | 'platform' | 'branch' | 'seat';

export interface ImportPreview {
  rows: (AccountRow & { line: number })[];
  skipped: { line: number; text: string; reason: SkipReason; value?: string }[];
}

export function previewImport(text: string, context: ImportContext): ImportPreview {
  const rows: ImportPreview['rows'] = [];
  const skipped: ImportPreview['skipped'] = [];
  const seen = new Set<string>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (!trimmed || trimmed.startsWith('#')) return;
    const cells = trimmed.split(/[,;\t]/).map((c) => c.trim().replace(/^"|"$/g, ''));
    if (index === 0 && /^phone$/i.test(cells[0] ?? '')) return;
    const [phoneCell = '', platformCell = '', branchCell = '', seatCell = ''] = cells;
    const phone = phoneCell.replace(/[\s()-]/g, '');
    const skip = (reason: SkipReason, value?: string) => skipped.push({ line, text: trimmed, reason, value });
    if (!E164.test(phone)) return skip('phone', phoneCell);
    if (seen.has(phone)) return skip('duplicate', phone);
    if (context.existing.has(phone)) return skip('exists', phone);
    const platform = platformCell.toLowerCase() || undefined;
    if (platform && !PLATFORMS.has(platform)) return skip('platform', platformCell);
    const branch = branchCell ? context.branches.find((b) => b.branchId === branchCell || b.name === branchCell) : context.branches.find((b) => b.branchId === context.defaultBranchId);
    if (!branch) return skip('branch', branchCell || '');
    let seatId: string | undefined;
    if (seatCell) {
      const seat = context.seats.find((s) => s.userId === seatCell || s.username === seatCell);
      if (!seat || seat.branchId !== branch.branchId) return skip('seat', seatCell);
      seatId = seat.userId;
    }
    seen.add(phone);
    rows.push({ line, phone, branchId: branch.branchId, ...(platform ? { platform } : {}), ...(seatId ? { seatId } : {}) });
  });
  return { rows, skipped };
}
