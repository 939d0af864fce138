// Parses `host:port[:username:password]` lines for POST /xd/admin/proxies/import. A bad line is
// skipped with its reason; the line's text is not echoed, since it may hold a password.
import { parseEndpoint } from './ip2world.js';

export interface ParsedLine {
  line: number;
  host: string;
  port: number;
  username: string | null;
  password: string | null;
}

export interface SkippedLine {
  line: number;
  reason: string;
}

const CREDENTIAL = /^[^\s:]{1,255}$/;

export function parseProxyLines(input: string | string[]): { parsed: ParsedLine[]; skipped: SkippedLine[] } {
  const lines = typeof input === 'string' ? input.split(/\r?\n/) : input;
  const parsed: ParsedLine[] = [];
  const skipped: SkippedLine[] = [];
  const seen = new Set<string>();
  lines.forEach((raw, i) => {
    const line = i + 1;
    const text = raw.trim();
    if (text === '') return;
    const parts = text.split(':');
    if (parts.length !== 2 && parts.length !== 4) {
      skipped.push({ line, reason: 'expected host:port or host:port:username:password' });
      return;
    }
    const [host, port, username, password] = parts as [string, string, string?, string?];
    if (!/^\d{1,5}$/.test(port)) {
      skipped.push({ line, reason: 'port: must be a number 1..65535' });
      return;
    }
    const endpoint = parseEndpoint(host, port);
    if (!endpoint) {
      skipped.push({ line, reason: Number(port) < 1 || Number(port) > 65535 ? 'port: must be a number 1..65535' : 'host: must be a host name or IPv4 address' });
      return;
    }
    if (username !== undefined && (!CREDENTIAL.test(username) || !CREDENTIAL.test(password ?? ''))) {
      skipped.push({ line, reason: 'username and password: must be 1..255 characters without spaces' });
      return;
    }
    const key = `${endpoint.host}:${endpoint.port}:${username ?? ''}`;
    if (seen.has(key)) {
      skipped.push({ line, reason: 'duplicate of an earlier line' });
      return;
    }
    seen.add(key);
    parsed.push({ line, ...endpoint, username: username ?? null, password: password ?? null });
  });
  return { parsed, skipped };
}
