// Media lookups on both engines: an image message with its account's phone, a stored original
// by message and by file name, the first recorded original winning a race, and forgetting one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaRepository, type MediaRepository } from '../../src/media/media.repository.js';
import { addConversation, addOrg, type Org } from '../conversations/contract-data.js';
import { ENGINES, startEngine, type Engines } from '../conversations/engines.js';

describe.each(ENGINES)('media on %s', (engine) => {
  let engines: Engines;
  let org: Org;
  let media: MediaRepository;
  let image: number;
  let targetId: number;

  beforeAll(async () => {
    engines = await startEngine(engine);
    const store = await engines.fresh();
    org = await addOrg(store);
    const added = await addConversation(store, {
      accountId: org.account1,
      seatId: org.seat1,
      uid: 'wa-img',
      name: 'Img',
      messages: [{ content: '[image]', contentType: '2', mediaRef: 'ref-1', sendTime: 1_700_000_000_000 }],
    });
    targetId = added.targetId;
    image = added.messageIds[0]!;
    media = createMediaRepository(store);
  }, 120_000);
  afterAll(() => engines?.close());

  it('finds a message with its account phone, and nothing for an unknown id', async () => {
    expect(await media.findMessage(image)).toEqual({ id: image, targetId, contentType: '2', mediaRef: 'ref-1', phone: '+861' });
    expect(await media.findMessage(99_999)).toBeUndefined();
    expect(await media.byMessage(image)).toBeUndefined();
    expect(await media.byFileName('none.png')).toBeUndefined();
  });

  it('records the first original of a message and answers that one to a later recorder', async () => {
    const first = await media.record({ messageId: image, fileName: `${image}-a.png`, contentType: 'image/png', size: 10, createdAt: 5 });
    expect(first).toEqual({ inserted: true, row: { id: expect.any(Number), messageId: image, fileName: `${image}-a.png`, contentType: 'image/png', size: 10, createdAt: 5 } });
    const second = await media.record({ messageId: image, fileName: `${image}-b.png`, contentType: 'image/png', size: 11, createdAt: 6 });
    expect(second).toEqual({ inserted: false, row: first.row });
    expect(await media.byMessage(image)).toEqual(first.row);
    expect(await media.byFileName(`${image}-a.png`)).toEqual({ file: first.row, targetId });
    expect(await media.byFileName(`${image}-b.png`)).toBeUndefined();
  });

  it('forgets an original so the next request records a new one', async () => {
    await media.forget(image);
    expect(await media.byMessage(image)).toBeUndefined();
    const again = await media.record({ messageId: image, fileName: `${image}-c.png`, contentType: 'image/png', size: 12, createdAt: 7 });
    expect(again.inserted).toBe(true);
  });
});
