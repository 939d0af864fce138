import { describe, expect, it } from 'vitest';
import { previewImport, type ImportContext } from '../../../src/web/services/account-import';

const context: ImportContext = {
  branches: [
    { branchId: '1', name: 'North' },
    { branchId: '2', name: 'South' },
  ],
  seats: [
    { userId: '5', username: 'seat1', branchId: '1' },
    { userId: '9', username: 'south1', branchId: '2' },
  ],
  existing: new Set(['+8613800000001']),
  defaultBranchId: '1',
};

describe('account import preview', () => {
  it('keeps good lines with their branch and seat, skipping each bad one with its reason', () => {
    const text = [
      'phone,platform,branch,seat',
      '+8613900000001',
      '+8613900000002, telegram, South, south1',
      '+8613900000003;whatsapp;2;9',
      'not a phone',
      '+8613900000001',
      '+8613800000001',
      '+8613900000004,fax',
      '+8613900000005,,Nowhere',
      '+8613900000006,,North,south1',
      '',
      '# a comment',
      '+86 139-0000-0007\tWhatsApp',
    ].join('\n');
    const preview = previewImport(text, context);
    expect(preview.rows).toEqual([
      { line: 2, phone: '+8613900000001', branchId: '1' },
      { line: 3, phone: '+8613900000002', platform: 'telegram', branchId: '2', seatId: '9' },
      { line: 4, phone: '+8613900000003', platform: 'whatsapp', branchId: '2', seatId: '9' },
      { line: 13, phone: '+8613900000007', platform: 'whatsapp', branchId: '1' },
    ]);
    expect(preview.skipped.map((s) => [s.line, s.reason])).toEqual([
      [5, 'phone'],
      [6, 'duplicate'],
      [7, 'exists'],
      [8, 'platform'],
      [9, 'branch'],
      [10, 'seat'],
    ]);
  });

  it('needs a branch: none named and no default skips the line', () => {
    const preview = previewImport('+8613900000001', { ...context, defaultBranchId: null });
    expect(preview.rows).toEqual([]);
    expect(preview.skipped[0]).toMatchObject({ line: 1, reason: 'branch' });
  });
});

import { parseMembers } from '../../../src/web/services/members';

describe('group pull members from a pasted list', () => {
  it('reads one number per line or separated by commas, dropping the formatting inside numbers', () => {
    expect(parseMembers('+86 139-0000-0001\n+8613900000002, +8613900000003;(+44)7700900123\n\n  \n')).toEqual(['+8613900000001', '+8613900000002', '+8613900000003', '+447700900123']);
  });
});
