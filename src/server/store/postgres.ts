/**
 * PostgreSQL engine through `pg` (node-postgres): for shops that run several server instances against one
 * database. Each instance has its own pool; every invariant holds across them because it is a constraint
 * or a conditional statement in the database.
 */
import type { SqlClient, SqlQuery } from './sql.js';

interface PgQueryable {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

function wrap(client: PgQueryable): SqlQuery {
  return {
    async query<R>(text: string, params: readonly unknown[] = []) {
      const result = await client.query(text, [...params]);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
    },
    async exec(text: string) {
      await client.query(text);
    },
  };
}

export interface PostgresOptions {
  connectionString: string;
  /** Connections in this instance's pool (default 10). */
  max?: number;
}

export async function openPostgres(options: PostgresOptions): Promise<SqlClient> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.max ?? 10 });
  // An idle client's error (the server restarted) must not crash the shop's process.
  pool.on('error', () => {});
  const base = wrap(pool);

  async function session<T>(fn: (connection: SqlQuery) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      return await fn(wrap(client));
    } finally {
      client.release();
    }
  }

  return {
    engine: 'postgres',
    ...base,
    session,
    transaction: (fn) =>
      session(async (connection) => {
        await connection.exec('BEGIN');
        try {
          const result = await fn(connection);
          await connection.exec('COMMIT');
          return result;
        } catch (error) {
          await connection.exec('ROLLBACK').catch(() => {});
          throw error;
        }
      }),
    close: () => pool.end(),
  };
}
