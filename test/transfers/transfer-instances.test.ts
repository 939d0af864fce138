// Two hub instances on one database, sharing rooms through a private redis-server: presence and
// transfer pushes reach sockets held by the other instance, and a dead Redis only narrows the
// presence answer to local sockets, within a bounded time.
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from '../helpers/hub.js';
import { startRedis, type PrivateRedis } from '../helpers/redis.js';
import { connectSocket, nextEvent, type ClientSocket } from '../helpers/sockets.js';
import { demoTarget, ownerOf, userId } from './fixtures.js';

describe('transfers across instances', () => {
  let redis: PrivateRedis;
  let a: TestHub;
  let b: TestHub;
  const clients: Redis[] = [];
  const sockets: ClientSocket[] = [];

  function shareRooms(hub: TestHub) {
    // No retry limit: commands queue while Redis is down, the worst case for a lookup's latency.
    const options = { port: redis.port, host: '127.0.0.1', maxRetriesPerRequest: null };
    const pub = new Redis(options);
    const sub = new Redis(options);
    for (const c of [pub, sub]) c.on('error', () => undefined);
    clients.push(pub, sub);
    hub.hub.io.adapter(createAdapter(pub, sub));
  }

  beforeEach(async () => {
    redis = await startRedis();
    a = await startHub({ listen: true });
    b = await startHub({ listen: true, dir: a.dir });
    shareRooms(a);
    shareRooms(b);
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await b.close();
    await a.close();
    for (const c of clients.splice(0)) c.disconnect();
    await redis.stop();
  });

  it('sees a seat online on the other instance and pushes the transfer there', async () => {
    const store = a.hub.store;
    const seat1 = await userId(store, 'seat1');
    const seat2 = await userId(store, 'seat2');
    const target = await demoTarget(store, seat1);
    const seat1Token = await a.login('seat1');
    const [s1, s2, b1] = await Promise.all([
      connectSocket(a.url, seat1Token),
      connectSocket(b.url, await b.login('seat2')),
      connectSocket(b.url, await b.login('branch1')),
    ]);
    sockets.push(s1, s2, b1);

    const seats = await a.call('GET', '/xd/client/transferSeats?name=seat', { token: seat1Token });
    expect(seats.body.data).toEqual([{ custServId: String(seat2), name: '坐席二', username: 'seat2', online: true }]);

    const pushes = Promise.all([nextEvent(s2, 'transfer:in'), nextEvent(s1, 'transfer:out'), nextEvent(b1, 'transfer')]);
    const res = await a.call('POST', '/xd/client/transfer', { token: seat1Token, body: { receId: String(target.id), toCustServId: String(seat2) } });
    expect(res.status).toBe(200);
    for (const payload of await pushes) expect(payload).toMatchObject({ transferId: res.body.data.transferId, toCustServId: String(seat2) });
    expect(await ownerOf(store, target.id)).toBe(seat2);

    // Instance B reads the same database: seat1 is refused there too.
    const onB = await b.call('POST', '/xd/client/transferSource', { token: seat1Token, body: { receId: String(target.id) } });
    expect(onB.status).toBe(403);
  });

  it('answers presence from local sockets, within a bound, while Redis is down', async () => {
    const seat1Token = await a.login('seat1');
    const s2 = await connectSocket(b.url, await b.login('seat2'));
    sockets.push(s2);
    await redis.kill();
    const started = Date.now();
    const seats = await a.call('GET', '/xd/client/transferSeats', { token: seat1Token });
    expect(seats.status).toBe(200);
    // Instance A cannot see B's sockets without Redis; it says so rather than hanging.
    expect(seats.body.data[0]).toMatchObject({ username: 'seat2', online: false });
    expect(Date.now() - started).toBeLessThan(4000);
  });
});
