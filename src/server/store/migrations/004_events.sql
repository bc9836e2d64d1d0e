-- Issue 21: the outbox. Every transition the shop must hear about writes its event row (and one delivery
-- row per target) in the SAME transaction that moves the attempt, so a crash can never record a payment
-- without its event, or an event without its payment. A relay in each server instance delivers them, at
-- least once, in order per order and target, claimed in this database (FOR UPDATE SKIP LOCKED + a lease).
-- (003 is issue 19's.)

-- The events: a stable id for receivers to dedupe by, a global sequence for order.
CREATE TABLE kpg_events (
  id text PRIMARY KEY CHECK (id ~ '^evt_[a-z2-7]{24}$'),
  seq bigserial NOT NULL UNIQUE,
  -- events/types.ts: EVENT_TYPES (tested to be equal). payment.refunded comes with the cancel issue.
  type text NOT NULL CHECK (type IN ('payment.paid', 'payment.failed', 'payment.cancelled', 'vbank.issued',
    'vbank.expired', 'refund.due', 'payment.refunded')),
  created_at timestamptz NOT NULL,
  order_id text NOT NULL,
  order_no text NOT NULL,
  provider text NOT NULL CHECK (provider IN ('shinhan', 'smartro')),
  -- The attempt as GET result-url answers it, plus what the type adds.
  data jsonb NOT NULL CHECK (jsonb_typeof(data) = 'object')
);
CREATE INDEX kpg_events_by_order ON kpg_events (order_id, seq);
CREATE INDEX kpg_events_created ON kpg_events (created_at);

-- Where events go: 'handler' (the shop's onEvent) and one row per webhook URL (never its secret). Server
-- instances register theirs when they start; an event is queued for every active target when it is
-- written, also by a process that delivers nothing itself (`kpg-checkout-server reconcile` from cron).
CREATE TABLE kpg_event_targets (
  target text PRIMARY KEY CHECK (target = 'handler' OR target ~ '^wh_[0-9a-f]{16}$'),
  url text,
  active boolean NOT NULL,
  registered_at timestamptz NOT NULL,
  CONSTRAINT kpg_event_targets_url CHECK ((target = 'handler') = (url IS NULL))
);

-- One row per (event, target). seq and order_id are the event's, here so that the claim can keep each
-- order's events in order without a join.
CREATE TABLE kpg_deliveries (
  event_id text NOT NULL REFERENCES kpg_events (id) ON DELETE CASCADE,
  target text NOT NULL REFERENCES kpg_event_targets (target),
  seq bigint NOT NULL,
  order_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
  -- Attempts made (counted when claimed, so an instance that dies mid-delivery counts as one).
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  -- Since when it is queued (the event's time, or when staff re-queued it): retries stop 3 days after it.
  queued_at timestamptz NOT NULL,
  next_at timestamptz NOT NULL,
  -- The instance delivering it right now, until when: another instance takes it only once this has passed.
  lease_owner text,
  lease_until timestamptz,
  last_error text,
  delivered_at timestamptz,
  PRIMARY KEY (event_id, target),
  CONSTRAINT kpg_deliveries_delivered_at CHECK ((status = 'delivered') = (delivered_at IS NOT NULL)),
  CONSTRAINT kpg_deliveries_lease CHECK ((lease_owner IS NULL) = (lease_until IS NULL)),
  CONSTRAINT kpg_deliveries_lease_pending CHECK (lease_owner IS NULL OR status = 'pending')
);
-- The relay's claim: pending deliveries in sequence order, and "is an earlier one of this order pending?".
CREATE INDEX kpg_deliveries_pending ON kpg_deliveries (seq) WHERE status = 'pending';
CREATE INDEX kpg_deliveries_pending_by_order ON kpg_deliveries (target, order_id, seq) WHERE status = 'pending';
CREATE INDEX kpg_deliveries_dead ON kpg_deliveries (seq) WHERE status = 'dead';
