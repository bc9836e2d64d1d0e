/**
 * The outbox in SQL (issue 21, migration 004_events.sql): writing events inside a transition's transaction,
 * and the relay's claim / finish / retry statements. The same statements on PGlite and PostgreSQL.
 *
 * Order per order: an event's row takes a transaction-scoped advisory lock on its order before it draws its
 * sequence number, so two transactions writing events of one order commit in sequence order (a reader never
 * sees event 11 of an order while event 10 is still uncommitted). The claim then never hands out a delivery
 * while an earlier one of the same order and target is still pending.
 */
import { randomBytes } from 'node:crypto';
import type { Delivery, DeliveryStatus, EventType, KpgEvent, NewEvent } from '../events/types.js';
import type { SqlClient, SqlQuery } from './sql.js';
import type { EventStore, ProviderName } from './types.js';

type Row = Record<string, unknown>;

const iso = (value: unknown): string | null =>
  value === null || value === undefined ? null : value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** `evt_` + 24 base-32 characters (120 random bits). */
export function newEventId(): string {
  const bytes = randomBytes(15);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return `evt_${out}`;
}

/**
 * Writes `events` inside the caller's transaction `tx`: each event row, and a pending delivery for every
 * active target, due at once.
 */
export async function insertEvents(engine: SqlClient['engine'], tx: SqlQuery, events: readonly NewEvent[], now: string): Promise<void> {
  for (const event of events) {
    // PGlite is one session (its transactions never interleave); PostgreSQL: see the header.
    if (engine === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`kpg-events:${event.order_id}`]);
    await tx.query(
      `WITH e AS (
         INSERT INTO kpg_events (id, type, created_at, order_id, order_no, provider, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) RETURNING id, seq, order_id, created_at)
       INSERT INTO kpg_deliveries (event_id, target, seq, order_id, status, attempts, queued_at, next_at)
       SELECT e.id, t.target, e.seq, e.order_id, 'pending', 0, e.created_at, e.created_at
       FROM e CROSS JOIN kpg_event_targets t WHERE t.active`,
      [newEventId(), event.type, now, event.order_id, event.order_no, event.provider, JSON.stringify(event.data)],
    );
  }
}

