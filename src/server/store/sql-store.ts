/**
 * The PaymentStore in SQL, over the tiny SqlClient interface: the same statements on PGlite and on
 * PostgreSQL. Invariants are the migration's constraints; transitions are single conditional UPDATEs
 * built from state.ts's table.
 */
import { readdir, readFile } from 'node:fs/promises';
import { LEDGER_TRANSITIONS, OPEN_STATUSES, PAY_TRANSITIONS, TRANSITIONS, type PayTransition, type Status } from '../state.js';
import { createEventStore, insertEvents } from './events-sql.js';
import { createCancelStore } from './cancels.js';
import { createStaffStore } from './staff-sql.js';
import type { SqlClient, SqlQuery } from './sql.js';
import { REFUSAL_SAMPLES, type Attempt, type AttemptPatch, type EventsOf, type NewAttempt, type PaidDetails, type PaymentStore, type PayResult, type ProviderName, type RefundDue, type Refusal, type Consent } from './types.js';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
const MIGRATION_LOCK = 'kpg-checkout:migrate';

const TERMINAL: readonly Status[] = ['paid', 'failed', 'cancelled', 'refunded'];

/** The columns a transition may set (AttemptPatch), so no caller can write anything else. */
const PATCHABLE = new Set<keyof AttemptPatch>([
  'window_closed_at',
  'reported_status',
  'reported_code',
  'reported_at',
  'claimed_tid',
  'code',
  'pg_message',
  'reason',
  'superseded_by',
  'pay_method',
  'bank_code',
  'bank_name',
  'vbank_account_no',
  'vbank_holder',
  'vbank_due_date',
  'escrow',
]);

type Row = Record<string, unknown>;

const iso = (value: unknown): string | null =>
  value === null || value === undefined ? null : value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();

export function toAttempt(row: Row): Attempt {
  return {
    ...(row as unknown as Attempt),
    amount: Number(row.amount),
    device_type: Number(row.device_type) as 1 | 2,
    created_at: iso(row.created_at) as string,
    updated_at: iso(row.updated_at) as string,
    processing_since: iso(row.processing_since),
    finished_at: iso(row.finished_at),
    window_closed_at: iso(row.window_closed_at),
    reported_at: iso(row.reported_at),
    checked_at: iso(row.checked_at),
    consent: consentOf(row.consent),
    escrow: row.escrow === 'Y' || row.escrow === 'N' ? row.escrow : null,
  };
}

/** The consent column (migration 007) as the engine returns jsonb: parsed (pg, PGlite) or text. */
function consentOf(value: unknown): Consent | null {
  return (typeof value === 'string' ? JSON.parse(value) : (value ?? null)) as Consent | null;
}

function toRefund(row: Row): RefundDue {
  return {
    provider: row.provider as ProviderName,
    tid: String(row.tid),
    merchant_id: String(row.merchant_id),
    order_no: String(row.order_no),
    order_id: String(row.order_id),
    amount: Number(row.amount),
    reason: String(row.reason ?? ''),
    recorded_at: iso(row.recorded_at) as string,
    resolved_at: iso(row.resolved_at),
    resolution: row.resolution as string | null,
  };
}

