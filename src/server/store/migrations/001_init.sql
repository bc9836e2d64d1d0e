-- kpg-checkout/server: payment attempts, the PG transactions they recorded, and refusals.
-- Every invariant of issue 10 is a constraint here; the server's code only ever asks the database to
-- move a row and reads whether it moved.

-- The statuses of state.ts. Issue 11 adds 'awaiting_deposit' with one INSERT (and, if it is open,
-- re-creates kpg_attempts_one_open_per_order below with it).
CREATE TABLE kpg_attempt_statuses (
  status text PRIMARY KEY,
  open boolean NOT NULL
);
INSERT INTO kpg_attempt_statuses (status, open) VALUES
  ('pending', true), ('processing', true), ('unknown', true),
  ('paid', false), ('failed', false), ('cancelled', false);

CREATE TABLE kpg_attempts (
  order_no text PRIMARY KEY CHECK (char_length(order_no) BETWEEN 1 AND 64),
  order_id text NOT NULL CHECK (char_length(order_id) BETWEEN 1 AND 64),
  provider text NOT NULL CHECK (provider IN ('shinhan', 'smartro')),
  merchant_id text NOT NULL CHECK (char_length(merchant_id) BETWEEN 1 AND 20),
  status text NOT NULL REFERENCES kpg_attempt_statuses (status),
  amount bigint NOT NULL CHECK (amount > 0),
  product_name text NOT NULL,
  user_id text NOT NULL,
  device_type smallint NOT NULL CHECK (device_type IN (1, 2)),
  pgcode text,
  pay_method text,
  return_to text,
  app_scheme text,
  nonce text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  processing_since timestamptz,
  finished_at timestamptz,
  window_closed_at timestamptz,
  reported_status text CHECK (reported_status IN ('failed', 'cancelled')),
  reported_code text,
  reported_at timestamptz,
  claimed_tid text,
  tid text CHECK (char_length(tid) BETWEEN 1 AND 50),
  approved_at text,
  card_cpny_cd text,
  card_name text,
  card_no text,
  install_month text,
  card_aprv_no text,
  code text,
  pg_message text,
  reason text,
  superseded_by text,
  CONSTRAINT kpg_attempts_paid_has_tid CHECK (status <> 'paid' OR tid IS NOT NULL),
  CONSTRAINT kpg_attempts_reported_only_pending CHECK (reported_status IS NULL OR status = 'pending'),
  -- Smartro TIDs: MID (10) + 4 + yyMMddHHmmss + 4 digits = exactly 30 letters/digits, beginning with the
  -- MID. SignValue signs only TID[0:30]: a longer "TID" would be a second record of one approval (fault 4).
  CONSTRAINT kpg_attempts_smartro_tid CHECK (
    provider <> 'smartro' OR tid IS NULL
    OR (tid ~ '^[A-Za-z0-9]{30}$' AND left(tid, char_length(merchant_id)) = merchant_id))
);

-- At most one paid attempt per order.
CREATE UNIQUE INDEX kpg_attempts_one_paid_per_order ON kpg_attempts (order_id) WHERE status = 'paid';
-- At most one open attempt per order (the open statuses of state.ts: OPEN_STATUSES).
CREATE UNIQUE INDEX kpg_attempts_one_open_per_order ON kpg_attempts (order_id)
  WHERE status IN ('pending', 'processing', 'unknown');
-- A PG transaction id belongs to one attempt; looked up by index, never by a scan (fault 9).
CREATE UNIQUE INDEX kpg_attempts_tid ON kpg_attempts (provider, tid) WHERE tid IS NOT NULL;
CREATE INDEX kpg_attempts_by_order ON kpg_attempts (order_id);
CREATE INDEX kpg_attempts_by_status ON kpg_attempts (status, created_at);

-- Every PG transaction that took money, recorded once: the payment of its attempt, or money to give back.
CREATE TABLE kpg_transactions (
  provider text NOT NULL CHECK (provider IN ('shinhan', 'smartro')),
  tid text NOT NULL CHECK (char_length(tid) BETWEEN 1 AND 50),
  merchant_id text NOT NULL,
  order_no text NOT NULL REFERENCES kpg_attempts (order_no),
  order_id text NOT NULL,
  amount bigint NOT NULL CHECK (amount >= 0),
  disposition text NOT NULL CHECK (disposition IN ('paid', 'refund_due')),
  reason text,
  recorded_at timestamptz NOT NULL,
  resolved_at timestamptz,
  resolution text,
  PRIMARY KEY (provider, tid),
  CONSTRAINT kpg_transactions_smartro_tid CHECK (
    provider <> 'smartro' OR (tid ~ '^[A-Za-z0-9]{30}$' AND left(tid, char_length(merchant_id)) = merchant_id))
);
CREATE INDEX kpg_transactions_open_refunds ON kpg_transactions (recorded_at)
  WHERE disposition = 'refund_due' AND resolved_at IS NULL;
CREATE INDEX kpg_transactions_by_order_no ON kpg_transactions (order_no);

-- Every PG result or browser report the server did not accept, for the shop's staff.
CREATE TABLE kpg_refusals (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  route text NOT NULL,
  order_no text,
  order_id text,
  code text NOT NULL,
  message text NOT NULL
);
CREATE INDEX kpg_refusals_at ON kpg_refusals (at);
CREATE INDEX kpg_refusals_order_no ON kpg_refusals (order_no);
