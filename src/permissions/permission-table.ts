// The one table of what every route and socket event needs. A route is either public (signed
// bridge callbacks, login, health, docs, the console's files), open to any logged-in user for
// their own session (`SELF`), or needs one permission string; the guard looks the route up here
// rather than each route file naming its own. A route under /xd missing from this table is
// refused for every role but master, and test/permissions/route-coverage.test.ts fails.

/** Needs only a valid token: the caller acts on their own session or reads their own navigation. */
export const SELF = 'self' as const;
/** Needs no token: the route authenticates itself (a signature) or serves nothing private. */
export const PUBLIC = 'public' as const;

export type RouteRule = string | typeof SELF | typeof PUBLIC;

/** `METHOD /url/:param` → what it needs. Parameter names do not matter (see routeKey). */
const ROUTES: Record<string, RouteRule> = {
  // Auth: login is public; the rest concern the caller's own session.
  'POST /xd/auth/login': PUBLIC,
  'POST /xd/auth/logout': SELF,
  'GET /xd/auth/me': SELF,
  'GET /xd/auth/info': SELF,
  'GET /xd/auth/routers': SELF,
  'POST /xd/auth/password': SELF,

  // Seat console.
  'POST /xd/client/translate': 'client:translate',
  'POST /xd/client/sendMessage': 'client:message:send',
  'PUT /xd/client/updateMessage': 'client:message:edit',
  'POST /xd/client/getAccounts': 'client:account:query',
  'POST /xd/client/getConversations': 'client:conversation:query',
  'POST /xd/client/getConvTargets': 'client:conversation:query',
  'POST /xd/client/retrievePastRecords': 'client:history:query',
  'GET /xd/client/quickReplies': 'client:reply:query',
  'POST /xd/client/searchQuickReplies': 'client:reply:query',
  'POST /xd/client/content': 'client:reply:add',
  'DELETE /xd/client/content/:id': 'client:reply:remove',
  'POST /xd/client/timeline': 'client:timeline:query',
  'POST /xd/client/timelineAlerts': 'client:timeline:query',
  'GET /xd/client/seatTags': 'client:tag:query',
  'POST /xd/client/targetsByTag': 'client:tag:query',
  'POST /xd/client/seatTags': 'client:tag:add',
  'DELETE /xd/client/seatTags/:id': 'client:tag:remove',
  'PUT /xd/client/targetTags': 'client:tag:edit',
  'GET /xd/client/transferSeats': 'client:transfer:query',
  'POST /xd/client/transferSource': 'client:transfer:query',
  'POST /xd/client/transfer': 'client:transfer:add',
  'GET /xd/client/quickSearch': 'client:search:query',
  'POST /xd/client/fans': 'client:fans:edit',
  'POST /xd/client/fanCount': 'client:fans:query',
  'GET /xd/client/telegramLink': 'client:telegram:query',
  'POST /xd/client/originalImage': 'client:image:query',
  // The token may come in the query string here, so the route checks it (and this permission) itself.
  'GET /xd/media/:id': 'client:image:query',
  'GET /xd/client/groupPulls': 'client:group:query',
  'GET /xd/client/groupPulls/:id': 'client:group:query',
  'POST /xd/client/groupPulls': 'client:group:add',
  'POST /xd/client/groupPulls/:id/pause': 'client:group:edit',
  'POST /xd/client/groupPulls/:id/resume': 'client:group:edit',
  'POST /xd/client/groupPulls/:id/cancel': 'client:group:edit',

  // Seat walls and the branch manager's seat settings.
  'GET /xd/branch/seats': 'branch:seat:query',
  'PUT /xd/branch/seats/:id/telegramLink': 'branch:telegram:edit',
  'GET /xd/supervisor/seats': 'supervisor:seat:query',

  // Home dashboard.
  'POST /xd/dashboard/summary': 'dashboard:summary:query',

  // Protocol bridge: signed callbacks are public (the signature is their authentication);
  // relogin is called by users.
  'POST /xd/protocol/messageCallback': PUBLIC,
  'POST /xd/protocol/messageStatus': PUBLIC,
  'POST /xd/protocol/phoneStatus': PUBLIC,
  'POST /xd/protocol/physicalIp': PUBLIC,
  'POST /xd/protocol/accounts': PUBLIC,
  'POST /xd/protocol/waha': PUBLIC,
  'POST /xd/protocol/evolution': PUBLIC,
  // Evolution's "webhook by events" posts each event to its own sub-path.
  'POST /xd/protocol/evolution/:eventPath': PUBLIC,
  'POST /xd/protocol/relogin': 'client:account:relogin',

  // Administration.
  'GET /xd/admin/branches': 'admin:branch:query',
  'GET /xd/admin/branches/:id': 'admin:branch:query',
  'POST /xd/admin/branches': 'admin:branch:add',
  'PUT /xd/admin/branches/:id': 'admin:branch:edit',
  'DELETE /xd/admin/branches/:id': 'admin:branch:remove',
  'GET /xd/admin/users': 'admin:user:query',
  'GET /xd/admin/users/:id': 'admin:user:query',
  'POST /xd/admin/users': 'admin:user:add',
  'PUT /xd/admin/users/:id': 'admin:user:edit',
  'PUT /xd/admin/users/:id/password': 'admin:user:resetPwd',
  'GET /xd/admin/accounts': 'admin:account:query',
  'GET /xd/admin/accounts/:id': 'admin:account:query',
  'POST /xd/admin/accounts': 'admin:account:add',
  'POST /xd/admin/accounts/import': 'admin:account:import',
  'PUT /xd/admin/accounts/:id': 'admin:account:edit',
  'DELETE /xd/admin/accounts/:id': 'admin:account:remove',
  'POST /xd/admin/accounts/:id/proxy/auto': 'admin:proxy:assign',
  'GET /xd/admin/audit': 'admin:audit:query',
  'GET /xd/admin/menus': 'admin:menu:query',
  'POST /xd/admin/menus': 'admin:menu:add',
  'PUT /xd/admin/menus/:id': 'admin:menu:edit',
  'DELETE /xd/admin/menus/:id': 'admin:menu:remove',
  'GET /xd/admin/roles': 'admin:role:query',
  'PUT /xd/admin/roles/:id/menus': 'admin:role:edit',
  'GET /xd/admin/proxies': 'admin:proxy:query',
  'GET /xd/admin/proxies/:id': 'admin:proxy:query',
  'POST /xd/admin/proxies': 'admin:proxy:add',
  'POST /xd/admin/proxies/import': 'admin:proxy:add',
  'PUT /xd/admin/proxies/:id': 'admin:proxy:edit',
  'DELETE /xd/admin/proxies/:id': 'admin:proxy:remove',
  'POST /xd/admin/proxies/:id/check': 'admin:proxy:check',
  'POST /xd/admin/proxies/fetch': 'admin:proxy:fetch',
};

