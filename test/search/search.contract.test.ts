// Quick search on both engines: FTS5 trigram on SQLite and pg_trgm under ILIKE on PostgreSQL
// give the same hits in the same order for the same keyword: Chinese substrings, any letter
// case, pattern characters taken literally, the caller's scope, and the short-keyword window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeatScope } from '../../src/access/access.js';
import type { Store } from '../../src/db/store.js';
import { createMessageIndexer, type MessageIndexer } from '../../src/search/message-index.repository.js';
import { createSearchRepository, type SearchRepository } from '../../src/search/search.repository.js';
import { addConversation, addOrg, cst, type Org } from '../conversations/contract-data.js';
import { ENGINES, startEngine, type Engines } from '../conversations/engines.js';

const NOW = cst('2023-07-10', '12:00:00');
const JULY = cst('2023-07-01', '09:00:00');

describe.each(ENGINES)('quick search on %s', (engine) => {
  let engines: Engines;
  let store: Store;
  let org: Org;
  let search: SearchRepository;
  let indexer: MessageIndexer;
  const seat = (o: Org, who: 'seat1' | 'seat2' | 'seat3'): SeatScope => ({ kind: 'seat', seatId: o[who] });

  beforeAll(async () => {
    engines = await startEngine(engine);
    store = await engines.fresh();
    org = await addOrg(store);
    const at = (minutes: number) => JULY + minutes * 60_000;
    await addConversation(store, {
      accountId: org.account1,
      seatId: org.seat1,
      uid: 'wa-alice',
      name: 'Alice Zhang',
      messages: [
        { content: '你好这个产品怎么用', sendTime: at(1) },
        { content: 'Hello World', sendTime: at(2), sender: 0, status: 'delivered' },
        { content: '50% off today', sendTime: at(3) },
        { content: 'recalled hello', sendTime: at(4), status: 'recalled' },
        { content: 'ab old', sendTime: cst('2023-05-01', '09:00:00') },
        { content: 'ab new', sendTime: at(5) },
      ],
    });
    await addConversation(store, {
      accountId: org.account2,
      seatId: org.seat2,
      uid: 'wa-wang',
      name: '王芳',
      messages: [
        { content: '这个产品不错', sendTime: at(6) },
        { content: 'hello from seat2', sendTime: at(7) },
      ],
    });
    await addConversation(store, {
      accountId: org.account3,
      seatId: org.seat3,
      uid: 'tg-carlos',
      name: 'Carlos',
      messages: [
        { content: '这个产品还有吗', sendTime: at(8) },
        { content: 'HELLO there', sendTime: at(9) },
      ],
    });
    search = createSearchRepository(store);
    indexer = createMessageIndexer(store);
  }, 120_000);
  afterAll(() => engines?.close());

  const texts = async (scope: SeatScope, keyword: string) => (await search.search(scope, keyword, NOW)).messages.map((m) => m.content);
  const targets = async (scope: SeatScope, keyword: string) => (await search.search(scope, keyword, NOW)).targets.map((t) => t.targetName);

  it('indexes message text in batches on SQLite; PostgreSQL has nothing to index', async () => {
    if (engine === 'sqlite') {
      expect(await indexer.upToDate()).toBe(false);
      expect(await indexer.indexBatch(4)).toBe(4);
      expect(await indexer.catchUp(10)).toBe(6);
      expect(await indexer.upToDate()).toBe(true);
    } else {
      expect(await indexer.upToDate()).toBe(true);
      expect(await indexer.indexBatch()).toBe(0);
      expect(await indexer.catchUp(10)).toBe(0);
    }
  });

  it('finds Chinese text by a 3+ character substring, within the scope, newest first', async () => {
    const found = await search.search(seat(org, 'seat1'), '这个产品', NOW);
    expect(found.short).toBe(false);
    expect(found.messages).toEqual([
      { msgId: expect.any(Number), targetId: expect.any(Number), targetName: 'Alice Zhang', content: '你好这个产品怎么用', contentType: '1', sender: 1, sendTime: JULY + 60_000 },
    ]);
    expect(await texts({ kind: 'branch', branchId: org.branch1 }, '这个产品')).toEqual(['这个产品不错', '你好这个产品怎么用']);
    expect(await texts({ kind: 'all' }, '这个产品')).toEqual(['这个产品还有吗', '这个产品不错', '你好这个产品怎么用']);
    expect(await search.search({ kind: 'none' }, '这个产品', NOW)).toEqual({ targets: [], messages: [], short: false });
  });

  it('matches whatever the letter case, and leaves recalled messages out', async () => {
    expect(await texts(seat(org, 'seat1'), 'HELLO')).toEqual(['Hello World']);
    expect(await texts({ kind: 'all' }, 'hello')).toEqual(['HELLO there', 'hello from seat2', 'Hello World']);
    expect(await texts({ kind: 'all' }, 'lO tH')).toEqual(['HELLO there']);
  });

  it('finds targets by name or platform id, in scope', async () => {
    expect(await targets(seat(org, 'seat1'), 'ALICE')).toEqual(['Alice Zhang']);
    expect(await targets({ kind: 'all' }, 'tg-CAR')).toEqual(['Carlos']);
    expect(await targets({ kind: 'branch', branchId: org.branch1 }, 'carlos')).toEqual([]);
    expect(await targets({ kind: 'all' }, 'wa-')).toEqual(['王芳', 'Alice Zhang']);
    expect(await targets({ kind: 'all' }, '王芳x')).toEqual([]);
  });

  it('takes pattern and phrase characters in a keyword literally', async () => {
    expect(await texts(seat(org, 'seat1'), '% o')).toEqual(['50% off today']);
    expect(await texts(seat(org, 'seat1'), '_ o')).toEqual([]);
    expect(await texts(seat(org, 'seat1'), '0%_')).toEqual([]);
    expect(await texts(seat(org, 'seat1'), '"Hello')).toEqual([]);
  });

  it("answers short keywords from the seat's recent messages and names in its window", async () => {
    const found = await search.search(seat(org, 'seat1'), 'AB', NOW);
    expect(found.short).toBe(true);
    expect(found.messages.map((m) => m.content)).toEqual(['ab new']);
    expect(await texts(seat(org, 'seat1'), '产品')).toEqual(['你好这个产品怎么用']);
    expect(await targets(seat(org, 'seat1'), 'al')).toEqual(['Alice Zhang']);
    // A manager's short keyword searches names only.
    const branch = await search.search({ kind: 'branch', branchId: org.branch1 }, '王', NOW);
    expect({ targets: branch.targets.map((t) => t.targetName), messages: branch.messages }).toEqual({ targets: ['王芳'], messages: [] });
    expect(await texts(seat(org, 'seat1'), '%')).toEqual(['50% off today']);
  });

  it('sees a message stored after the last indexing', async () => {
    await addConversation(store, { accountId: org.account1b, seatId: org.seat1, uid: 'wa-late', name: 'Late', messages: [{ content: 'arrived later 迟到', sendTime: NOW - 1000 }] });
    expect(await texts(seat(org, 'seat1'), 'RIVED LATER 迟')).toEqual(['arrived later 迟到']);
    expect(await texts(seat(org, 'seat1'), '迟到')).toEqual(['arrived later 迟到']);
  });
});
