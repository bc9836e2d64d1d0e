/**
 * The cancellations ledger (결제취소, issue 22; migration 005_cancels.sql): every cancel asked of a PG or found at
 * one, per PG transaction (a paid attempt's, or a refund_due entry's). The database holds the rules
 * (the over-refund CHECK kept by a trigger, one cancel in flight per payment, one key per cancel, settled rows
 * final); these statements take the payment's row lock first so that racing writers on one payment see each
 * other, and read what the constraints said when they refuse.
 */
import type { NewEvent } from '../events/types.js';
import type { RefundAccount } from '../providers/types.js';
import { insertEvents } from './events-sql.js';
import { isCheckViolation, isUniqueViolation, type SqlClient, type SqlQuery } from './sql.js';
import type { Attempt, ProviderName } from './types.js';

export type CancelStatus = 'requested' | 'unknown' | 'done' | 'failed';
/** api: kpg.cancel / the staff route / the CLI; pg: a cancel found at the PG (reconcile); due: kpg.cancelDue. */
export type CancelSource = 'api' | 'pg' | 'due';
/** What a PG's records said about a payment's cancels (Shinhan confirm-info's tx_stat). */
export type PgStateBefore = 'approved' | 'partial' | 'cancelled';

export interface CancelRecord {
  id: number;
  provider: ProviderName;
  tid: string;
  order_no: string;
  order_id: string;
  idempotency_key: string;
  /** sha256 of the arguments: the same key with other arguments is refused. */
  fingerprint: string;
  source: CancelSource;
  kind: 'full' | 'partial';
  status: CancelStatus;
  /** What was asked (null: found at the PG). */
  requested_amount: number | null;
  /** In flight: what may be given back (held against the balance); done: what the PG answered. */
  amount: number;
  taxfree_amount: number;
  vat_amount: number | null;
  reason: string;
  refund_account: RefundAccount | null;
  pg_cancel_id: string | null;
  pg_cancelled_at: string | null;
  pg_ref: string | null;
  pg_state_before: PgStateBefore | null;
  code: string | null;
  pg_message: string | null;
  /** unknown, and only staff can tell (they check the PG's admin site, then confirm done or not done). */
  staff_check: boolean;
  requested_by: string | null;
  settled_by: string | null;
  settle_note: string | null;
  requested_at: string;
  settled_at: string | null;
}

/** A PG transaction's money as the ledger sees it. */
export interface PaymentMoney {
  provider: ProviderName;
  tid: string;
  merchant_id: string;
  order_no: string;
  order_id: string;
  /** What the PG took. */
  amount: number;
  /** A card company's promotion (Shinhan discount_amount): the buyer paid amount - discount. */
  discount: number;
  disposition: 'paid' | 'refund_due';
  /** Cancels that count: requested, unknown and done. */
  held: number;
  /** Cancels done: given back. */
  refunded: number;
  /** What can still be given back: amount - discount - held. */
  balance: number;
  resolved_at: string | null;
  /**
   * The PG has nothing left of it, whatever the sums say: its attempt moved to refunded, or (money owed back)
   * its entry was resolved by a cancel. A whole cancel the PG answers with less than the ledger held (a
   * promotion, a cancel made at its admin site) leaves amount - discount - refunded above 0 here.
   */
  closed: boolean;
}

export interface NewCancel {
  provider: ProviderName;
  tid: string;
  idempotency_key: string;
  fingerprint: string;
  source: 'api' | 'due';
  kind: 'full' | 'partial';
  requested_amount: number;
  /** What may be given back while it is in flight (the whole balance where the PG may cancel more than asked). */
  amount: number;
  taxfree_amount: number;
  vat_amount: number | null;
  reason: string;
  refund_account?: RefundAccount | null;
  pg_state_before?: PgStateBefore | null;
  requested_by?: string | null;
}

export type BeginCancel =
  | { ok: true; cancel: CancelRecord; money: PaymentMoney }
  /** The key names a cancel already: the caller compares the fingerprint (same: the same answer; other: refused). */
  | { ok: false; reason: 'key-used'; cancel: CancelRecord }
  /** Another cancel of this payment is requested or unknown: nothing more until it is settled. */
  | { ok: false; reason: 'in-flight'; cancel: CancelRecord }
  | { ok: false; reason: 'exceeds'; money: PaymentMoney }
  | { ok: false; reason: 'no-payment' };