/** Client → server socket events. Leaving a watched room only ever reduces what one sees. */
export const SOCKET_EVENTS: Record<string, RouteRule> = {
  'message:send': 'client:message:send',
  'message:read': 'client:message:edit',
  watch: 'monitor:seat:watch',
  unwatch: SELF,
};

/** The table's key for a route: HEAD is GET's twin, and `:anyName` becomes `:id`. */
export function routeKey(method: string, url: string): string {
  const verb = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  const path = url.length > 1 ? url.replace(/\/+$/, '') : url;
  return `${verb} ${path.replace(/:[A-Za-z0-9_]+/g, ':id')}`;
}

const TABLE = new Map(Object.entries(ROUTES).map(([key, rule]) => [routeKey(...(key.split(' ') as [string, string])), rule]));

/**
 * What a route needs; `undefined` for a route nobody listed. Everything outside /xd that only
 * reads (health, docs, the console's static files) is public; the API itself lives under /xd.
 */
export function ruleForRoute(method: string, url: string): RouteRule | undefined {
  const listed = TABLE.get(routeKey(method, url));
  if (listed !== undefined) return listed;
  const verb = method.toUpperCase();
  if (!url.startsWith('/xd/') && url !== '/xd' && (verb === 'GET' || verb === 'HEAD')) return PUBLIC;
  return undefined;
}

/** Every permission string the table names, for the seed's completeness check and the docs. */
export function allPermissions(): string[] {
  const named = [...Object.values(ROUTES), ...Object.values(SOCKET_EVENTS)].filter((rule) => rule !== SELF && rule !== PUBLIC);
  return [...new Set(named)].sort();
}

/** `*:*:*` is master's wildcard, as in RuoYi. */
export const ALL_PERMISSIONS = '*:*:*';
