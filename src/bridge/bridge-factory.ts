// Picks the bridge: HTTP to PROTOCOL_URL when set, else the built-in sandbox whose status
// reports take the same path as the bridge's messageStatus callbacks.
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import { createHttpBridgeClient, type BridgeClient } from './bridge-client.js';
import { createSandboxBridge, type SandboxStatusSink } from './sandbox-bridge.js';

export function createBridgeClient(
  config: Pick<Config, 'protocolUrl' | 'protocolSecret'>,
  applyStatus: SandboxStatusSink,
  log?: FastifyBaseLogger,
): BridgeClient & { close(): void } {
  if (config.protocolUrl) {
    return { ...createHttpBridgeClient({ baseUrl: config.protocolUrl, secret: config.protocolSecret }), close: () => undefined };
  }
  return createSandboxBridge({
    reportStatus: (report) => {
      try {
        applyStatus(report);
      } catch (error) {
        log?.warn({ err: error, report }, 'sandbox status report not applied');
      }
    },
  });
}
