// HTTP from the generator: a keep-alive client, Standard Webhooks signing, login.
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';

export const PROTOCOL_SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
const KEY = Buffer.from(PROTOCOL_SECRET.slice('whsec_'.length), 'base64');

const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });

export interface Reply {
  status: number;
  body: any;
}

export function postJson(base: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, method: 'POST', hostname: url.hostname, port: url.port, path: url.pathname, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: keep the text for the error message
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export async function getJson(base: string, path: string): Promise<Reply> {
  const res = await fetch(new URL(path, base));
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

/** Standard Webhooks headers for one delivery: HMAC-SHA256 over "id.timestamp.body". */
export function signatureHeaders(body: string, id: string = randomUUID()): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', KEY).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}

export interface Callback {
  phone: string;
  msgId: string;
  fromId: string;
  content: string;
}

export function callbackBody(c: Callback): string {
  return JSON.stringify({
    phone: c.phone,
    msgId: c.msgId,
    direction: 'in',
    from: { id: c.fromId, name: `bench ${c.fromId}`, convType: 'biDirFriend' },
    contentType: '1',
    content: c.content,
    sendTime: Date.now(),
  });
}

/** One signed bridge callback; a retry passes the same webhook id, as the bridge would. */
export function sendCallback(base: string, c: Callback, webhookId?: string): Promise<Reply> {
  const body = callbackBody(c);
  return postJson(base, '/xd/protocol/messageCallback', body, signatureHeaders(body, webhookId));
}

export async function login(base: string, username: string, password = `${username}123`): Promise<{ token: string; userId: string }> {
  const res = await postJson(base, '/xd/auth/login', { username, password });
  if (res.status !== 200) throw new Error(`login ${username}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return { token: res.body.data.token, userId: String(res.body.data.user.id) };
}
