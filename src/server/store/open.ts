/**
 * Opens the PaymentStore on the engine the options name: PostgreSQL through `pg` for `{ url }`, PGlite for
 * `{ dataDir }` (file-backed) or `{ memory: true }`. Without options: DATABASE_URL when it is set, else PGlite
 * in `.data/kpg-checkout` (relative to the working directory).
 */
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';
import { createSqlStore } from './sql-store.js';
import type { PaymentStore } from './types.js';

export type DatabaseOptions =
  | { url: string; /** connections in this instance's pool (default 10) */ max?: number }
  | { dataDir: string }
  | { memory: true };

export const DEFAULT_DATA_DIR = '.data/kpg-checkout';

export async function openStore(options?: DatabaseOptions): Promise<PaymentStore> {
  if (options !== undefined) checkDatabaseOptions(options);
  const chosen: DatabaseOptions = options ?? (process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : { dataDir: DEFAULT_DATA_DIR });
  if ('url' in chosen) return createSqlStore(await openPostgres({ connectionString: chosen.url, max: chosen.max }));
  return createSqlStore(await openPglite('memory' in chosen ? undefined : chosen.dataDir));
}

/**
 * Database options name one engine. Anything else is refused: a misspelt key (`dataDIR`), an empty URL or
 * folder, `{ memory: false }` would otherwise open an in-memory PGlite, and every payment would be gone at the
 * next restart. The error names the keys or the type it got, never the values (a connection string carries a
 * password). `orStore`: what else the caller takes (createEngine: a PaymentStore of the shop's own).
 */
export function checkDatabaseOptions(value: unknown, orStore = ''): asserts value is DatabaseOptions {
  const d = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const text = (v: unknown) => typeof v === 'string' && v.trim() !== '';
  if ('url' in d ? text(d.url) : 'dataDir' in d ? text(d.dataDir) : d.memory === true) return;
  const got = value === null ? 'null' : typeof value === 'object' ? `an object with ${Object.keys(value).join(', ') || 'no keys'}` : `a ${typeof value}`;
  throw new Error(`kpg server: database must be { url } (PostgreSQL), { dataDir } or { memory: true } (PGlite)${orStore} (got ${got})`);
}
