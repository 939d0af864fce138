import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundMessage, postCallback } from '../helpers/bridge.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { realtimeSetups, type RealtimeEnv } from '../helpers/setups.js';
import { collectEvents, connectSocket, emitWithAck, nextEvent, waitFor, type ClientSocket } from '../helpers/sockets.js';
import { conversationIn, userIdIn } from '../messages/fixtures.js';

describe.each(realtimeSetups)('watch / unwatch and seat presence ($name)', (setup) => {
  let env: RealtimeEnv;
  let t: TestHub;
  let seat1Id: string;
  let seat2Id: string;
  const open: ClientSocket[] = [];
  const socketFor = async (username: string) => {
    const socket = await connectSocket(env.socketUrl, await t.login(username));
    open.push(socket);
    return socket;
  };

  beforeAll(async () => {
    env = await setup.start();
    t = env.t;
    seat1Id = String(await userIdIn(t.hub.store, 'seat1'));
    seat2Id = String(await userIdIn(t.hub.store, 'seat2'));
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await env.close();
  });

  it("lets a supervisor watch a seat of its branch and see its traffic, without changing read state", async () => {
    const seat1 = await socketFor('seat1');
    const sup = await socketFor('super1');
    expect(await emitWithAck(sup, 'watch', { custServId: seat1Id })).toMatchObject({ code: 200, data: { watching: seat1Id } });
    const seen = nextEvent(sup, 'message:new');
    const own = nextEvent(seat1, 'message:new');
    const answer = await postCallback(t, 'messageCallback', inboundMessage({ content: 'watched' }));
    expect((await seen).message.content).toBe('watched');
    expect((await own).message.content).toBe('watched');
    const conversation = await conversationIn(t.hub.store, answer.body.data.receId);
    expect(conversation.unreadCount).toBeGreaterThan(0);

    // After unwatch, seat2's traffic (never watched) and seat1's stop reaching the supervisor.
    expect(await emitWithAck(sup, 'unwatch', { custServId: seat1Id })).toMatchObject({ code: 200 });
    const supPushes = collectEvents(sup, 'message:new');
    const next = nextEvent(seat1, 'message:new');
    await postCallback(t, 'messageCallback', inboundMessage({ content: 'after unwatch' }));
    await next;
    // A watched-again seat's message arriving proves the socket would have received the earlier one.
    await emitWithAck(sup, 'watch', { custServId: seat2Id });
    const marker = nextEvent(sup, 'message:new');
    await postCallback(t, 'messageCallback', inboundMessage({ phone: '+8613800000003', content: 'marker' }));
    await marker;
    expect(supPushes.map((p) => p.message.content)).toEqual(['marker']);
  });

  it('refuses watching to seats and admins, and validates the payload', async () => {
    const seat2 = await socketFor('seat2');
    expect(await emitWithAck(seat2, 'watch', { custServId: seat1Id })).toMatchObject({ code: 403 });
    const admin = await socketFor('admin');
    expect(await emitWithAck(admin, 'watch', { custServId: seat1Id })).toMatchObject({ code: 403 });
    const master = await socketFor('master');
    expect(await emitWithAck(master, 'watch', { custServId: seat1Id })).toMatchObject({ code: 200 });
    expect(await emitWithAck(master, 'watch', { custServId: '999999' })).toMatchObject({ code: 404 });
    expect(await emitWithAck(master, 'watch', { custServId: 12 } as never)).toMatchObject({ code: 400, msg: expect.stringMatching(/custServId/) });
    expect(await emitWithAck(master, 'watch', null as never)).toMatchObject({ code: 400 });
    // A seat's unwatch of its own room leaves it in place.
    const seat1 = await socketFor('seat1');
    await emitWithAck(seat1, 'unwatch', { custServId: seat1Id });
    const own = nextEvent(seat1, 'message:new');
    await postCallback(t, 'messageCallback', inboundMessage({ content: 'still mine' }));
    expect((await own).message.content).toBe('still mine');
  });

});

describe('seat presence', () => {
  it('announces a seat online on its first socket and offline after its last, once each', async () => {
    const t = await startHub({ listen: true });
    try {
      const seat2Id = String(await userIdIn(t.hub.store, 'seat2'));
      const branch = await connectSocket(t.url, await t.login('branch1'));
      const presence = collectEvents(branch, 'seat:presence');
      const token = await t.login('seat2');
      const a = await connectSocket(t.url, token);
      await waitFor(() => presence.length === 1, 5000, 'online');
      const b = await connectSocket(t.url, token);
      a.close();
      b.close();
      await waitFor(() => presence.some((p) => !p.online), 5000, 'offline');
      expect(presence.map((p) => [p.custServId, p.online])).toEqual([
        [seat2Id, true],
        [seat2Id, false],
      ]);
      expect(presence[0]).not.toHaveProperty('cursor');
      branch.close();
    } finally {
      await t.close();
    }
  });
});
