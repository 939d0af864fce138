// Inputs an attacker shapes: control characters in search keywords, message times that would
// pin a target above all others, and a media token hidden behind percent-encoding.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundMessage, postCallback } from '../helpers/bridge.js';
import { startHub, type TestHub } from '../helpers/hub.js';

describe('input bounds', () => {
  let t: TestHub;
  let seat1: string;
  const lines: string[] = [];

  beforeAll(async () => {
    t = await startHub({ env: { LOG_LEVEL: 'info' }, logStream: { write: (line) => void lines.push(line) } });
    seat1 = await t.login('seat1');
  });
  afterAll(() => t.close());

  it.each(['a%00b', '%00', 'ab%0Acd', '%1B[31m', '%7F'])('refuses the quickSearch keyword %s with 400 naming it', async (raw) => {
    const { status, body } = await t.call('GET', `/xd/client/quickSearch?keyword=${raw}`, { token: seat1 });
    expect(status).toBe(400);
    expect(body).toMatchObject({ code: 400, error: 'bad_request' });
    expect(body.msg).toMatch(/keyword/);
  });

  it('still finds ordinary keywords, including ones with spaces and CJK', async () => {
    for (const keyword of ['曾林', 'hello world', 'a']) {
      const { status } = await t.call('GET', `/xd/client/quickSearch?keyword=${encodeURIComponent(keyword)}`, { token: seat1 });
      expect(status).toBe(200);
    }
  });

  it('refuses control characters in the other search keywords', async () => {
    const replies = await t.call('GET', '/xd/client/quickReplies?keyword=a%00b&pageNo=1&pageSize=10', { token: seat1 });
    expect(replies.status).toBe(400);
    expect(replies.body.msg).toMatch(/keyword/);
    const search = await t.call('POST', '/xd/client/searchQuickReplies', { token: seat1, body: { keyword: 'a\u0000b', pageNo: 1, pageSize: 10 } });
    expect(search.status).toBe(400);
    expect(search.body.msg).toMatch(/^keyword/);
    const seats = await t.call('GET', '/xd/client/transferSeats?name=%00', { token: seat1 });
    expect(seats.status).toBe(400);
    expect(seats.body.msg).toMatch(/name/);
  });

  it.each([
    ['year 275760', 8.64e15],
    ['before 2009', Date.UTC(2008, 11, 31)],
    ['epoch 0', 0],
    ['more than a day ahead', Date.now() + 25 * 3_600_000],
  ])('refuses a callback sendTime %s with 400 naming sendTime, storing nothing', async (_, sendTime) => {
    const body = inboundMessage({ sendTime, from: { id: `wa-time-${sendTime}`, name: 'Pinned' } });
    const answer = await postCallback(t, 'messageCallback', body);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 400, error: 'bad_request' });
    expect(answer.body.msg).toMatch(/^sendTime/);
    const found = await t.call('GET', '/xd/client/quickSearch?keyword=Pinned', { token: seat1 });
    expect(found.body.data.targets).toEqual([]);
  });

  it('accepts sendTime within the window (an hour ahead, years back)', async () => {
    for (const sendTime of [Date.now() + 3_600_000, Date.UTC(2015, 5, 1)]) {
      expect((await postCallback(t, 'messageCallback', inboundMessage({ sendTime }))).status).toBe(200);
    }
  });

  it('accepts a media token only under its exact name and never logs it', async () => {
    const file = '/xd/media/1-0123456789abcdef.png';
    // Past the token check an unknown file is 404; a token that is not accepted is 401.
    expect((await t.call('GET', `${file}?token=${seat1}`)).status).toBe(404);
    for (const disguised of [`%74oken=${seat1}`, `%74%6F%6B%65%6E=${seat1}`, `tok%65n=${seat1}`]) {
      const { status, body } = await t.call('GET', `${file}?${disguised}`);
      expect(status).toBe(401);
      expect(body.error).toBe('unauthorized');
    }
    await t.call('GET', `${file}?x=1&TOKEN=${seat1}`);
    const logged = lines.join('');
    expect(logged).toContain('/xd/media/1-0123456789abcdef.png?');
    expect(logged).toContain('[redacted]');
    expect(logged).not.toContain(seat1);
  });
});
