// A private PostgreSQL cluster for one test file: initdb into a temp dir, pg_ctl on a free port
// (socket in the same dir), trust auth, one database. The machine's own PostgreSQL, if any, is
// never touched, so tests neither depend on it nor disturb it.
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { findPostgresBin } from '../../src/db/pg/binaries.js';
import { freePort } from './redis.js';

const run = promisify(execFile);

export interface PrivatePostgres {
  port: number;
  /** postgres://…@127.0.0.1:port/database */
  url: string;
  database: string;
  /** Another empty database on the same cluster, for a test that needs a fresh target. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

export { findPostgresBin } from '../../src/db/pg/binaries.js';

interface RunAs {
  /** Prefix that runs a command as the cluster's owner (empty when we are not root). */
  prefix: string[];
  uid: number;
  gid: number;
}

const DEDICATED_USER = 'hubtestpg';

function lookupUser(name: string): { uid: number; gid: number } | undefined {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** initdb refuses to run as root: as root, run the cluster as `postgres` (Debian's package
 * creates it) or else as a dedicated system user created once. */
function runAs(): RunAs {
  const uid = process.getuid?.() ?? -1;
  if (uid !== 0) return { prefix: [], uid, gid: process.getgid?.() ?? -1 };
  let name = 'postgres';
  let user = lookupUser(name);
  if (!user) {
    name = DEDICATED_USER;
    user = lookupUser(name);
    if (!user) {
      // Another test file may be creating it at the same moment: its user serves us too.
      try {
        execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name], { stdio: 'ignore' });
      } catch (error) {
        if (!lookupUser(name)) throw error;
      }
      user = lookupUser(name)!;
    }
  }
  const prefix = existsSync('/usr/sbin/runuser') || existsSync('/sbin/runuser') ? ['runuser', '-u', name, '--'] : ['su', name, '-s', '/bin/sh', '-c'];
  return { prefix, ...user };
}

async function runCommand(as: RunAs, command: string, args: string[]): Promise<void> {
  const [wrapper, ...wrapperArgs] = as.prefix;
  if (wrapper === undefined) await run(command, args);
  else if (wrapper === 'su') {
    const quoted = [command, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    await run(wrapper, [...wrapperArgs, quoted]);
  } else await run(wrapper, [...wrapperArgs, command, ...args]);
}

function traversableByAll(path: string): boolean {
  for (let p = resolve(path); ; p = dirname(p)) {
    if ((statSync(p).mode & 0o001) === 0) return false;
    if (p === dirname(p)) return true;
  }
}

export async function startPostgres(database = 'hub'): Promise<PrivatePostgres> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL binaries (initdb, pg_ctl) not found: install the Debian package `postgresql`');
  const as = runAs();
  // The cluster's owner must reach its dir: a private TMPDIR (root's, say) would lock it out.
  const dir = mkdtempSync(join(as.prefix.length > 0 && !traversableByAll(tmpdir()) ? '/tmp' : tmpdir(), 'hub-pg-'));
  const data = join(dir, 'data');
  // The cluster's owner needs the dir (mkdtemp makes it 0700 for us).
  if (as.prefix.length > 0) chownSync(dir, as.uid, as.gid);
  chmodSync(dir, 0o700);
  const pgCtl = join(bin, 'pg_ctl');
  let port = 0;
  let started = false;
  const stopCluster = async () => {
    if (started) {
      started = false;
      await runCommand(as, pgCtl, ['stop', '-D', data, '-m', 'immediate', '-w']).catch(() => undefined);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await runCommand(as, join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    // A free port may be taken between the probe and the bind: try a few.
    for (let attempt = 1; !started; attempt++) {
      port = await freePort();
      // fsync off and small buffers: a test cluster trades durability for speed.
      const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -F -c shared_buffers=16MB -c max_connections=40`;
      try {
        await runCommand(as, pgCtl, ['start', '-D', data, '-w', '-t', '30', '-l', join(dir, 'log'), '-o', options]);
        started = true;
      } catch (error) {
        if (attempt >= 3) {
          const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8') : '';
          throw new Error(`pg_ctl start failed: ${String(error)}\n${log}`);
        }
      }
    }
    const urlOf = (name: string) => `postgres://postgres@127.0.0.1:${port}/${name}`;
    const createDatabase = async (name: string) => {
      const client = new pg.Client({ connectionString: urlOf('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      } finally {
        await client.end();
      }
      return urlOf(name);
    };
    const url = await createDatabase(database);
    return { port, url, database, createDatabase, stop: stopCluster };
  } catch (error) {
    await stopCluster();
    throw error;
  }
}
