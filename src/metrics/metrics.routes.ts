// GET /metrics (Prometheus text) for the configured scrapers only, and the hook that counts
// bridge callbacks by outcome. No token: scrapers carry none, so the address is the check.
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { pressureExempt } from '../health/pressure.js';
import { forbidden } from '../http/errors.js';
import type { HubMetrics } from './metrics.js';

export interface MetricsRouteDeps {
  metrics: HubMetrics;
  /** Addresses and CIDRs allowed to scrape (e.g. 127.0.0.1, ::1, 10.0.0.0/8). */
  allow: string[];
}

export function addressList(entries: string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split('/') as [string, string | undefined];
    const family = isIPv6(address) ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return list;
}

export function allowsAddress(list: BlockList, ip: string): boolean {
  // An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  const address = mapped ?? ip;
  if (isIPv4(address)) return list.check(address, 'ipv4');
  if (isIPv6(address)) return list.check(address, 'ipv6');
  return false;
}

export function installMetrics(app: FastifyInstance, { metrics, allow }: MetricsRouteDeps): void {
  const allowed = addressList(allow);
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route?.startsWith('/xd/protocol/')) metrics.callbackAnswered(route, reply.statusCode);
  });
  app.get(
    '/metrics',
    { config: pressureExempt, schema: { tags: ['ops'], summary: 'Prometheus metrics (allowed addresses only, see METRICS_ALLOW)' } },
    async (request, reply) => {
      if (!allowsAddress(allowed, request.ip)) throw forbidden(`metrics: address ${request.ip} is not in METRICS_ALLOW`);
      const body = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(body);
    },
  );
}