export function createSqlStore(sql: SqlClient): PaymentStore {
  const held = new Set<string>();
  async function migrate(): Promise<void> {
    const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d+_.*\.sql$/.test(f)).sort();
    await sql.session(async (connection) => {
      // Two instances starting at once: the second waits here, then finds everything applied.
      await connection.query('SELECT pg_advisory_lock(hashtext($1))', [MIGRATION_LOCK]);
      try {
        await connection.exec(
          'CREATE TABLE IF NOT EXISTS kpg_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
        );
        for (const name of files) {
          const done = await connection.query('SELECT 1 FROM kpg_migrations WHERE name = $1', [name]);
          if (done.rows.length) continue;
          const text = await readFile(new URL(name, MIGRATIONS_DIR), 'utf8');
          await inTransaction(connection, async (tx) => {
            await tx.exec(text);
            await tx.query('INSERT INTO kpg_migrations (name) VALUES ($1)', [name]);
          });
        }
      } finally {
        await connection.query('SELECT pg_advisory_unlock(hashtext($1))', [MIGRATION_LOCK]);
      }
    });
  }

  /** BEGIN/COMMIT on a connection we already hold (migrations run on the lock's connection). */
  async function inTransaction(connection: SqlQuery, fn: (tx: SqlQuery) => Promise<void>): Promise<void> {
    // PGlite is one session: its own transaction() keeps anything else from running inside ours.
    if (sql.engine === 'pglite') return sql.transaction(fn);
    await connection.exec('BEGIN');
    try {
      await fn(connection);
      await connection.exec('COMMIT');
    } catch (error) {
      await connection.exec('ROLLBACK').catch(() => {});
      throw error;
    }
  }

  async function one(text: string, params: readonly unknown[], db: SqlQuery = sql): Promise<Attempt | undefined> {
    const { rows } = await db.query<Row>(text, params);
    return rows[0] ? toAttempt(rows[0]) : undefined;
  }

  /** The events `events` makes of the row that moved, written in the transaction `tx` (the outbox). */
  async function tell(tx: SqlQuery, events: EventsOf | undefined, row: Attempt, now: string): Promise<void> {
    const made = events?.(row) ?? [];
    if (made.length) await insertEvents(sql.engine, tx, made, now);
  }

  const store: PaymentStore = {
    // Issue 22: the cancellations ledger (store/cancels.ts).
    ...createCancelStore(sql, toAttempt),
    engine: sql.engine,
    migrate,
    close: () => sql.close(),
    ...createEventStore(sql),
    // Issue 23: the staff console's search, story rows and audit (store/staff-sql.ts).
    ...createStaffStore(sql, toAttempt),

    getAttempt: (orderNo) => one('SELECT * FROM kpg_attempts WHERE order_no = $1', [orderNo]),

    findByTid: (provider, tid) => one('SELECT * FROM kpg_attempts WHERE provider = $1 AND tid = $2', [provider, tid]),

    latestAttempt: (orderId) =>
      one(`SELECT * FROM kpg_attempts WHERE order_id = $1 ORDER BY (status IN ('paid', 'refunded')) DESC, created_at DESC, order_no DESC LIMIT 1`, [orderId]),

    async orderState(orderId) {
      const { rows } = await sql.query<Row>(
        `SELECT * FROM kpg_attempts WHERE order_id = $1 AND (status IN ('paid', 'refunded') OR status = ANY($2::text[]))`,
        [orderId, OPEN_STATUSES],
      );
      const attempts = rows.map(toAttempt);
      // A refunded payment still closes its order (issue 22): `paid` is the attempt that took the money.
      const took = (a: Attempt) => a.status === 'paid' || a.status === 'refunded';
      return { paid: attempts.find(took), open: attempts.find((a) => !took(a)) };
    },

    insertAttempt(a: NewAttempt, now: string) {
      // A session's one statement (issue 26): ON CONFLICT DO NOTHING, no row, when the order has an attempt open
      // or that took its money (kpg_attempts_one_per_order, migration 009: one index, so no race between a
      // session and a payment committing); only then does the caller read orderState to learn which.
      return one(
        `INSERT INTO kpg_attempts (order_no, order_id, provider, merchant_id, status, amount, product_name, user_id,
           device_type, pgcode, pay_method, return_to, app_scheme, nonce, created_at, updated_at, buyer_name, buyer_phone, consent)
         VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, $16, $17::jsonb)
         ON CONFLICT DO NOTHING RETURNING *`,
        [a.order_no, a.order_id, a.provider, a.merchant_id, a.amount, a.product_name, a.user_id, a.device_type,
          a.pgcode, a.pay_method, a.return_to, a.app_scheme, a.nonce, now, a.buyer_name ?? null, a.buyer_phone ?? null,
          a.consent ? JSON.stringify(a.consent) : null],
      );
    },

    async transition(orderNo, name, patch, now, events) {
      if ((PAY_TRANSITIONS as readonly string[]).includes(name)) throw new Error(`kpg store: ${name} records money: use pay()`);
      if ((LEDGER_TRANSITIONS as readonly string[]).includes(name)) throw new Error(`kpg store: ${name} records money: use the cancels ledger (settleCancel)`);
      const { from, to } = TRANSITIONS[name];
      const sets = ['status = $2', 'updated_at = $3'];
      const params: unknown[] = [orderNo, to, now, [...from]];
      const set = (column: string, value: unknown) => {
        params.push(value);
        sets.push(`${column} = $${params.length}`);
      };
      for (const [key, value] of Object.entries(patch)) {
        if (!PATCHABLE.has(key as keyof AttemptPatch)) throw new Error(`kpg store: ${key} cannot be set by a transition`);
        set(key, value ?? null);
      }
      // The store's own clock for the claim: no caller sets processing_since (reconcile reads it as the claim's age).
      if (to === 'processing') set('processing_since', now);
      if (TERMINAL.includes(to)) set('finished_at', now);
      if (to !== 'pending') {
        // A browser's report only ever describes a pending attempt.
        if (!('reported_status' in patch)) set('reported_status', null);
      }
      if (name === 'refute') set('processing_since', null);
      const update = `UPDATE kpg_attempts SET ${sets.join(', ')} WHERE order_no = $1 AND status = ANY($4::text[]) RETURNING *`;
      // A transition the shop hears about is one transaction with its event; the others one statement.
      if (!events) return one(update, params);
      return sql.transaction(async (tx) => {
        const moved = await one(update, params, tx);
        if (moved) await tell(tx, events, moved, now);
        return moved;
      });
    },

    async pay(orderNo, details: PaidDetails, now, transition: PayTransition = 'pay', events) {
      const from = TRANSITIONS[transition].from as readonly Status[];
      // The attempt is open (processing, unknown, awaiting_deposit), so no other attempt of its order is open or
      // paid (kpg_attempts_one_per_order): moving it to paid conflicts with nothing.
      return sql.transaction<PayResult>(async (tx) => {
        const attempt = await one('SELECT * FROM kpg_attempts WHERE order_no = $1 FOR UPDATE', [orderNo], tx);
        if (!attempt) return { ok: false, reason: 'not-in-state' };
        if (attempt.status === 'paid') {
          return attempt.tid === details.tid ? { ok: true, attempt, already: true } : { ok: false, reason: 'not-in-state', attempt };
        }
        if (!from.includes(attempt.status)) return { ok: false, reason: 'not-in-state', attempt };
        const recorded = await tx.query(
          `INSERT INTO kpg_transactions (provider, tid, merchant_id, order_no, order_id, amount, disposition, recorded_at, discount)
           VALUES ($1, $2, $3, $4, $5, $6, 'paid', $7, $8) ON CONFLICT DO NOTHING RETURNING tid`,
          [attempt.provider, details.tid, attempt.merchant_id, attempt.order_no, attempt.order_id, attempt.amount, now, details.discount_amount ?? 0],
        );
        if (!recorded.rows.length) return { ok: false, reason: 'tid-taken', attempt };
        const paid = await one(
          `UPDATE kpg_attempts SET status = 'paid', updated_at = $3, finished_at = $3, tid = $4, approved_at = $5,
             card_cpny_cd = $6, card_name = $7, card_no = $8, install_month = $9, card_aprv_no = $10,
             bank_code = COALESCE($11, bank_code), bank_name = COALESCE($12, bank_name), claimed_tid = NULL, reported_status = NULL, reported_code = NULL, reported_at = NULL,
             code = NULL, pg_message = NULL, reason = NULL
           WHERE order_no = $1 AND status = ANY($2::text[]) RETURNING *`,
          [orderNo, [...from], now, details.tid, details.approved_at ?? null, details.card_cpny_cd ?? null,
            details.card_name ?? null, details.card_no ?? null, details.install_month ?? null, details.card_aprv_no ?? null,
            details.bank_code ?? null, details.bank_name ?? null],
          tx,
        );
        if (!paid) throw new Error('kpg store: the attempt moved inside its own lock');
        await tell(tx, events, paid, now);
        return { ok: true, attempt: paid, already: false };
      });
    },

    async recordRefundDue(refund, now, events) {
      const record = async (tx: SqlQuery) => {
        const { rows } = await tx.query(
          `INSERT INTO kpg_transactions (provider, tid, merchant_id, order_no, order_id, amount, disposition, reason, recorded_at)
           VALUES ($1, $2, $3, $4, $5, $6, 'refund_due', $7, $8) ON CONFLICT DO NOTHING RETURNING tid`,
          [refund.provider, refund.tid, refund.merchant_id, refund.order_no, refund.order_id, refund.amount, refund.reason, now],
        );
        return rows.length > 0;
      };
      if (!events) return record(sql);
      return sql.transaction(async (tx) => {
        if (!(await record(tx))) return false;
        const attempt = await one('SELECT * FROM kpg_attempts WHERE order_no = $1', [refund.order_no], tx);
        if (attempt) await tell(tx, events, attempt, now);
        return true;
      });
    },

    async refundsDue(options = {}) {
      const { rows } = await sql.query<Row>(
        `SELECT * FROM kpg_transactions WHERE disposition = 'refund_due' ${options.includeResolved ? '' : 'AND resolved_at IS NULL'}
         ORDER BY recorded_at`,
      );
      return rows.map(toRefund);
    },

    async resolveRefund(provider, tid, resolution, now) {
      const { rows } = await sql.query(
        `UPDATE kpg_transactions SET resolved_at = $3, resolution = $4
         WHERE provider = $1 AND tid = $2 AND disposition = 'refund_due' AND resolved_at IS NULL RETURNING tid`,
        [provider, tid, now, resolution],
      );
      return rows.length > 0;
    },

    async recordRefusal(r: Refusal) {
      const source = r.source ?? 'unknown';
      const { rows } = await sql.query<{ count: unknown }>(
        `INSERT INTO kpg_refusal_counts (bucket, route, code, source, count) VALUES (date_trunc('hour', $1::timestamptz), $2, $3, $4, 1)
         ON CONFLICT (bucket, route, code, source) DO UPDATE SET count = kpg_refusal_counts.count + 1 RETURNING count`,
        [r.at, r.route, r.code, source],
      );
      const count = Number(rows[0]?.count ?? 1);
      const kept = count <= REFUSAL_SAMPLES;
      if (kept) {
        await sql.query('INSERT INTO kpg_refusals (at, route, order_no, order_id, code, message, source) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
          r.at, r.route, r.order_no, r.order_id, r.code, r.message, source,
        ]);
      }
      return { kept, count };
    },

    async refusalCounts(options = {}) {
      const params: unknown[] = [options.limit ?? 1000];
      let where = '';
      if (options.since) {
        params.push(options.since);
        where = `WHERE bucket >= date_trunc('hour', $2::timestamptz)`;
      }
      const { rows } = await sql.query<Row>(`SELECT * FROM kpg_refusal_counts ${where} ORDER BY bucket DESC, count DESC, route, code, source LIMIT $1`, params);
      return rows.map((r) => ({ bucket: iso(r.bucket) as string, route: String(r.route), code: String(r.code), source: String(r.source), count: Number(r.count) }));
    },

    async refusals(options = {}) {
      const params: unknown[] = [options.limit ?? 1000];
      let where = '';
      if (options.orderNo !== undefined) {
        params.push(options.orderNo);
        where = 'WHERE order_no = $2';
      }
      const { rows } = await sql.query<Row>(`SELECT * FROM kpg_refusals ${where} ORDER BY id LIMIT $1`, params);
      return rows.map((r) => ({
        at: iso(r.at) as string,
        route: String(r.route),
        order_no: r.order_no as string | null,
        order_id: r.order_id as string | null,
        code: String(r.code),
        message: String(r.message),
        source: r.source as string | null,
      }));
    },

    async attemptsIn(statuses, options) {
      const { rows } = await sql.query<Row>('SELECT * FROM kpg_attempts WHERE status = ANY($1::text[]) ORDER BY created_at LIMIT $2', [[...statuses], options.limit]);
      return rows.map(toAttempt);
    },

    async attemptsToCheck(statuses, options) {
      const params: unknown[] = [[...statuses], options.limit, options.checkedBefore, [...(options.except ?? [])]];
      let where = 'status = ANY($1::text[]) AND (checked_at IS NULL OR checked_at <= $3) AND NOT (order_no = ANY($4::text[]))';
      if (options.createdBefore) {
        params.push(options.createdBefore);
        where += ` AND created_at < $${params.length}`;
      }
      const { rows } = await sql.query<Row>(`SELECT * FROM kpg_attempts WHERE ${where} ORDER BY checked_at NULLS FIRST, created_at LIMIT $2`, params);
      return rows.map(toAttempt);
    },

    async markChecked(orderNos, now) {
      if (!orderNos.length) return;
      await sql.query('UPDATE kpg_attempts SET checked_at = $2 WHERE order_no = ANY($1::text[])', [[...orderNos], now]);
    },

    async prune(before) {
      await sql.query('DELETE FROM kpg_refusal_counts WHERE bucket < $1', [before]);
      const refusals = await sql.query('DELETE FROM kpg_refusals WHERE at < $1', [before]);
      const attempts = await sql.query(
        `DELETE FROM kpg_attempts a WHERE a.status IN ('failed', 'cancelled') AND a.finished_at < $1
           AND NOT EXISTS (SELECT 1 FROM kpg_transactions t WHERE t.order_no = a.order_no)`,
        [before],
      );
      // Events once every delivery of theirs is over (delivered or dead); a pending one is kept whatever its age.
      const events = await sql.query(
        `DELETE FROM kpg_events ev WHERE ev.created_at < $1
           AND NOT EXISTS (SELECT 1 FROM kpg_deliveries d WHERE d.event_id = ev.id AND d.status = 'pending')`,
        [before],
      );
      return { refusals: refusals.rowCount, attempts: attempts.rowCount, events: events.rowCount };
    },

    async exclusive(name, fn) {
      // Advisory locks are per session and re-entrant: within this instance (and PGlite's one session) a
      // set of held names, across instances the lock.
      if (held.has(name)) return undefined;
      held.add(name);
      try {
        return await lockedRun(name, fn);
      } finally {
        held.delete(name);
      }
    },
  };
  async function lockedRun<T>(name: string, fn: () => Promise<T>): Promise<T | undefined> {
      return sql.session(async (connection) => {
        const { rows } = await connection.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [name]);
        if (!rows[0]?.ok) return undefined;
        try {
          return await fn();
        } finally {
          await connection.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
        }
      });
  }
  return store;
}

