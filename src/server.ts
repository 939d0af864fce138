// Starts the hub and stops it cleanly on SIGTERM/SIGINT.
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  const hub = await buildApp(config).catch((error: Error) => {
    process.stderr.write(`${error.message.startsWith('invalid configuration') ? error.message : `start failed: ${error.stack}`}\n`);
    process.exit(1);
  });
  const log = hub.app.log;
  if (config.protocolSecretGenerated) {
    log.warn({ protocolSecret: config.protocolSecret }, 'PROTOCOL_SECRET was not set: generated one for this run (the bridge must sign with it)');
  }
  if (hub.seeded === 'demo') log.info('empty database: seeded the demo organisation (seat1 / seat1123, …)');

  await hub.app.listen({ port: config.port, host: config.host });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    hub.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
