// Fuzzed bridge bodies and socket payloads: always a 4xx or an error ack, never a 5xx, a crash
// or a stored row.
import { count } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundMessage, postCallback } from '../helpers/bridge.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { connectSocket, type ClientSocket } from '../helpers/sockets.js';

const PATHS = ['messageCallback', 'messageStatus', 'phoneStatus', 'physicalIp'] as const;

describe('fuzzing the hot path', () => {
  let t: TestHub;
  let socket: ClientSocket;
  const rows = async () => {
    const { db, tables } = t.hub.store;
    const counted = [tables.messages, tables.targets, tables.activity, tables.webhookDeliveries];
    return Promise.all(counted.map(async (table) => (await db.select({ n: count() }).from(table))[0]!.n));
  };
  const accountRows = async () => {
    const { db, tables } = t.hub.store;
    return JSON.stringify(await db.select().from(tables.accounts).orderBy(tables.accounts.id));
  };

  beforeAll(async () => {
    t = await startHub({ listen: true });
    socket = await connectSocket(t.url, await t.login('seat1'));
  });
  afterAll(async () => {
    socket.close();
    await t.close();
  });

  it('answers signed arbitrary JSON bodies with 4xx and stores nothing', async () => {
    const before = await rows();
    const accountsBefore = await accountRows();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PATHS), fc.jsonValue(), async (path, body) => {
        const answer = await postCallback(t, path, body);
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
        expect(answer.body.code).toBe(answer.status);
      }),
      { numRuns: 150 },
    );
    expect(await rows()).toEqual(before);
    expect(await accountRows()).toBe(accountsBefore);
  });

  it('answers a valid callback with one field broken with 400 naming it, storing nothing', async () => {
    const before = await rows();
    const fields = ['phone', 'msgId', 'direction', 'from', 'contentType', 'content', 'sendTime'] as const;
    const wrong = fc.oneof(fc.constant(null), fc.boolean(), fc.array(fc.integer(), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }), fc.double().filter((d) => !Number.isInteger(d)));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fields), wrong, async (field, value) => {
        const body: Record<string, unknown> = { ...inboundMessage({ phone: '+8613800000001' }), [field]: value };
        const answer = await postCallback(t, 'messageCallback', body);
        expect(answer.status).toBe(400);
        expect(answer.body.msg).toMatch(new RegExp(field));
      }),
      { numRuns: 120 },
    );
    expect(await rows()).toEqual(before);
  });

  it('answers arbitrary socket payloads with error acks and keeps serving', async () => {
    const before = await rows();
    const events = ['message:send', 'message:read', 'watch', 'unwatch'] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...events), fc.anything(), async (event, payload) => {
        const ack = await (socket.timeout(3000) as any).emitWithAck(event, payload);
        expect(ack.code).toBeGreaterThanOrEqual(400);
        expect(ack.code).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
    // Events without an ack function, or with extra arguments, do not crash the handler either.
    (socket as any).emit('message:send', { receId: 1 });
    (socket as any).emit('message:read');
    (socket as any).emit('watch', { custServId: '1' }, 'not a function');
    expect(await rows()).toEqual(before);
    expect(socket.connected).toBe(true);
    const still = await (socket.timeout(3000) as any).emitWithAck('message:read', { receId: '999999' });
    expect(still.code).toBe(404);
  });
});
