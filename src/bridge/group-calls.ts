// Group calls of the hub protocol (POST /group/create, /group/add at PROTOCOL_URL, signed like
// every other call to the bridge) and the sandbox's version of them. Kept apart from the message
// client so that they can move behind any bridge driver.
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { GroupCallError, type GroupBridge, type GroupMemberResult } from '../group-pulls/group-bridge.js';
import { BridgeError, type BridgePort } from '../messages/bridge-port.js';
import { signBridgeRequest } from './bridge-client.js';

export interface HttpGroupCallsOptions {
  baseUrl: string;
  secret: string;
  /** Adding many members can take the bridge a while. */
  timeoutMs?: number;
}

function readResults(body: unknown, path: string): GroupMemberResult[] {
  const results = (body as { results?: unknown; data?: { results?: unknown } })?.results ?? (body as { data?: { results?: unknown } })?.data?.results;
  if (!Array.isArray(results)) throw new GroupCallError(`bridge ${path}: answer has no results`, 'unknown');
  return results
    .filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null)
    .map((r) => ({ member: String(r.member ?? ''), state: String(r.state ?? ''), ...(typeof r.reason === 'string' ? { reason: r.reason } : {}) }));
}

export function createHttpGroupCalls(options: HttpGroupCallsOptions): GroupBridge {
  const webhook = new Webhook(options.secret);
  const timeoutMs = options.timeoutMs ?? 30_000;

  async function post(path: string, payload: unknown, signal?: AbortSignal): Promise<unknown> {
    const body = JSON.stringify(payload);
    const deadline = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetch(`${options.baseUrl}${path}`, {
        method: 'POST',
        headers: signBridgeRequest(webhook, body),
        body,
        signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
      });
    } catch (error) {
      const err = error as Error & { cause?: { code?: string } };
      // Refused or unresolvable: the request never reached the bridge. A reset is not among them:
      // it may come after the bridge read the request.
      if (err.cause?.code === 'ECONNREFUSED' || err.cause?.code === 'ENOTFOUND') {
        throw new GroupCallError(`bridge ${path}: ${err.cause.code}`, 'not_sent');
      }
      const why = err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : err.name === 'AbortError' ? 'interrupted' : err.message;
      throw new GroupCallError(`bridge ${path}: ${why}`, 'unknown');
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      const outcome = response.status >= 500 || response.status === 429 ? 'not_sent' : 'refused';
      throw new GroupCallError(`bridge ${path}: HTTP ${response.status} ${text.slice(0, 200)}`.trim(), outcome);
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new GroupCallError(`bridge ${path}: answer is not JSON`, 'unknown');
    }
  }

  return {
    async createGroup(request, signal) {
      const body = (await post('/group/create', request, signal)) as { groupId?: unknown; data?: { groupId?: unknown } };
      const groupId = body?.groupId ?? body?.data?.groupId;
      if (typeof groupId !== 'string' && typeof groupId !== 'number') throw new GroupCallError('bridge /group/create: answer has no groupId', 'unknown');
      return { groupId: String(groupId), results: readResults(body, '/group/create') };
    },
    async addMembers(request, signal) {
      return { results: readResults(await post('/group/add', request, signal), '/group/add') };
    },
  };
}

/** The sandbox: a number ending in 0 is not on WhatsApp, one ending in 9 gets an invite, the rest are added. */
export function createSandboxGroupCalls(): GroupBridge {
  const resultOf = (member: string): GroupMemberResult =>
    member.endsWith('0') ? { member, state: 'failed', reason: 'not_on_whatsapp' } : member.endsWith('9') ? { member, state: 'invited' } : { member, state: 'added' };
  return {
    async createGroup(request) {
      return { groupId: `sandbox-group-${randomUUID()}@g.us`, results: request.members.map(resultOf) };
    },
    async addMembers(request) {
      return { results: request.members.map(resultOf) };
    },
  };
}

/**
 * Group pulls through a real bridge's driver (WAHA, Evolution API). A refusal (4xx) is final; a
 * 5xx or 429 means nothing was done; any other failure (a timeout, a dropped connection) may
 * have added the members, so they are not sent again.
 */
export function groupCallsThroughPort(port: Pick<BridgePort, 'createGroup' | 'addToGroup'>): GroupBridge {
  const outcomeOf = (error: unknown): GroupCallError => {
    const status = error instanceof BridgeError ? error.status : undefined;
    const message = error instanceof Error ? error.message : String(error);
    if (status === undefined) return new GroupCallError(message, 'unknown');
    return new GroupCallError(message, status >= 500 || status === 429 ? 'not_sent' : 'refused');
  };
  return {
    async createGroup({ phone, name, members }) {
      try {
        return await port.createGroup(phone, name, members);
      } catch (error) {
        throw outcomeOf(error);
      }
    },
    async addMembers({ phone, groupId, members }) {
      try {
        return await port.addToGroup(phone, groupId, members);
      } catch (error) {
        throw outcomeOf(error);
      }
    },
  };
}
