// Shared data for the seat read API tests: the export's example conversation, the demo users'
// tokens and ids, and a second branch so that "another branch" can be tested.
import { hashPassword } from '../../src/auth/password.js';
import type { BridgeMessage } from '../helpers/bridge-seed.js';
import type { TestHub } from '../helpers/hub.js';

/** Demo phones: 01 and 02 are seat1's (01 carries demo conversations), 03 and 04 seat2's. */
export const SEAT1_PHONE = '+8613800000002';
export const SEAT2_PHONE = '+8613800000004';
export const SEAT3_PHONE = '+8613800000005';

/** Wall-clock time in Asia/Shanghai (UTC+8, no DST) as epoch ms. */
export const cst = (day: string, time: string, ms = 0) => Date.parse(`${day}T${time}+08:00`) + ms;

/**
 * The export's example: 14 messages with 曾林 on 2023-07-01, alternating the target's question
 * and the seat's answer; the last four (page 2 of size 10) at 10:53:52 CST, as the export shows.
 */
export function exportConversation(phone = SEAT1_PHONE, uid = 'wa-187'): BridgeMessage[] {
  return Array.from({ length: 14 }, (_, i) => {
    const inbound = i % 2 === 0;
    const sendTime = i < 10 ? cst('2023-07-01', `10:${String(40 + i).padStart(2, '0')}:00`) : cst('2023-07-01', '10:53:52', (i - 10) * 100);
    return {
      phone,
      msgId: `${uid}-export-${i}`,
      direction: inbound ? 'in' : 'out',
      from: { id: uid, name: '曾林', convType: 'biDirFriend' },
      contentType: '1',
      content: inbound ? '你好这个产品怎么用' : '你好',
      sendTime,
    } satisfies BridgeMessage;
  });
}

/** One inbound text from `uid` on `phone`. */
export function inbound(phone: string, uid: string, msgId: string, sendTime: number, content = 'hello', name = uid): BridgeMessage {
  return { phone, msgId, direction: 'in', from: { id: uid, name, convType: 'stranger' }, contentType: '1', content, sendTime };
}

export interface Caller {
  token: string;
  id: string;
}

export type Callers = Record<'master' | 'admin' | 'branch1' | 'super1' | 'seat1' | 'seat2' | 'branch2' | 'super2' | 'seat3', Caller>;

/**
 * Adds branch 二部 with its manager, supervisor and seat3 (phone 05), then logs everyone in.
 */
export async function setUpCallers(t: TestHub): Promise<Callers> {
  const { db, tables: { accounts, branches, users } } = t.hub.store;
  const [branch] = await db.insert(branches).values({ name: '二部' }).returning();
  for (const [username, role] of [['branch2', 'branch'], ['super2', 'supervisor'], ['seat3', 'seat']] as const) {
    const [user] = await db
      .insert(users)
      .values({ username, name: username, role, branchId: branch!.id, passwordHash: await hashPassword(`${username}123`) })
      .returning();
    if (role === 'seat') await db.insert(accounts).values({ phone: SEAT3_PHONE, seatId: user!.id, status: 'online' });
  }
  const names = ['master', 'admin', 'branch1', 'super1', 'seat1', 'seat2', 'branch2', 'super2', 'seat3'] as const;
  const entries = await Promise.all(
    names.map(async (name) => {
      const token = await t.login(name);
      const me = await t.call('GET', '/xd/auth/me', { token });
      return [name, { token, id: me.body.data.id as string }] as const;
    }),
  );
  return Object.fromEntries(entries) as Callers;
}
