// The dashboard's ceiling: the hub itself, built from the same code as the hub under test, with
// one more route that reads a single counter row. That route pays everything every hub route
// pays (logger, request id, metrics, token lookup, permission check, body schema, envelope), so
// the dashboard's ratio shows what computing the summary costs on top of serving a request at
// all. The bare-stack figure (bare-server.ts) is measured beside it for reference.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// `HUB_ROOT`: dist/ when the bench measures the built hub, src/ (through tsx) in the smoke run.
const root = pathToFileURL(join(process.cwd(), process.env.HUB_ROOT ?? 'src')).href;
const load = <T>(path: string): Promise<T> => import(`${root}/${path}`) as Promise<T>;

type AppModule = typeof import('../../src/app.js');
type ConfigModule = typeof import('../../src/config.js');
type GuardModule = typeof import('../../src/auth/auth.guard.js');
type AuthModule = typeof import('../../src/auth/auth.repository.js');
type TimeModule = typeof import('../../src/time.js');
type ErrorsModule = typeof import('../../src/http/errors.js');
type SchemasModule = typeof import('../../src/dashboard/dashboard.schemas.js');

const [{ buildApp }, { loadConfig }, { createGuard, ALL_ROLES }, { createAuthRepository }, { systemClock }, { ok }, { SummaryInput }] = await Promise.all([
  load<AppModule>('app.js'),
  load<ConfigModule>('config.js'),
  load<GuardModule>('auth/auth.guard.js'),
  load<AuthModule>('auth/auth.repository.js'),
  load<TimeModule>('time.js'),
  load<ErrorsModule>('http/errors.js'),
  load<SchemasModule>('dashboard/dashboard.schemas.js'),
]);

const hub = await buildApp(loadConfig());
const guard = createGuard(createAuthRepository(hub.store), systemClock);
const row = hub.database.sqlite.prepare('SELECT inbound, outbound FROM dashboard_hours WHERE day = ? LIMIT 1');

hub.app.post('/xd/dashboard/one-row', { onRequest: guard(...ALL_ROLES), schema: { body: SummaryInput } }, async (request) => {
  const date = (request.body as { date: string }).date;
  const r = (row.get(date) as { inbound: number; outbound: number } | undefined) ?? { inbound: 0, outbound: 0 };
  return ok({ date, inbound: r.inbound, outbound: r.outbound });
});

await hub.app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
const stop = () => void hub.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
