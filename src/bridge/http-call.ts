// One HTTP call to a bridge, with a deadline and the failure reasons every driver shares:
// network errors and timeouts are retryable, 5xx and 429 too, any other 4xx is final.
import { BridgeError } from '../messages/bridge-port.js';

export interface BridgeCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Shown in failure reasons, e.g. `/send` or `/api/sendText`. */
  label: string;
  headers?: Record<string, string>;
  body?: string;
  deadlineMs: number;
}

export async function callBridge(url: string, call: BridgeCall): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: call.method,
      headers: call.headers,
      body: call.body,
      signal: AbortSignal.timeout(call.deadlineMs),
    });
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError' ? `timed out after ${call.deadlineMs} ms` : (error as Error).message;
    throw new BridgeError(`bridge ${call.label}: ${reason}`, true);
  }
  if (!response.ok) {
    const detail = (await response.text().catch(() => '')).slice(0, 200);
    throw new BridgeError(`bridge ${call.label}: HTTP ${response.status} ${detail}`.trim(), response.status >= 500 || response.status === 429, response.status);
  }
  return response;
}

/** The JSON answer of a call, or a retryable failure naming the call when it is not JSON. */
export async function jsonOf(response: Response, label: string): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    throw new BridgeError(`bridge ${label}: answer is not JSON`, true);
  }
}

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 250 };

/** Retries retryable failures with exponential backoff (base, 2×base, 4×base, …). */
export async function withRetry<T>(policy: RetryPolicy, run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const retryable = !(error instanceof BridgeError) || error.retryable;
      if (!retryable || attempt >= policy.attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, policy.baseDelayMs * 2 ** (attempt - 1)));
    }
  }
}

/** Node's fetch gives no TimeoutError for a body that stalls; bodies get the same deadline. */
export async function bytesOf(response: Response, label: string): Promise<Buffer> {
  try {
    return Buffer.from(await response.arrayBuffer());
  } catch (error) {
    throw new BridgeError(`bridge ${label}: ${(error as Error).name === 'TimeoutError' ? 'timed out reading the body' : (error as Error).message}`, true);
  }
}
