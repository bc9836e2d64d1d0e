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
  const chosen: DatabaseOptions = options ?? (process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : { dataDir: DEFAULT_DATA_DIR });
  if ('url' in chosen) return createSqlStore(await openPostgres({ connectionString: chosen.url, max: chosen.max }));
  return createSqlStore(await openPglite('memory' in chosen ? undefined : chosen.dataDir));
}