export type CancelSettlement =
  | {
      status: 'done';
      /** What the PG answered (or, for staff, what they saw at the PG). */
      amount: number;
      pg_cancel_id?: string | null;
      pg_cancelled_at?: string | null;
      pg_ref?: string | null;
      /** The PG says nothing is left (a full cancel, tx_stat 2, a promotion's whole-balance cancel). */
      nothing_left?: boolean;
      settled_by?: string | null;
      settle_note?: string | null;
    }
  | { status: 'failed'; code: string; pg_message?: string | null; settled_by?: string | null; settle_note?: string | null }
  | { status: 'unknown'; code?: string | null; pg_message?: string | null; staff_check?: boolean };

export interface SettledCancel {
  cancel: CancelRecord;
  money: PaymentMoney;
  /** Events were written with it (the caller wakes its relay once committed). */
  told?: boolean;
  /** The attempt this cancel moved to `refunded` (its whole amount is given back now). */
  refunded?: Attempt;
  /** A refund_due entry resolved by this cancel. */
  resolvedDue?: boolean;
}

/** A cancel found at the PG (reconcile): recorded `done` at once, with source 'pg'. */
export interface PgCancel {
  provider: ProviderName;
  tid: string;
  /** "pg:{provider}:{tid}:{ref}": recording the same PG cancel twice is a no-op. */
  idempotency_key: string;
  fingerprint: string;
  kind: 'full' | 'partial';
  amount: number;
  reason: string;
  pg_cancel_id: string | null;
  pg_cancelled_at: string | null;
  pg_ref: string;
  nothing_left?: boolean;
}

export type RecordPgCancel =
  | ({ ok: true } & SettledCancel)
  | { ok: false; reason: 'recorded' | 'in-flight' | 'exceeds' | 'no-payment'; money?: PaymentMoney };

/**
 * The events a cancel that became `done` tells (issue 22: payment.refunded), written in the SAME transaction
 * that records it done: `attempt` is the attempt the money came with as it is in that transaction (refunded
 * when nothing is left), `money` the payment after the cancel. A cancel becomes done once (the conditional
 * UPDATE, the ledger's unique keys): so is its event.
 */
export type CancelEventsOf = (done: { cancel: CancelRecord; money: PaymentMoney; attempt: Attempt | undefined }) => readonly NewEvent[];

export interface CancelStore {
  paymentMoney(provider: ProviderName, tid: string): Promise<PaymentMoney | undefined>;
  /** Records a cancel `requested` BEFORE the PG is called, or says why not. */
  beginCancel(cancel: NewCancel, now: string): Promise<BeginCancel>;
  /**
   * Moves a requested / unknown cancel to what the PG (or staff) said, in one transaction with what follows:
   * the attempt to `refunded` (its whole amount given back), a refund_due entry resolved. undefined: it was
   * not in flight any more (another instance settled it).
   */
  settleCancel(id: number, settlement: CancelSettlement, now: string, events?: CancelEventsOf): Promise<SettledCancel | undefined>;
  /** Records a cancel found at the PG (or by staff) `done`, with `events` in the same transaction. */
  recordPgCancel(cancel: PgCancel, now: string, events?: CancelEventsOf): Promise<RecordPgCancel>;
  getCancel(id: number): Promise<CancelRecord | undefined>;
  cancelByKey(key: string): Promise<CancelRecord | undefined>;
  /** A payment's cancels, oldest first. */
  cancelsOf(provider: ProviderName, tid: string): Promise<CancelRecord[]>;
  /** An order's cancels (every attempt, refund_due entries included), oldest first. */
  cancelsOfOrder(orderId: string): Promise<CancelRecord[]>;
  /** Cancels in these statuses, oldest first (reconcile: requested and unknown). */
  cancelsIn(statuses: readonly CancelStatus[], options?: { limit?: number }): Promise<CancelRecord[]>;
  /** The order's attempt that took its money (paid, or refunded since). */
  paymentOfOrder(orderId: string): Promise<Attempt | undefined>;
  /**
   * Up to `limit` paid attempts whose payment was recorded at or after `since`, the least recently re-checked
   * first (reconcile asks the PG about their cancels), each marked checked at `now`.
   */
  paidToRecheck(since: string, limit: number, now: string): Promise<Attempt[]>;
}

