// The built-in bridge used when PROTOCOL_URL is unset: it accepts every send and reports it
// sent, then delivered, through the same status path a real bridge's callbacks take.
import { randomUUID } from 'node:crypto';
import type { BridgePort } from '../messages/bridge-port.js';
import { unsupportedGroups } from './unsupported.js';

export type SandboxStatusSink = (report: { phone: string; msgId: string; status: 'sent' | 'delivered' }) => unknown;

// A 1×1 PNG: the placeholder "original" of every sandbox image.
const PLACEHOLDER_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

export interface SandboxBridgeOptions {
  /** Receives status reports; wired to the hub's status ingest. */
  reportStatus: SandboxStatusSink;
  /** Delay before each status report, so clients see the transitions one by one. */
  stepMs?: number;
}

export function createSandboxBridge(options: SandboxBridgeOptions): BridgePort & { close(): void } {
  const stepMs = options.stepMs ?? 50;
  const timers = new Set<NodeJS.Timeout>();
  const later = (delay: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, delay);
    timers.add(timer);
  };

  return {
    kind: 'sandbox',
    async send(request) {
      const msgId = `sandbox-${randomUUID()}`;
      later(stepMs, () => options.reportStatus({ phone: request.phone, msgId, status: 'sent' }));
      later(stepMs * 2, () => options.reportStatus({ phone: request.phone, msgId, status: 'delivered' }));
      return { msgId };
    },
    async relogin() {},
    async fetchMedia() {
      return { body: PLACEHOLDER_PNG, contentType: 'image/png' };
    },
    // Sandbox accounts are always logged in.
    async loginQr() {
      return null;
    },
    ...unsupportedGroups('sandbox'),
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
