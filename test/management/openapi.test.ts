import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from '../helpers/hub.js';

describe('OpenAPI document of the seat tools', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startHub();
  });
  afterAll(() => t.close());

  it('publishes every seat-tool route with its token security', async () => {
    const doc = (await t.call('GET', '/docs/json')).body;
    const expected: [string, string][] = [
      ['/xd/client/seatTags', 'get'],
      ['/xd/client/seatTags', 'post'],
      ['/xd/client/seatTags/{tagId}', 'delete'],
      ['/xd/client/targetsByTag', 'post'],
      ['/xd/client/targetTags', 'put'],
      ['/xd/client/content', 'post'],
      ['/xd/client/content/{contentId}', 'delete'],
      ['/xd/client/quickReplies', 'get'],
      ['/xd/client/searchQuickReplies', 'post'],
      ['/xd/client/translate', 'post'],
      ['/xd/client/telegramLink', 'get'],
      ['/xd/branch/seats/{custServId}/telegramLink', 'put'],
      ['/xd/branch/seats', 'get'],
      ['/xd/supervisor/seats', 'get'],
      ['/xd/client/originalImage', 'post'],
      ['/xd/media/{fileName}', 'get'],
    ];
    for (const [path, method] of expected) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op.security).toEqual([{ token: [] }]);
      expect(op.tags.length).toBeGreaterThan(0);
    }
  });
});