type Row = Record<string, unknown>;

const iso = (value: unknown): string | null =>
  value === null || value === undefined ? null : value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const str = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

export function toCancel(r: Row): CancelRecord {
  return {
    id: Number(r.id),
    provider: r.provider as ProviderName,
    tid: String(r.tid),
    order_no: String(r.order_no),
    order_id: String(r.order_id),
    idempotency_key: String(r.idempotency_key),
    fingerprint: String(r.fingerprint),
    source: r.source as CancelSource,
    kind: r.kind as 'full' | 'partial',
    status: r.status as CancelStatus,
    requested_amount: num(r.requested_amount),
    amount: Number(r.amount),
    taxfree_amount: Number(r.taxfree_amount),
    vat_amount: num(r.vat_amount),
    reason: String(r.reason),
    refund_account: r.refund_account_no ? { bank_code: String(r.refund_bank_code), account_no: String(r.refund_account_no), holder: String(r.refund_holder) } : null,
    pg_cancel_id: str(r.pg_cancel_id),
    pg_cancelled_at: str(r.pg_cancelled_at),
    pg_ref: str(r.pg_ref),
    pg_state_before: (r.pg_state_before as PgStateBefore | null) ?? null,
    code: str(r.code),
    pg_message: str(r.pg_message),
    staff_check: r.staff_check === true,
    requested_by: str(r.requested_by),
    settled_by: str(r.settled_by),
    settle_note: str(r.settle_note),
    requested_at: iso(r.requested_at) as string,
    settled_at: iso(r.settled_at),
  };
}

const MONEY = `SELECT t.provider, t.tid, t.merchant_id, t.order_no, t.order_id, t.amount, t.discount, t.disposition, t.refunded AS held,
    t.resolved_at, coalesce((SELECT sum(c.amount) FROM kpg_cancels c WHERE c.provider = t.provider AND c.tid = t.tid AND c.status = 'done'), 0) AS done,
    CASE WHEN t.disposition = 'refund_due'
      THEN t.resolved_at IS NOT NULL AND EXISTS (SELECT 1 FROM kpg_cancels c WHERE c.provider = t.provider AND c.tid = t.tid AND c.status = 'done')
      ELSE EXISTS (SELECT 1 FROM kpg_attempts a WHERE a.provider = t.provider AND a.tid = t.tid AND a.status = 'refunded') END AS closed
  FROM kpg_transactions t WHERE t.provider = $1 AND t.tid = $2`;

function toMoney(r: Row): PaymentMoney {
  const amount = Number(r.amount);
  const discount = Number(r.discount);
  const held = Number(r.held);
  return {
    provider: r.provider as ProviderName,
    tid: String(r.tid),
    merchant_id: String(r.merchant_id),
    order_no: String(r.order_no),
    order_id: String(r.order_id),
    amount,
    discount,
    disposition: r.disposition as 'paid' | 'refund_due',
    held,
    refunded: Number(r.done),
    balance: amount - discount - held,
    resolved_at: iso(r.resolved_at),
    closed: r.closed === true,
  };
}

