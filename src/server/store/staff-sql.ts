/**
 * What the staff console reads and writes in SQL (issue 23, migration 008_staff_audit.sql): the search over
 * attempts, one order's rows for its story, the failing deliveries, and the audit table. Plain reads over the
 * tables of 001-005; the only write is the audit row (append-only, a trigger refuses the rest).
 */
import type { SqlClient } from './sql.js';
import type { Attempt, ProviderName, Refusal } from './types.js';

type Row = Record<string, unknown>;

/** A timestamptz column as ISO 8601 (every column read with it is NOT NULL). */
const iso = (value: unknown): string => (value instanceof Date ? value : new Date(String(value))).toISOString();

export interface AttemptSearch {
  q?: string;
  /** created_at >= from, < to (ISO instants: the Korea days turned into UTC by the route). */
  from?: string;
  to?: string;
  status?: string;
  provider?: ProviderName;
  sort: 'created_at' | 'amount';
  dir: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** An attempt as the search finds it, with what its payment gave back (kpg_transactions.refunded). */
export type FoundAttempt = Attempt & { buyer_name: string | null; buyer_phone: string | null; refunded_total: number };

export interface StaffDelivery {
  event_id: string;
  type: string;
  order_id: string;
  order_no: string;
  created_at: string;
  target: string;
  url: string | null;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  next_at: string;
  last_error: string | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  staff: string;
  action: string;
  order_id: string | null;
  request: string | null;
  http_status: number;
  answer: string | null;
}

export interface StaffStore {
  /** Attempts matching the search, one page of them, and how many match in all. */
  searchAttempts(search: AttemptSearch): Promise<{ items: FoundAttempt[]; total: number }>;
  /** Every attempt of an order, oldest first. */
  attemptsOfOrder(orderId: string): Promise<FoundAttempt[]>;
  /** The refusals recorded about an order or one of its attempts, oldest first (at most 200). */
  refusalsOfOrder(orderId: string, orderNos: readonly string[]): Promise<Refusal[]>;
  /** Dead deliveries, or pending ones already tried at least once (failing), newest event first (at most 500). */
  failingDeliveries(status: 'dead' | 'failing'): Promise<StaffDelivery[]>;
  audit(entry: Omit<AuditEntry, 'id'>): Promise<void>;
  auditEntries(options: { orderId?: string; limit: number }): Promise<AuditEntry[]>;
}

const SORTS = { created_at: 'a.created_at', amount: 'a.amount' } as const;

type ToAttempt = (row: Row) => Attempt;

function toFound(toAttempt: ToAttempt, row: Row): FoundAttempt {
  return {
    ...toAttempt(row),
    buyer_name: row.buyer_name as string | null,
    buyer_phone: row.buyer_phone as string | null,
    refunded_total: Number(row.refunded_total ?? 0),
  };
}

/** LIKE's own characters in a search text stand for themselves. */
const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export function createStaffStore(sql: SqlClient, toAttempt: ToAttempt): StaffStore {
  const found = (row: Row) => toFound(toAttempt, row);
  return {
    async searchAttempts(s) {
      const params: unknown[] = [];
      const p = (value: unknown) => {
        params.push(value);
        return `$${params.length}`;
      };
      const where: string[] = [];
      if (s.q !== undefined) {
        const q = p(s.q);
        // Exact ids first (each an index), then the buyer: a phone's digits (whole, or its last 4), a name's beginning.
        const any = [`a.order_id = ${q}`, `a.order_no = ${q}`, `a.tid = ${q}`, `a.claimed_tid = ${q}`];
        const digits = s.q.replace(/[\s-]/g, '');
        if (/^[0-9]{4,30}$/.test(digits)) {
          any.push(`a.buyer_phone = ${p(digits)}`);
          if (digits.length === 4) any.push(`right(a.buyer_phone, 4) = ${p(digits)}`);
        }
        any.push(`lower(a.buyer_name) LIKE ${p(`${likeEscape(s.q.toLowerCase())}%`)}`);
        where.push(`(${any.join(' OR ')})`);
      }
      if (s.from) where.push(`a.created_at >= ${p(s.from)}`);
      if (s.to) where.push(`a.created_at < ${p(s.to)}`);
      if (s.status) where.push(`a.status = ${p(s.status)}`);
      if (s.provider) where.push(`a.provider = ${p(s.provider)}`);
      const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const count = await sql.query<{ n: unknown }>(`SELECT count(*) AS n FROM kpg_attempts a ${filter}`, params);
      const dir = s.dir === 'asc' ? 'ASC' : 'DESC';
      const page = [...params, s.limit, s.offset];
      const { rows } = await sql.query<Row>(
        `SELECT a.*, coalesce(t.refunded, 0) AS refunded_total
         FROM (SELECT * FROM kpg_attempts a ${filter} ORDER BY ${SORTS[s.sort]} ${dir}, a.order_no ${dir} LIMIT $${page.length - 1} OFFSET $${page.length}) a
         LEFT JOIN kpg_transactions t ON t.provider = a.provider AND t.tid = a.tid AND t.disposition = 'paid'
         ORDER BY ${SORTS[s.sort]} ${dir}, a.order_no ${dir}`,
        page,
      );
      return { items: rows.map(found), total: Number(count.rows[0]?.n ?? 0) };
    },

    async attemptsOfOrder(orderId) {
      const { rows } = await sql.query<Row>(
        `SELECT a.*, coalesce(t.refunded, 0) AS refunded_total FROM kpg_attempts a
         LEFT JOIN kpg_transactions t ON t.provider = a.provider AND t.tid = a.tid AND t.disposition = 'paid'
         WHERE a.order_id = $1 ORDER BY a.created_at, a.order_no`,
        [orderId],
      );
      return rows.map(found);
    },

    async refusalsOfOrder(orderId, orderNos) {
      const { rows } = await sql.query<Row>(
        `SELECT * FROM kpg_refusals WHERE order_id = $1 OR order_no = ANY($2::text[]) ORDER BY id LIMIT 200`,
        [orderId, [...orderNos]],
      );
      return rows.map((r) => ({
        at: iso(r.at),
        route: String(r.route),
        order_no: r.order_no as string | null,
        order_id: r.order_id as string | null,
        code: String(r.code),
        message: String(r.message),
        source: r.source as string | null,
      }));
    },

    async failingDeliveries(status) {
      const which = status === 'dead' ? `d.status = 'dead'` : `d.status = 'pending' AND d.attempts > 0`;
      const { rows } = await sql.query<Row>(
        `SELECT d.*, t.url, ev.type, ev.order_no, ev.created_at AS event_created_at
         FROM kpg_deliveries d JOIN kpg_events ev ON ev.id = d.event_id JOIN kpg_event_targets t ON t.target = d.target
         WHERE ${which} ORDER BY d.seq DESC, d.target LIMIT 500`,
      );
      return rows.map((r) => ({
        event_id: String(r.event_id),
        type: String(r.type),
        order_id: String(r.order_id),
        order_no: String(r.order_no),
        created_at: iso(r.event_created_at),
        target: String(r.target),
        url: r.url as string | null,
        status: r.status as StaffDelivery['status'],
        attempts: Number(r.attempts),
        next_at: iso(r.next_at),
        last_error: r.last_error as string | null,
      }));
    },

    async audit(e) {
      await sql.query(
        'INSERT INTO kpg_staff_audit (at, staff, action, order_id, request, http_status, answer) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [e.at, e.staff, e.action, e.order_id, e.request, e.http_status, e.answer],
      );
    },

    async auditEntries(o) {
      const params: unknown[] = [o.limit];
      const where = o.orderId !== undefined ? 'WHERE order_id = $2' : '';
      if (o.orderId !== undefined) params.push(o.orderId);
      const { rows } = await sql.query<Row>(`SELECT * FROM kpg_staff_audit ${where} ORDER BY id DESC LIMIT $1`, params);
      return rows.map((r) => ({
        id: Number(r.id),
        at: iso(r.at),
        staff: String(r.staff),
        action: String(r.action),
        order_id: r.order_id as string | null,
        request: r.request as string | null,
        http_status: Number(r.http_status),
        answer: r.answer as string | null,
      }));
    },
  };
}
