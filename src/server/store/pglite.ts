/**
 * PGlite engine: PostgreSQL compiled to WASM, in this process, file-backed (`dataDir`) or in memory.
 * The embedded default, so `npm install && npm start` needs nothing else. One PGlite serves one process:
 * a shop with several server instances uses PostgreSQL (store/postgres.ts).
 */
import type { SqlClient, SqlQuery } from './sql.js';

interface PGliteLike {
  query<R>(text: string, params?: unknown[]): Promise<{ rows: R[]; affectedRows?: number }>;
  exec(text: string): Promise<unknown>;
  transaction<T>(fn: (tx: PGliteLike) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

function wrap(db: PGliteLike): SqlQuery {
  return {
    async query<R>(text: string, params: readonly unknown[] = []) {
      const result = await db.query<R>(text, [...params]);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
    async exec(text: string) {
      await db.exec(text);
    },
  };
}

/**
 * Opens (creating when needed) a PGlite database in `dataDir`, or in memory when it is undefined.
 *
 * The files are this process's user's alone (issue 19, item 4): the directory 0700, every file 0600, every
 * folder 0700. The WAL holds nonces and card details, and pg_control steers recovery, so no other local
 * user may read or write them. PGlite's file system (Emscripten's NODEFS) creates files 0666 and folders
 * 0777 whatever PostgreSQL asks for; the mode of everything it creates or changes is masked to the owner
 * here, and what an older version left behind is tightened at open.
 */
export async function openPglite(dataDir: string | undefined): Promise<SqlClient> {
  const { PGlite } = await import('@electric-sql/pglite');
  let db: PGliteLike;
  if (dataDir) {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    await tighten(dataDir);
    db = (await PGlite.create({ fs: await ownerOnlyFs(dataDir) } as Parameters<typeof PGlite.create>[0] & object)) as unknown as PGliteLike;
  } else db = (await PGlite.create()) as unknown as PGliteLike;
  const base = wrap(db);
  return {
    engine: 'pglite',
    ...base,
    // PGlite is one PostgreSQL session: its transaction() holds a mutex, so nothing interleaves with it.
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    session: (fn) => fn(base),
    close: () => db.close(),
  };
}

/** Owner-only mode bits: what PGlite asks for, less every group and other bit. */
const OWNER_ONLY = ~0o077;

interface NodeFsNodeOps {
  mknod(parent: unknown, name: string, mode: number, dev: unknown): unknown;
  setattr(node: unknown, attr: { mode?: number }): unknown;
}

/** PGlite's NodeFS whose files are created (and chmod-ed) owner-only. */
async function ownerOnlyFs(dataDir: string) {
  const { NodeFS } = await import('@electric-sql/pglite/nodefs');
  class OwnerOnlyFS extends NodeFS {
    override async init(pg: Parameters<InstanceType<typeof NodeFS>['init']>[0], options: Parameters<InstanceType<typeof NodeFS>['init']>[1]) {
      const result = await super.init(pg, options);
      const preRun = [...(result.emscriptenOpts.preRun ?? [])];
      preRun.push((module) => {
        const ops = (module as unknown as { NODEFS: { node_ops: NodeFsNodeOps } }).NODEFS.node_ops;
        const { mknod, setattr } = ops;
        ops.mknod = function (parent, name, mode, dev) {
          return mknod.call(this, parent, name, mode & OWNER_ONLY, dev);
        };
        ops.setattr = function (node, attr) {
          return setattr.call(this, node, attr.mode === undefined || attr.mode === null ? attr : { ...attr, mode: attr.mode & OWNER_ONLY });
        };
      });
      return { ...result, emscriptenOpts: { ...result.emscriptenOpts, preRun } };
    }
  }
  return new OwnerOnlyFS(dataDir);
}

/** The data directory and everything in it: folders 0700, files 0600 (what an older version created). */
async function tighten(dir: string): Promise<void> {
  const { chmod, readdir } = await import('node:fs/promises');
  const { join } = await import('node:path');
  await chmod(dir, 0o700);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await tighten(path);
    else if (entry.isFile()) await chmod(path, 0o600);
  }
}
