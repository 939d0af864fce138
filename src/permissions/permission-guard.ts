// The one permission check of every request and socket event, read from the in-memory copy.
// It runs after the route's token (and role) check and before the body is parsed, so an
// anonymous caller still gets 401 and a refused one 403 whatever its body holds. What data a
// permitted caller then sees stays decided by its role (own seat, own branch, everything).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth.repository.js';
import { hubError, unauthorized, type HubError } from '../http/errors.js';
import type { SocketFeature } from '../realtime/socket-server.js';
import { ackFailure } from '../realtime/socket-handler.js';
import type { PermissionStore } from './permission-store.js';
import { PUBLIC, routeKey, ruleForRoute, SELF, SOCKET_EVENTS, type RouteRule } from './permission-table.js';

/** Routes that take their token another way (an <img> tag's query string) and call `permit` themselves. */
const CHECKED_BY_ROUTE = new Set([routeKey('GET', '/xd/media/:fileName')]);

export const permissionDenied = (permission: string): HubError => hubError('permission_denied', `permission denied: ${permission} is required`);

export interface Permit {
  (user: Pick<AuthUser, 'role'>, rule: RouteRule | undefined): void;
}

export function createPermit(store: PermissionStore): Permit {
  return (user, rule) => {
    if (rule === PUBLIC || rule === SELF) return;
    if (rule === undefined) {
      // Nobody gave this route a permission yet: only master (who has everything) passes.
      if (user.role !== 'master') throw permissionDenied('a permission for this route (none is defined)');
      return;
    }
    if (!store.has(user.role, rule)) throw permissionDenied(rule);
  };
}

export interface RouteRecord {
  method: string;
  url: string;
  rule: RouteRule | undefined;
}

/**
 * Adds the check to every route registered after it, and answers the list of those routes with
 * what each needs (`rule: undefined` for one nobody listed), so a test can hold the table complete.
 */
export function installPermissionGuard(app: FastifyInstance, permit: Permit): () => RouteRecord[] {
  const routes: RouteRecord[] = [];
  // Looked up once per route here, so a request pays one Map read (the history route is a hot path).
  const rules = new Map<string, { rule: RouteRule | undefined; checkedByRoute: boolean }>();
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      const rule = ruleForRoute(method, route.url);
      routes.push({ method, url: route.url, rule });
      rules.set(`${method} ${route.url}`, { rule, checkedByRoute: CHECKED_BY_ROUTE.has(routeKey(method, route.url)) });
    }
  });
  app.addHook('preParsing', (request: FastifyRequest, _reply, payload, done) => {
    const url = request.routeOptions.url;
    // No such route: the 404 handler answers. Routes registered before the guard (docs) are public.
    const known = url === undefined ? undefined : rules.get(`${request.method} ${url}`);
    if (known === undefined || known.rule === PUBLIC) return done(null, payload);
    try {
      if (request.user) permit(request.user, known.rule);
      // A private route that forgot its token check must not fall open.
      else if (!known.checkedByRoute) throw unauthorized('token: header is required');
      done(null, payload);
    } catch (error) {
      done(error as Error);
    }
  });
  return () => [...routes];
}

/** Refuses a socket event the caller's role lacks, acknowledging 403 naming the permission. */
export function createSocketPermissionFeature(permit: Permit): SocketFeature {
  return (socket) => {
    socket.use(([event, ...args], next) => {
      try {
        permit({ role: socket.data.role }, Object.hasOwn(SOCKET_EVENTS, event) ? SOCKET_EVENTS[event] : undefined);
        next();
      } catch (error) {
        const ack = args[args.length - 1];
        if (typeof ack === 'function') (ack as (a: unknown) => void)(ackFailure(error));
      }
    });
  };
}
