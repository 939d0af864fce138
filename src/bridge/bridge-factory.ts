// Picks the driver named by BRIDGE_DRIVER: the built-in sandbox (whose status reports take the
// same path as a bridge's callbacks), the hub protocol at PROTOCOL_URL, WAHA or Evolution API.
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import { BridgeError, type BridgePort } from '../messages/bridge-port.js';
import { createHttpBridgeClient } from './bridge-client.js';
import type { BridgeRepository } from './bridge.repository.js';
import { createEvolutionClient } from './evolution/evolution-client.js';
import { createSandboxBridge, type SandboxStatusSink } from './sandbox-bridge.js';
import { createWahaClient } from './waha/waha-client.js';

export type Bridge = BridgePort & { close(): void };

export interface BridgeFactoryDeps {
  repository: Pick<BridgeRepository, 'sessionOfPhone'>;
  /** Where the sandbox reports its sends' status (the hub's status path). */
  applyStatus: SandboxStatusSink;
  log?: FastifyBaseLogger;
}

export function createBridge(config: Pick<Config, 'bridgeDriver' | 'protocolUrl' | 'protocolSecret' | 'waha' | 'evolution' | 'bridgeTimeoutMs'>, deps: BridgeFactoryDeps): Bridge {
  const sessionOf = async (phone: string) => {
    const session = await deps.repository.sessionOfPhone(phone);
    if (session === undefined) throw new BridgeError(`no account with phone ${phone}`, false);
    return session;
  };
  const lasting = (port: BridgePort): Bridge => ({ ...port, close: () => undefined });
  switch (config.bridgeDriver) {
    case 'hub':
      return lasting(createHttpBridgeClient({ baseUrl: config.protocolUrl!, secret: config.protocolSecret, timeoutMs: config.bridgeTimeoutMs }));
    case 'waha':
      return lasting(createWahaClient({ baseUrl: config.waha!.url, apiKey: config.waha!.apiKey, sessionOf, timeoutMs: config.bridgeTimeoutMs }));
    case 'evolution':
      return lasting(createEvolutionClient({ baseUrl: config.evolution!.url, apiKey: config.evolution!.apiKey, instanceOf: sessionOf, timeoutMs: config.bridgeTimeoutMs }));
    case 'sandbox':
      return createSandboxBridge({
        reportStatus: (report) => {
          // A report is a timer's work: nothing waits on it, so a failure is only logged.
          Promise.resolve()
            .then(() => deps.applyStatus(report))
            .catch((error: unknown) => deps.log?.warn({ err: error, report }, 'sandbox status report not applied'));
        },
      });
  }
}
