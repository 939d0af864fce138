// The ip2world extraction API: one GET of the configured URL template answers either JSON
// `{code, success, msg, data:[{ip, port}]}` or `ip:port` text lines. Any doubt about the answer
// fails the whole fetch, so a half-understood answer never lands in the pool.
import { unavailable } from '../http/errors.js';

export interface FetchRequest {
  count: number;
  country?: string;
  protocol: string;
}

export interface FetchedProxy {
  host: string;
  port: number;
}

export interface ProxyProvider {
  readonly name: string;
  fetch(request: FetchRequest): Promise<FetchedProxy[]>;
}

export interface Ip2worldOptions {
  urlTemplate: string;
  timeoutMs: number;
}

const HOST = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;

export function parseEndpoint(host: unknown, port: unknown): FetchedProxy | undefined {
  const p = typeof port === 'string' && /^\d{1,5}$/.test(port) ? Number(port) : port;
  if (typeof host !== 'string' || !HOST.test(host)) return undefined;
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > 65535) return undefined;
  return { host, port: p };
}

export function fillTemplate(template: string, request: FetchRequest): string {
  return template
    .replaceAll('{count}', String(request.count))
    .replaceAll('{country}', encodeURIComponent(request.country ?? ''))
    .replaceAll('{protocol}', encodeURIComponent(request.protocol));
}

/** The answer's proxies, or the reason it is not usable. */
export function parseIp2worldAnswer(text: string): FetchedProxy[] | string {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let json: { code?: unknown; success?: unknown; msg?: unknown; data?: unknown };
    try {
      json = JSON.parse(trimmed);
    } catch {
      return 'answer is not valid JSON';
    }
    if (json.success !== true) return `refused: ${typeof json.msg === 'string' && json.msg ? json.msg.slice(0, 200) : `code ${String(json.code)}`}`;
    if (!Array.isArray(json.data)) return 'answer has no data list';
    const out: FetchedProxy[] = [];
    for (const [i, item] of json.data.entries()) {
      const endpoint = parseEndpoint((item as { ip?: unknown })?.ip, (item as { port?: unknown })?.port);
      if (!endpoint) return `malformed entry ${i + 1} in data`;
      out.push(endpoint);
    }
    return out;
  }
  const out: FetchedProxy[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const match = /^([^:\s]+):(\d{1,5})$/.exec(line);
    const endpoint = match ? parseEndpoint(match[1], match[2]) : undefined;
    if (!endpoint) return `malformed line ${i + 1}`;
    out.push(endpoint);
  }
  return out;
}

export function createIp2world(options: Ip2worldOptions): ProxyProvider {
  const fail = (why: string) => unavailable('proxy provider ip2world', why);
  return {
    name: 'ip2world',
    async fetch(request) {
      let response: Response;
      let text: string;
      try {
        // The URL carries the account's API key: it is never logged or echoed.
        response = await fetch(fillTemplate(options.urlTemplate, request), { signal: AbortSignal.timeout(options.timeoutMs) });
        text = await response.text();
      } catch (error) {
        const name = (error as Error).name;
        throw fail(name === 'TimeoutError' || name === 'AbortError' ? `no answer within ${options.timeoutMs} ms` : 'could not be reached');
      }
      if (!response.ok) throw fail(`HTTP ${response.status}`);
      const parsed = parseIp2worldAnswer(text);
      if (typeof parsed === 'string') throw fail(parsed);
      if (parsed.length === 0) throw fail('answered no proxies');
      return parsed.slice(0, request.count);
    },
  };
}
