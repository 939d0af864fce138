// NUL characters are refused with a 400 naming the field, on plain and on signed routes, before
// any engine sees them (PostgreSQL cannot store them at all).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundMessage, postCallback } from '../helpers/bridge.js';
import { startHub, type TestHub } from '../helpers/hub.js';

describe('NUL characters in requests', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startHub();
  });
  afterAll(() => t?.close());

  it('refuses them in a JSON body, naming the field', async () => {
    const answer = await t.call('POST', '/xd/auth/login', { body: { username: 'seat1\u0000', password: 'seat1123' } });
    expect(answer.status).toBe(400);
    expect(answer.body.msg).toMatch(/^username: must not contain NUL characters/);
  });

  it('refuses them in a query string', async () => {
    const token = await t.login('admin');
    const answer = await t.call('GET', '/xd/admin/users?keyword=a%00b', { token });
    expect(answer.status).toBe(400);
    expect(answer.body.msg).toMatch(/^keyword: must not contain NUL characters/);
  });

  it('names the container when the key itself is no field name', async () => {
    const token = await t.login('admin');
    const answer = await t.call('GET', '/xd/admin/users?%20=%00', { token });
    expect(answer.status).toBe(400);
    expect(answer.body.msg).toBe('query: must not contain NUL characters');
  });

  it('refuses them in a signed callback, nested fields named by their path', async () => {
    const answer = await postCallback(t, 'messageCallback', inboundMessage({ from: { id: 'wa-nul', name: 'bad\u0000name' } }));
    expect(answer.status).toBe(400);
    expect(answer.body.msg).toMatch(/^from\.name: must not contain NUL characters/);
  });
});
