// The starting tree reaches every database once: a new one, a production one with no demo data,
// and one upgraded from before permissions existed; after that it belongs to its admins.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyMigrations, MIGRATIONS_DIR, openDatabase } from '../../src/db/open.js';
import { SEED_ROLE_PERMISSIONS } from '../../src/permissions/menu-seed.js';
import { hashPassword } from '../../src/auth/password.js';
import { startHub } from '../helpers/hub.js';
import { menuIdOf, menus, revoke } from './fixtures.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'hub-perm-seed-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const USERS = { admin: 'admin', branch1: 'branch', super1: 'supervisor', seat1: 'seat' } as const;

describe('the seeded menu tree', () => {
  it('gives each demo role exactly its starting permissions', async () => {
    const t = await startHub();
    try {
      for (const [username, role] of Object.entries(USERS)) {
        const info = await t.call('GET', '/xd/auth/info', { token: await t.login(username) });
        expect(info.body.data.permissions, role).toEqual([...new Set(SEED_ROLE_PERMISSIONS[role])].sort());
      }
    } finally {
      await t.close();
    }
  });

  it('is written in production too, where no demo data is', async () => {
    const t = await startHub({ env: { NODE_ENV: 'production', HUB_ADMIN_USER: 'boss', HUB_ADMIN_PASSWORD: 'correct horse battery' } });
    try {
      const boss = await t.login('boss', 'correct horse battery');
      expect((await t.call('GET', '/xd/auth/info', { token: boss })).body.data.permissions).toEqual(['*:*:*']);
      const roles = (await t.call('GET', '/xd/admin/roles', { token: boss })).body.data as { role: string; permissions: string[] }[];
      expect(roles.find((r) => r.role === 'seat')!.permissions).toContain('client:translate');
      expect(roles.find((r) => r.role === 'admin')!.permissions).toContain('admin:role:edit');
    } finally {
      await t.close();
    }
  });

  it('reaches a database made before permissions existed, on its first start after the upgrade', async () => {
    const dir = tempDir();
    // The migrations as they were before this feature: the first six.
    const oldMigrations = join(dir, 'drizzle');
    cpSync(MIGRATIONS_DIR, oldMigrations, { recursive: true });
    const journalPath = join(oldMigrations, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { idx: number }[] };
    journal.entries = journal.entries.filter((e) => e.idx <= 5);
    writeFileSync(journalPath, JSON.stringify(journal));
    const old = openDatabase(join(dir, 'hub.db'));
    applyMigrations(old.db, oldMigrations);
    // Seeded with the schema of that time (the current seed code writes later columns too).
    old.sqlite.prepare("INSERT INTO branches (id, name, created_at) VALUES (1, 'Old branch', 0)").run();
    old.sqlite
      .prepare("INSERT INTO users (username, name, password_hash, role, branch_id, created_at) VALUES ('seat1', 'Old seat', ?, 'seat', 1, 0)")
      .run(await hashPassword('seat1123'));
    expect(old.sqlite.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'menus'").get()).toEqual({ n: 0 });
    old.close();

    const t = await startHub({ dir });
    try {
      const seat = await t.login('seat1');
      expect((await t.call('GET', '/xd/auth/info', { token: seat })).body.data.permissions).toEqual([...SEED_ROLE_PERMISSIONS.seat].sort());
      // Translation is not configured: 503, past the permission check.
      expect((await t.call('POST', '/xd/client/translate', { token: seat, body: { text: 'hi', to: 'zh' } })).status).toBe(503);
    } finally {
      await t.close();
    }
  });

  it('is written once: a menu an admin deleted stays deleted after a restart', async () => {
    const first = await startHub();
    const dir = first.dir;
    const admin = await first.login('admin');
    const id = await menuIdOf(first, admin, 'client:fans:edit');
    for (const role of ['seat', 'supervisor', 'branch', 'admin']) await revoke(first, admin, role, 'client:fans:edit');
    expect((await first.call('DELETE', `/xd/admin/menus/${id}`, { token: admin })).status).toBe(200);
    const count = (await menus(first, admin)).length;
    // Keep the directory: the second hub opens the same file.
    await first.hub.close();

    const second = await startHub({ dir });
    try {
      const token = await second.login('admin');
      expect((await menus(second, token)).length).toBe(count);
      expect((await menus(second, token)).some((m) => m.perms === 'client:fans:edit')).toBe(false);
      const fans = await second.call('POST', '/xd/client/fans', { token: await second.login('seat1'), body: { accountId: '1', delta: 1 } });
      expect(fans.body).toMatchObject({ code: 403, error: 'permission_denied' });
    } finally {
      await second.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