function toEvent(row: Row): KpgEvent {
  return {
    id: String(row.id),
    type: row.type as EventType,
    created_at: iso(row.created_at) as string,
    order_id: String(row.order_id),
    order_no: String(row.order_no),
    provider: row.provider as ProviderName,
    data: (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as KpgEvent['data'],
  };
}

function toDelivery(row: Row): Delivery {
  return {
    target: String(row.target),
    url: row.url as string | null,
    status: row.status as DeliveryStatus,
    attempts: Number(row.attempts),
    next_at: iso(row.next_at) as string,
    last_error: row.last_error as string | null,
    delivered_at: iso(row.delivered_at),
  };
}

export function createEventStore(sql: SqlClient): EventStore {
  return {
    async registerTargets(targets, now) {
      await sql.transaction(async (tx) => {
        for (const t of targets) {
          await tx.query(
            `INSERT INTO kpg_event_targets (target, url, active, registered_at) VALUES ($1, $2, true, $3)
             ON CONFLICT (target) DO UPDATE SET url = EXCLUDED.url, active = true, registered_at = EXCLUDED.registered_at`,
            [t.target, t.url, now],
          );
        }
        await tx.query('UPDATE kpg_event_targets SET active = false WHERE active AND NOT (target = ANY($1::text[]))', [targets.map((t) => t.target)]);
      });
    },

    async claimDeliveries({ owner, targets, now, leaseUntil, limit }) {
      if (!targets.length) return [];
      const { rows } = await sql.query<Row>(
        `WITH c AS (
           SELECT d.event_id, d.target FROM kpg_deliveries d
           WHERE d.status = 'pending' AND d.target = ANY($1::text[]) AND d.next_at <= $2
             AND (d.lease_until IS NULL OR d.lease_until <= $2)
             AND NOT EXISTS (
               SELECT 1 FROM kpg_deliveries e
               WHERE e.target = d.target AND e.order_id = d.order_id AND e.seq < d.seq AND e.status = 'pending')
           ORDER BY d.seq LIMIT $3
           FOR UPDATE SKIP LOCKED),
         u AS (
           UPDATE kpg_deliveries d SET lease_owner = $4, lease_until = $5, attempts = d.attempts + 1
           FROM c WHERE d.event_id = c.event_id AND d.target = c.target
           RETURNING d.event_id, d.target, d.attempts, d.queued_at, d.seq)
         SELECT u.target, u.attempts, u.queued_at, u.seq, ev.* FROM u JOIN kpg_events ev ON ev.id = u.event_id ORDER BY u.seq`,
        [[...targets], now, limit, owner, leaseUntil],
      );
      return rows.map((r) => ({ event: toEvent(r), target: String(r.target), attempts: Number(r.attempts), queued_at: iso(r.queued_at) as string }));
    },

    async finishDelivery({ eventId, target, owner, now, outcome }) {
      const keep = outcome.status === 'pending' && outcome.keepLease;
      const { rows } = await sql.query(
        `UPDATE kpg_deliveries SET status = $4, next_at = COALESCE($5, next_at), last_error = $6, delivered_at = $7,
           lease_owner = CASE WHEN $8::boolean THEN lease_owner END, lease_until = CASE WHEN $8::boolean THEN lease_until END
         WHERE event_id = $1 AND target = $2 AND lease_owner = $3 AND status = 'pending' RETURNING event_id`,
        [
          eventId,
          target,
          owner,
          outcome.status,
          outcome.status === 'pending' ? outcome.next_at : null,
          outcome.status === 'delivered' ? null : outcome.error,
          outcome.status === 'delivered' ? now : null,
          Boolean(keep),
        ],
      );
      return rows.length > 0;
    },

    async releaseLease(eventId, target, owner) {
      await sql.query(
        `UPDATE kpg_deliveries SET lease_owner = NULL, lease_until = NULL
         WHERE event_id = $1 AND target = $2 AND lease_owner = $3 AND status = 'pending'`,
        [eventId, target, owner],
      );
    },

    async events(options = {}) {
      const params: unknown[] = [Math.min(Math.max(options.limit ?? 100, 1), 1000)];
      const where: string[] = [];
      if (options.orderId !== undefined) {
        params.push(options.orderId);
        where.push(`ev.order_id = $${params.length}`);
      }
      if (options.eventId !== undefined) {
        params.push(options.eventId);
        where.push(`ev.id = $${params.length}`);
      }
      if (options.status !== undefined) {
        params.push(options.status);
        where.push(`EXISTS (SELECT 1 FROM kpg_deliveries d WHERE d.event_id = ev.id AND d.status = $${params.length})`);
      }
      const { rows } = await sql.query<Row>(
        `SELECT ev.* FROM kpg_events ev ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ev.seq DESC LIMIT $1`,
        params,
      );
      if (!rows.length) return [];
      const ids = rows.map((r) => String(r.id));
      const deliveries = await sql.query<Row>(
        `SELECT d.*, t.url FROM kpg_deliveries d JOIN kpg_event_targets t ON t.target = d.target
         WHERE d.event_id = ANY($1::text[]) ORDER BY d.target`,
        [ids],
      );
      const byEvent = new Map<string, Delivery[]>();
      for (const d of deliveries.rows) {
        const list = byEvent.get(String(d.event_id)) ?? [];
        list.push(toDelivery(d));
        byEvent.set(String(d.event_id), list);
      }
      return rows.map((r) => ({ ...toEvent(r), seq: Number(r.seq), deliveries: byEvent.get(String(r.id)) ?? [] }));
    },

    async retryDeliveries(which, now) {
      const { rowCount } =
        'eventId' in which
          ? await sql.query(
              `UPDATE kpg_deliveries SET status = 'pending', attempts = 0, queued_at = $2, next_at = $2
               WHERE event_id = $1 AND status <> 'delivered'`,
              [which.eventId, now],
            )
          : await sql.query(`UPDATE kpg_deliveries SET status = 'pending', attempts = 0, queued_at = $1, next_at = $1 WHERE status = 'dead'`, [now]);
      return rowCount;
    },
  };
}
