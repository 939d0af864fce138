// Per-member answers of a bridge's group calls, in the hub's terms (API.md "Group pulls"):
// 200 added, 403 invited (privacy forbade adding; the hub then sends an invite), 409 already a
// member, 404 not on WhatsApp, 429 rate limited, anything else a bridge error.
import type { GroupMemberResult } from '../messages/bridge-port.js';

/** The digits of a phone or chat id: `+86 138…` and `86138…@c.us` both give `86138…`. */
export const digitsOf = (value: string) => value.split('@')[0]!.replace(/\D/g, '');

export function memberResult(member: string, code: number | string | undefined): GroupMemberResult {
  switch (Number(code)) {
    case 200:
      return { member, state: 'added' };
    case 403:
      return { member, state: 'invited' };
    case 409:
      return { member, state: 'failed', reason: 'already_member' };
    case 404:
      return { member, state: 'failed', reason: 'not_on_whatsapp' };
    case 429:
      return { member, state: 'failed', reason: 'rate_limited' };
    default:
      return { member, state: 'failed', reason: `bridge_error: status ${code ?? 'missing'}` };
  }
}

/**
 * Reads the per-member codes from either shape bridges answer with: a list of
 * `{status|code|statusCode, jid|id}` or a map `{ "<jid>": {code|statusCode} }`.
 */
export function codesByDigits(answer: unknown): Map<string, number | string | undefined> {
  const codes = new Map<string, number | string | undefined>();
  const codeOf = (o: Record<string, unknown>) => (o.status ?? o.code ?? o.statusCode) as number | string | undefined;
  if (Array.isArray(answer)) {
    for (const item of answer) {
      if (!item || typeof item !== 'object') continue;
      const o = item as Record<string, unknown>;
      const id = typeof o.jid === 'string' ? o.jid : typeof o.id === 'string' ? o.id : undefined;
      if (id) codes.set(digitsOf(id), codeOf(o));
    }
  } else if (answer && typeof answer === 'object') {
    for (const [id, value] of Object.entries(answer)) {
      if (value && typeof value === 'object') codes.set(digitsOf(id), codeOf(value as Record<string, unknown>));
    }
  }
  return codes;
}
