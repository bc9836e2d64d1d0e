/**
 * The tiny query interface the store is written against, so one SQL implementation runs on both engines
 * (store/pglite.ts, store/postgres.ts).
 */

export interface SqlResult<R> {
  rows: R[];
  rowCount: number;
}

export interface SqlQuery {
  /** One statement with `$1`-style parameters. */
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<SqlResult<R>>;
  /** Several statements without parameters (migrations). */
  exec(text: string): Promise<void>;
}

export interface SqlClient extends SqlQuery {
  readonly engine: 'pglite' | 'postgres';
  /** BEGIN ... COMMIT around `fn` on one connection (ROLLBACK when it throws). */
  transaction<T>(fn: (tx: SqlQuery) => Promise<T>): Promise<T>;
  /** `fn` on one connection throughout (session-level advisory locks). */
  session<T>(fn: (connection: SqlQuery) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A thrown value's SQLSTATE (`code`), or undefined: anything may be thrown, null and strings too. */
const sqlState = (error: unknown): unknown => (typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined);

/** PostgreSQL's SQLSTATE of a unique violation. Both engines report it as `error.code`. */
export function isUniqueViolation(error: unknown): error is { code: string; constraint?: string } {
  return sqlState(error) === '23505';
}

/** SQLSTATE 23514 (check_violation), with the constraint's name where the engine gives it. */
export function isCheckViolation(error: unknown): error is { code: string; constraint?: string } {
  return sqlState(error) === '23514';
}
