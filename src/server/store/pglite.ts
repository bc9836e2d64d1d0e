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

/** Opens (creating when needed) a PGlite database in `dataDir`, or in memory when it is undefined. */
export async function openPglite(dataDir: string | undefined): Promise<SqlClient> {
  const { PGlite } = await import('@electric-sql/pglite');
  if (dataDir) {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dataDir, { recursive: true });
  }
  const db = (await PGlite.create(dataDir)) as unknown as PGliteLike;
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