/** `toAttempt` is sql-store's row reader (passed in: that module builds this one). */
export function createCancelStore(sql: SqlClient, toAttempt: (row: Row) => Attempt): CancelStore {
  async function money(db: SqlQuery, provider: ProviderName, tid: string, lock = false): Promise<PaymentMoney | undefined> {
    if (lock) await db.query('SELECT 1 FROM kpg_transactions WHERE provider = $1 AND tid = $2 FOR UPDATE', [provider, tid]);
    const { rows } = await db.query<Row>(MONEY, [provider, tid]);
    return rows[0] ? toMoney(rows[0]) : undefined;
  }

  async function oneCancel(db: SqlQuery, where: string, params: readonly unknown[]): Promise<CancelRecord | undefined> {
    const { rows } = await db.query<Row>(`SELECT * FROM kpg_cancels WHERE ${where} ORDER BY id LIMIT 1`, params);
    return rows[0] ? toCancel(rows[0]) : undefined;
  }

  const inFlight = (db: SqlQuery, provider: ProviderName, tid: string) => oneCancel(db, `provider = $1 AND tid = $2 AND status IN ('requested', 'unknown')`, [provider, tid]);

  /**
   * After a cancel became done (in its own transaction): the attempt whose payment has nothing left moves to
   * `refunded`; a refund_due entry given back whole is resolved.
   */
  async function afterDone(tx: SqlQuery, m: PaymentMoney, cancel: CancelRecord, nothingLeft: boolean, now: string): Promise<Omit<SettledCancel, 'cancel' | 'money'>> {
    const whole = m.refunded >= m.amount - m.discount || nothingLeft;
    if (!whole || m.held > m.refunded) return {};
    if (m.disposition === 'refund_due') {
      const { rows } = await tx.query(
        `UPDATE kpg_transactions SET resolved_at = $3, resolution = $4 WHERE provider = $1 AND tid = $2 AND resolved_at IS NULL RETURNING tid`,
        [m.provider, m.tid, now, `cancelled at the PG (cancel #${cancel.id}${cancel.pg_cancel_id ? `, ${cancel.pg_cancel_id}` : ''})`],
      );
      return { resolvedDue: rows.length > 0 };
    }
    const { rows } = await tx.query<Row>(
      `UPDATE kpg_attempts SET status = 'refunded', updated_at = $3 WHERE provider = $1 AND tid = $2 AND status = 'paid' RETURNING *`,
      [m.provider, m.tid, now],
    );
    return rows[0] ? { refunded: toAttempt(rows[0]) } : {};
  }

  /** The events of a cancel just recorded done, in its transaction `tx` (the outbox). */
  async function tellDone(tx: SqlQuery, events: CancelEventsOf | undefined, cancel: CancelRecord, m: PaymentMoney, refunded: Attempt | undefined, now: string): Promise<boolean> {
    if (!events) return false;
    let attempt = refunded;
    if (!attempt) {
      const { rows } = await tx.query<Row>('SELECT * FROM kpg_attempts WHERE order_no = $1', [m.order_no]);
      attempt = rows[0] ? toAttempt(rows[0]) : undefined;
    }
    const made = events({ cancel, money: m, attempt });
    if (made.length) await insertEvents(sql.engine, tx, made, now);
    return made.length > 0;
  }

  const store: CancelStore = {
    paymentMoney: (provider, tid) => money(sql, provider, tid),

    async beginCancel(c, now) {
      try {
        return await sql.transaction<BeginCancel>(async (tx) => {
          const m = await money(tx, c.provider, c.tid, true);
          if (!m) return { ok: false, reason: 'no-payment' };
          const used = await oneCancel(tx, 'idempotency_key = $1', [c.idempotency_key]);
          if (used) return { ok: false, reason: 'key-used', cancel: used };
          const flying = await inFlight(tx, c.provider, c.tid);
          if (flying) return { ok: false, reason: 'in-flight', cancel: flying };
          if (c.amount > m.balance) return { ok: false, reason: 'exceeds', money: m };
          const account = c.refund_account ?? null;
          const { rows } = await tx.query<Row>(
            `INSERT INTO kpg_cancels (provider, tid, order_no, order_id, idempotency_key, fingerprint, source, kind, status,
               requested_amount, amount, taxfree_amount, vat_amount, reason, refund_bank_code, refund_account_no, refund_holder,
               pg_state_before, requested_by, requested_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'requested', $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING *`,
            [c.provider, c.tid, m.order_no, m.order_id, c.idempotency_key, c.fingerprint, c.source, c.kind, c.requested_amount, c.amount,
              c.taxfree_amount, c.vat_amount, c.reason, account?.bank_code ?? null, account?.account_no ?? null, account?.holder ?? null,
              c.pg_state_before ?? null, c.requested_by ?? null, now],
          );
          return { ok: true, cancel: toCancel(rows[0]), money: (await money(tx, c.provider, c.tid)) as PaymentMoney };
        });
      } catch (error) {
        // The key's unique index said no to a writer that raced past the reads above (the same key used at that
        // moment for another payment, by another instance). No writer of the SAME payment races past them: every
        // row written into kpg_cancels takes a KEY SHARE lock on its payment's row through the foreign key, and
        // the trigger that counts it in `refunded` updates that row, both of which wait for the FOR UPDATE above.
        // So a cancel already in flight is read, not met in kpg_cancels_one_in_flight, and the balance read is
        // the one the CHECK on `refunded` sees: that CHECK (and that index) stay the guarantee, and cannot fire
        // here short of a bug, which then fails loudly as a database error, nothing recorded.
        const constraint = (error as { constraint?: string }).constraint;
        if (isUniqueViolation(error) && constraint === 'kpg_cancels_key') {
          const used = await oneCancel(sql, 'idempotency_key = $1', [c.idempotency_key]);
          if (used) return { ok: false, reason: 'key-used', cancel: used };
        }
        throw error;
      }
    },

    async settleCancel(id, s, now, events) {
      const write = () =>
        sql.transaction<SettledCancel | undefined>(async (tx) => {
          const { rows: found } = await tx.query<Row>('SELECT provider, tid FROM kpg_cancels WHERE id = $1', [id]);
          if (!found[0]) return undefined;
          await money(tx, found[0].provider as ProviderName, String(found[0].tid), true);
          const sets = ['status = $2', 'settled_at = $3'];
          const params: unknown[] = [id, s.status, s.status === 'unknown' ? null : now];
          const set = (column: string, value: unknown) => {
            params.push(value);
            sets.push(`${column} = $${params.length}`);
          };
          if (s.status === 'done') {
            set('amount', s.amount);
            // Both null until now: only this settlement (or a cancel recorded done from the PG) writes them.
            set('pg_cancel_id', s.pg_cancel_id ?? null);
            set('pg_cancelled_at', s.pg_cancelled_at ?? null);
            if (s.pg_ref !== undefined) set('pg_ref', s.pg_ref);
            set('staff_check', false);
          } else if (s.status === 'failed') {
            set('code', s.code);
            if (s.pg_message !== undefined) set('pg_message', s.pg_message);
            set('staff_check', false);
          } else {
            if (s.code !== undefined) set('code', s.code);
            if (s.pg_message !== undefined) set('pg_message', s.pg_message);
            if (s.staff_check !== undefined) set('staff_check', s.staff_check);
          }
          if (s.status !== 'unknown') {
            // Who settled it and why, or nobody (a PG's answer): written once, by the one settlement.
            set('settled_by', s.settled_by ?? null);
            set('settle_note', s.settle_note ?? null);
          }
          params.push(['requested', 'unknown']);
          const { rows } = await tx.query<Row>(
            `UPDATE kpg_cancels SET ${sets.join(', ')} WHERE id = $1 AND status = ANY($${params.length}::text[]) RETURNING *`,
            params,
          );
          if (!rows[0]) return undefined;
          const cancel = toCancel(rows[0]);
          const m = (await money(tx, cancel.provider, cancel.tid)) as PaymentMoney;
          if (s.status !== 'done') return { cancel, money: m };
          const after = await afterDone(tx, m, cancel, s.nothing_left === true, now);
          return { cancel, money: m, ...after, told: await tellDone(tx, events, cancel, m, after.refunded, now) };
        });
      try {
        return await write();
      } catch (error) {
        const constraint = (error as { constraint?: string }).constraint;
        if (s.status === 'done' && ((isCheckViolation(error) && constraint === 'kpg_transactions_refunded_in_range') || (isUniqueViolation(error) && constraint === 'kpg_cancels_pg_ref'))) {
          // The PG answered more than the ledger can hold, or a cancel the ledger already has: the money and the
          // records disagree. Not recorded as done; staff look (the amount stays held).
          const why = constraint === 'kpg_cancels_pg_ref' ? `the PG's cancel ${s.pg_ref} is recorded already` : `the PG answered ${s.amount}, more than the ledger can hold`;
          return store.settleCancel(id, { status: 'unknown', code: 'ledger-mismatch', pg_message: why, staff_check: true }, now);
        }
        throw error;
      }
    },

    async recordPgCancel(c, now, events) {
      try {
        return await sql.transaction<RecordPgCancel>(async (tx) => {
          const m = await money(tx, c.provider, c.tid, true);
          if (!m) return { ok: false, reason: 'no-payment' };
          if (await oneCancel(tx, 'idempotency_key = $1', [c.idempotency_key])) return { ok: false, reason: 'recorded', money: m };
          if (await oneCancel(tx, `provider = $1 AND tid = $2 AND pg_ref = $3 AND status = 'done'`, [c.provider, c.tid, c.pg_ref])) return { ok: false, reason: 'recorded', money: m };
          if (await inFlight(tx, c.provider, c.tid)) return { ok: false, reason: 'in-flight', money: m };
          if (c.amount > m.balance) return { ok: false, reason: 'exceeds', money: m };
          const { rows } = await tx.query<Row>(
            `INSERT INTO kpg_cancels (provider, tid, order_no, order_id, idempotency_key, fingerprint, source, kind, status, amount, reason,
               pg_cancel_id, pg_cancelled_at, pg_ref, requested_at, settled_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'pg', $7, 'done', $8, $9, $10, $11, $12, $13, $13) RETURNING *`,
            [c.provider, c.tid, m.order_no, m.order_id, c.idempotency_key, c.fingerprint, c.kind, c.amount, c.reason, c.pg_cancel_id, c.pg_cancelled_at, c.pg_ref, now],
          );
          const cancel = toCancel(rows[0]);
          const after = (await money(tx, c.provider, c.tid)) as PaymentMoney;
          const moved = await afterDone(tx, after, cancel, c.nothing_left === true, now);
          return { ok: true, cancel, money: after, ...moved, told: await tellDone(tx, events, cancel, after, moved.refunded, now) };
        });
      } catch (error) {
        if (isUniqueViolation(error)) return { ok: false, reason: 'recorded' };
        // Only the payment's refunded-in-range CHECK means "more than is left" (a backstop: the balance is checked
        // above under the row's lock); any other violation is no such answer.
        if (isCheckViolation(error) && error.constraint === 'kpg_transactions_refunded_in_range') return { ok: false, reason: 'exceeds', money: await money(sql, c.provider, c.tid) };
        throw error;
      }
    },

    getCancel: (id) => oneCancel(sql, 'id = $1', [id]),
    cancelByKey: (key) => oneCancel(sql, 'idempotency_key = $1', [key]),
    async cancelsOf(provider, tid) {
      const { rows } = await sql.query<Row>('SELECT * FROM kpg_cancels WHERE provider = $1 AND tid = $2 ORDER BY id', [provider, tid]);
      return rows.map(toCancel);
    },
    async cancelsOfOrder(orderId) {
      const { rows } = await sql.query<Row>('SELECT * FROM kpg_cancels WHERE order_id = $1 ORDER BY id', [orderId]);
      return rows.map(toCancel);
    },
    async cancelsIn(statuses, options = {}) {
      const { rows } = await sql.query<Row>('SELECT * FROM kpg_cancels WHERE status = ANY($1::text[]) ORDER BY requested_at, id LIMIT $2', [[...statuses], options.limit ?? 500]);
      return rows.map(toCancel);
    },
    async paymentOfOrder(orderId) {
      const { rows } = await sql.query<Row>(`SELECT * FROM kpg_attempts WHERE order_id = $1 AND status IN ('paid', 'refunded') LIMIT 1`, [orderId]);
      return rows[0] ? toAttempt(rows[0]) : undefined;
    },
    async paidToRecheck(since, limit, now) {
      const { rows } = await sql.query<Row>(
        `UPDATE kpg_attempts SET cancels_checked_at = $3 WHERE order_no IN (
           SELECT order_no FROM kpg_attempts WHERE status = 'paid' AND finished_at >= $1
           ORDER BY cancels_checked_at NULLS FIRST, finished_at, order_no LIMIT $2)
         RETURNING *`,
        [since, limit, now],
      );
      // Only paid rows with finished_at >= $1 are taken: finished_at is never NULL here.
      return rows.map(toAttempt).sort((a, b) => (a.finished_at as string).localeCompare(b.finished_at as string));
    },
  };
  return store;
}
