// A throwaway PostgreSQL server for the tests: Debian's `postgresql` binaries (installed with apt-get when
// they are missing and this runs as root, as scripts/chrome.mjs does for Chromium), initdb + pg_ctl in a
// temporary directory, on a free port on 127.0.0.1 with the socket in that directory, stopped and removed
// at the end, also on failure and Ctrl-C. Without it the PostgreSQL tests are skipped, never passed.
//
//   const pg = startPostgres();   // { url, env, stop() } or { skip: 'why', env: { KPG_TEST_DATABASE_SKIP } }
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = typeof process.getuid === 'function' && process.getuid() === 0;

/** The newest /usr/lib/postgresql/<version>/bin that has initdb and pg_ctl. */
function findBin() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'initdb')) && existsSync(join(base, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(base, versions[0], 'bin') : undefined;
}

function install() {
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (!ROOT || !apt) return false;
  console.log("postgres: PostgreSQL not found; installing Debian's postgresql with apt-get (about a minute)...");
  const r = spawnSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null'], { stdio: 'inherit' });
  return r.status === 0;
}

/** A port nothing listens on right now (the OS picks it). */
function freePort() {
  const r = spawnSync(process.execPath, ['-e', "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"], { encoding: 'utf8' });
  const port = Number(r.stdout.trim());
  if (!Number.isInteger(port) || port <= 0) throw new Error('no free port');
  return port;
}

/**
 * Starts the server (synchronously: scripts/test.mjs runs its steps with spawnSync).
 * @returns {{ url: string, env: Record<string, string>, stop(): void } | { skip: string, env: Record<string, string>, stop(): void }}
 */
export function startPostgres() {
  let bin = findBin();
  if (!bin && install()) bin = findBin();
  if (!bin) {
    const skip =
      "PostgreSQL is not installed: the PostgreSQL tests are SKIPPED. Install Debian's postgresql " +
      '(`sudo apt-get install postgresql`, binaries in /usr/lib/postgresql/*/bin) and run npm test again.';
    return { skip, env: { KPG_TEST_DATABASE_SKIP: skip }, stop() {} };
  }
  const dir = mkdtempSync(join(tmpdir(), 'kpg-pg-'));
  const data = join(dir, 'data');
  // initdb refuses to run as root: as root, run it (and the server) as the `postgres` user Debian creates.
  const asUser = ROOT ? ['runuser', '-u', 'postgres', '--'] : [];
  if (ROOT) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const run = (tool, args) => {
    const [cmd, ...rest] = [...asUser, join(bin, tool), ...args];
    return spawnSync(cmd, rest, { encoding: 'utf8' });
  };
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (signal) => {
    stop();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('exit', stop);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const init = run('initdb', ['-D', data, '-A', 'trust', '-U', 'kpg', '-E', 'UTF8', '--locale=C', '--no-sync']);
  if (init.status !== 0) {
    stop();
    throw new Error(`postgres: initdb failed: ${init.stderr || init.stdout}`);
  }
  const port = freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  const started = run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  if (started.status !== 0) {
    stop();
    throw new Error(`postgres: pg_ctl start failed: ${started.stderr || started.stdout}`);
  }
  const url = `postgres://kpg@127.0.0.1:${port}/postgres`;
  console.log(`postgres: PostgreSQL ${bin.split('/').at(-2)} on 127.0.0.1:${port} (${dir})`);
  return { url, env: { KPG_TEST_DATABASE_URL: url }, stop };
}

// `node scripts/postgres.mjs`: start one and print its URL until Ctrl-C (for running single test files).
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const pg = startPostgres();
  if ('skip' in pg) {
    console.error(pg.skip);
    process.exit(1);
  }
  console.log(`KPG_TEST_DATABASE_URL=${pg.url}`);
  setInterval(() => {}, 1 << 30);
}
