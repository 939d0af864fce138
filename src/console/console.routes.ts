// Serves the built web console (dist/web) at `/`: hashed assets are immutable for a year,
// index.html is revalidated on every load (so a deploy is picked up at once), and unknown
// GET paths outside the API fall back to index.html so the console's own routes survive a reload.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { notFound } from '../http/errors.js';

export interface ConsoleDeps {
  /** The directory the web build wrote (index.html + assets/). */
  webRoot: string;
}

/** Paths that belong to the API and keep their 404 envelope instead of serving the console. */
const API_PREFIXES = ['/xd', '/socket.io', '/docs', '/healthz'];

export function isApiPath(path: string): boolean {
  return API_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}?`));
}

const YEAR_SECONDS = 365 * 24 * 3600;

export const consoleRoutes: FastifyPluginAsync<ConsoleDeps> = async (app, deps) => {
  const indexFile = join(deps.webRoot, 'index.html');
  if (!existsSync(indexFile)) {
    app.log.warn({ webRoot: deps.webRoot }, 'web console not built (npm run build): / is not served');
    return;
  }
  await app.register(fastifyStatic, {
    root: deps.webRoot,
    // One route per built file, so the SPA fallback below owns every other GET path.
    wildcard: false,
    cacheControl: false,
    setHeaders(reply, path) {
      const hashed = path.includes(`${join(deps.webRoot, 'assets')}`);
      reply.header('cache-control', hashed ? `public, max-age=${YEAR_SECONDS}, immutable` : 'no-cache');
    },
  });

  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (isApiPath(path)) throw notFound(`route GET ${path}`);
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
};
