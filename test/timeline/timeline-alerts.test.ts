import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestCursor } from '../../src/activity/activity.repository.js';
import { inboundMessage, postCallback } from '../helpers/bridge.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { conversationIn, messageIn, userIdIn } from '../messages/fixtures.js';

describe('POST /xd/client/timelineAlerts', () => {
  let t: TestHub;
  let seat1: string;
  let seat1Id: string;

  beforeAll(async () => {
    t = await startHub();
    seat1 = await t.login('seat1');
    seat1Id = String(await userIdIn(t.hub.store, 'seat1'));
  });
  afterAll(() => t.close());

  const catchUp = async (since: number, token = seat1) => {
    const answer = await t.call('POST', '/xd/client/timelineAlerts', { token, body: { custServId: seat1Id, since } });
    expect(answer.status).toBe(200);
    return answer.body.data as { cursor: number; more: boolean; alerts: { receId: string; unread: number; lastContent: string; lastSendTime: string; lastSendTimeMs: number; accountId: string }[] };
  };

  it('lists the targets with activity after the cursor with their current state', async () => {
    const since = await latestCursor(t.hub.store.db);
    const a = await postCallback(t, 'messageCallback', inboundMessage({ from: { id: 'tl-a', name: 'A' }, content: 'a1' }));
    const a2 = await postCallback(t, 'messageCallback', inboundMessage({ from: { id: 'tl-a', name: 'A' }, content: 'a2' }));
    // Another seat's traffic is not in seat1's alerts.
    await postCallback(t, 'messageCallback', inboundMessage({ phone: '+8613800000003', from: { id: 'tl-b' } }));
    const answer = await catchUp(since);
    expect(answer.alerts).toHaveLength(1);
    expect(answer.alerts[0]).toMatchObject({ receId: a.body.data.receId, receName: 'A', unread: 2, lastContent: 'a2' });
    expect(answer.alerts[0]!.lastSendTime).toMatch(/CST/);
    const stored = (await messageIn(t.hub.store, a2.body.data.msgId))!;
    expect(answer.cursor).toBe(stored.cursor);
    expect(await catchUp(answer.cursor)).toEqual({ cursor: answer.cursor, alerts: [], more: false });
  });

  it('checks access and input', async () => {
    const seat2 = await t.login('seat2');
    expect((await t.call('POST', '/xd/client/timelineAlerts', { token: seat2, body: { custServId: seat1Id, since: 0 } })).status).toBe(403);
    expect((await t.call('POST', '/xd/client/timelineAlerts', { body: { custServId: seat1Id, since: 0 } })).status).toBe(401);
    const sup = await t.login('super1');
    expect((await t.call('POST', '/xd/client/timelineAlerts', { token: sup, body: { custServId: seat1Id, since: 0 } })).status).toBe(200);
    const bad = await t.call('POST', '/xd/client/timelineAlerts', { token: seat1, body: { custServId: seat1Id, since: -1 } });
    expect(bad).toMatchObject({ status: 400, body: { msg: expect.stringMatching(/since/) } });
    const missing = await t.call('POST', '/xd/client/timelineAlerts', { token: seat1, body: { since: 0 } });
    expect(missing.body.msg).toMatch(/custServId/);
  });

  it('never misses or doubles anything when callbacks and catch-ups interleave (property)', async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('callback' as const), target: fc.integer({ min: 0, max: 3 }), phone: fc.constantFrom('+8613800000001', '+8613800000002'), replay: fc.boolean() }),
      fc.record({ kind: fc.constant('catchUp' as const) }),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
        run += 1;
        let since = await latestCursor(t.hub.store.db);
        const stored: { cursor: number; receId: string }[] = [];
        const covered: { cursor: number; receId: string }[] = [];
        let lastBody: ReturnType<typeof inboundMessage> | undefined;
        const check = async () => {
          const answer = await catchUp(since);
          const expected = stored.filter((s) => s.cursor > since && s.cursor <= answer.cursor);
          expect(new Set(answer.alerts.map((a) => a.receId))).toEqual(new Set(expected.map((s) => s.receId)));
          // Everything stored so far is covered by this answer's cursor.
          expect(answer.cursor).toBe(Math.max(since, ...stored.map((s) => s.cursor)));
          for (const alert of answer.alerts) {
            const conversation = await conversationIn(t.hub.store, alert.receId);
            expect(alert.unread).toBe(conversation.unreadCount);
          }
          covered.push(...expected);
          since = answer.cursor;
        };
        for (const o of ops) {
          if (o.kind === 'catchUp') {
            await check();
            continue;
          }
          const body = o.replay && lastBody ? lastBody : inboundMessage({ phone: o.phone, from: { id: `prop-${run}-${o.phone}-${o.target}` } });
          const answer = await postCallback(t, 'messageCallback', body);
          expect(answer.status).toBe(200);
          if (!answer.body.data.duplicate) {
            const row = (await messageIn(t.hub.store, answer.body.data.msgId))!;
            stored.push({ cursor: row.cursor, receId: answer.body.data.receId });
          } else {
            expect(o.replay).toBe(true);
          }
          lastBody = body;
        }
        await check();
        // Each stored message was covered by exactly one catch-up.
        expect(covered.map((c) => c.cursor).sort((x, y) => x - y)).toEqual(stored.map((s) => s.cursor).sort((x, y) => x - y));
      }),
      { numRuns: 30 },
    );
  });
});
