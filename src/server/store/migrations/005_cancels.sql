-- Issue 22: 결제취소. The cancellations ledger, the `refunded` status, and the tax-free part of an attempt.
-- What the database itself refuses, whoever writes (the store, a staff script, a raw INSERT):
--   * an idempotency key names one cancel                                   (UNIQUE kpg_cancels_key)
--   * at most one cancel in flight (requested / unknown) per PG transaction  (partial UNIQUE index)
--   * the cancels that count (requested, unknown, done) never give back more than the buyer paid
--     (amount - discount): kpg_transactions.refunded is kept by a trigger on kpg_cancels, by increments, so two
--     transactions racing on one payment serialise on its row and the second sees the first's amount
--     (CHECK kpg_transactions_refunded_in_range); nothing else may write that column
--   * a settled cancel (done, failed) is final; a cancel only moves requested -> unknown | done | failed and
--     unknown -> done | failed; the ledger is never deleted from
-- Migrations already shipped are never edited: this one adds to them.

-- A payment whose whole amount was given back. Not open: the order takes no new attempt.
INSERT INTO kpg_attempt_statuses (status, open) VALUES ('refunded', false);

-- At most one attempt per order that holds (or held) the money: paid, or paid and then refunded.
DROP INDEX kpg_attempts_one_paid_per_order;
CREATE UNIQUE INDEX kpg_attempts_one_paid_per_order ON kpg_attempts (order_id) WHERE status IN ('paid', 'refunded');

ALTER TABLE kpg_attempts
  ADD CONSTRAINT kpg_attempts_refunded_has_tid CHECK (status <> 'refunded' OR tid IS NOT NULL),
  -- When reconcile() last asked the PG about a paid payment's cancels (made in its admin site): it re-checks
  -- them in batches, the least recently checked first.
  ADD COLUMN cancels_checked_at timestamptz,
  -- The order's tax-free part and its VAT, as sent to the PG with the session (Shinhan).
  ADD COLUMN taxfree_amount bigint,
  ADD COLUMN tax_amount bigint,
  ADD CONSTRAINT kpg_attempts_tax_in_range CHECK (
    (taxfree_amount IS NULL OR taxfree_amount BETWEEN 0 AND amount)
    AND (tax_amount IS NULL OR tax_amount BETWEEN 0 AND amount - coalesce(taxfree_amount, 0)));
CREATE INDEX kpg_attempts_cancels_to_check ON kpg_attempts (cancels_checked_at NULLS FIRST, finished_at) WHERE status = 'paid';

ALTER TABLE kpg_transactions
  -- A card company's promotion the PG reported with the approval (Shinhan discount_amount): the buyer paid
  -- amount - discount, and only that can be given back.
  ADD COLUMN discount bigint NOT NULL DEFAULT 0,
  -- The sum of the cancels that count (requested, unknown, done): kept by kpg_cancels' trigger only.
  ADD COLUMN refunded bigint NOT NULL DEFAULT 0,
  ADD CONSTRAINT kpg_transactions_discount_in_range CHECK (discount = 0 OR discount BETWEEN 1 AND amount - 1),
  ADD CONSTRAINT kpg_transactions_refunded_in_range CHECK (refunded >= 0 AND refunded <= amount - discount);

-- kpg_transactions.refunded starts at 0 and changes only through kpg_cancels (the trigger below runs one
-- level deeper than any statement a client sends).
CREATE FUNCTION kpg_transactions_refunded_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' AND NEW.refunded <> 0 THEN
    RAISE EXCEPTION 'kpg_transactions.refunded starts at 0: it is kept by kpg_cancels'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'kpg_transactions_refunded_kept';
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.refunded IS DISTINCT FROM OLD.refunded AND pg_trigger_depth() < 2 THEN
    RAISE EXCEPTION 'kpg_transactions.refunded is kept by kpg_cancels: record a cancel instead'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'kpg_transactions_refunded_kept';
  END IF;
  IF TG_OP = 'UPDATE' AND (NEW.amount, NEW.discount) IS DISTINCT FROM (OLD.amount, OLD.discount) AND OLD.refunded <> 0 THEN
    RAISE EXCEPTION 'the amount of a payment with cancels cannot change'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'kpg_transactions_refunded_kept';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER kpg_transactions_refunded_guard BEFORE INSERT OR UPDATE ON kpg_transactions
  FOR EACH ROW EXECUTE FUNCTION kpg_transactions_refunded_guard();

CREATE TABLE kpg_cancels (
  id bigserial PRIMARY KEY,
  -- The PG transaction given back: a paid attempt's, or a refund_due entry's.
  provider text NOT NULL,
  tid text NOT NULL,
  order_no text NOT NULL,
  order_id text NOT NULL,
  -- Who asked, and how: the API (kpg.cancel, the staff route, the CLI), a cancel found at the PG (reconcile,
  -- source 'pg', key 'pg:...'), or a refund_due entry paid back (kpg.cancelDue, 'due').
  idempotency_key text NOT NULL CHECK (char_length(idempotency_key) BETWEEN 1 AND 255),
  fingerprint text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
  source text NOT NULL CHECK (source IN ('api', 'pg', 'due')),
  kind text NOT NULL CHECK (kind IN ('full', 'partial')),
  status text NOT NULL CHECK (status IN ('requested', 'unknown', 'done', 'failed')),
  -- What was asked (null: a cancel found at the PG). `amount` counts: what may be given back while in flight,
  -- what the PG ANSWERED once done (the promotion rule can make them differ).
  requested_amount bigint CHECK (requested_amount > 0),
  amount bigint NOT NULL CHECK (amount > 0),
  taxfree_amount bigint NOT NULL DEFAULT 0 CHECK (taxfree_amount >= 0),
  vat_amount bigint CHECK (vat_amount >= 0),
  reason text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 100),
  -- A deposited virtual account's refund account (the buyer's).
  refund_bank_code text CHECK (refund_bank_code ~ '^[0-9]{3}$'),
  refund_account_no text CHECK (refund_account_no ~ '^[0-9]{6,20}$'),
  refund_holder text CHECK (char_length(refund_holder) BETWEEN 1 AND 20),
  -- The PG's word: its cancel id (Shinhan cid, Smartro CancelNum / ccNo), time, and which of the payment's
  -- cancels it is ("full", Smartro "part:N"), so one cancel at the PG is recorded once.
  pg_cancel_id text CHECK (char_length(pg_cancel_id) <= 50),
  pg_cancelled_at text CHECK (char_length(pg_cancelled_at) <= 30),
  pg_ref text CHECK (char_length(pg_ref) <= 20),
  -- requested / unknown: what the PG's records said before it was sent (Shinhan confirm-info's tx_stat).
  pg_state_before text CHECK (pg_state_before IN ('approved', 'partial', 'cancelled')),
  code text CHECK (char_length(code) <= 100),
  pg_message text CHECK (char_length(pg_message) <= 500),
  -- unknown, and only staff can tell (a Shinhan partial cancel confirm-info cannot prove).
  staff_check boolean NOT NULL DEFAULT false,
  requested_by text CHECK (char_length(requested_by) <= 100),
  settled_by text CHECK (char_length(settled_by) <= 100),
  settle_note text CHECK (char_length(settle_note) <= 500),
  requested_at timestamptz NOT NULL,
  settled_at timestamptz,
  CONSTRAINT kpg_cancels_key UNIQUE (idempotency_key),
  CONSTRAINT kpg_cancels_payment FOREIGN KEY (provider, tid) REFERENCES kpg_transactions (provider, tid),
  CONSTRAINT kpg_cancels_settled_at CHECK ((status IN ('requested', 'unknown')) = (settled_at IS NULL)),
  CONSTRAINT kpg_cancels_refund_account CHECK (
    (refund_bank_code IS NULL) = (refund_account_no IS NULL) AND (refund_account_no IS NULL) = (refund_holder IS NULL)),
  CONSTRAINT kpg_cancels_tax_parts CHECK (taxfree_amount + coalesce(vat_amount, 0) <= coalesce(requested_amount, amount)),
  CONSTRAINT kpg_cancels_staff_check CHECK (NOT staff_check OR status = 'unknown'),
  CONSTRAINT kpg_cancels_pg_source CHECK (source <> 'pg' OR (status = 'done' AND idempotency_key LIKE 'pg:%'))
);
-- At most one cancel in flight per payment: a second waits until the first is settled.
CREATE UNIQUE INDEX kpg_cancels_one_in_flight ON kpg_cancels (provider, tid) WHERE status IN ('requested', 'unknown');
-- One cancel at the PG is recorded once.
CREATE UNIQUE INDEX kpg_cancels_pg_ref ON kpg_cancels (provider, tid, pg_ref) WHERE pg_ref IS NOT NULL AND status = 'done';
CREATE INDEX kpg_cancels_by_order ON kpg_cancels (order_id, id);
CREATE INDEX kpg_cancels_by_payment ON kpg_cancels (provider, tid, id);
CREATE INDEX kpg_cancels_open ON kpg_cancels (requested_at) WHERE status IN ('requested', 'unknown');

-- The ledger's own rules, before anything else looks at the row.
CREATE FUNCTION kpg_cancels_rules() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'kpg_cancels is a ledger: rows are never deleted' USING ERRCODE = 'check_violation', CONSTRAINT = 'kpg_cancels_append_only';
  END IF;
  IF (NEW.provider, NEW.tid, NEW.idempotency_key, NEW.fingerprint, NEW.source, NEW.kind)
     IS DISTINCT FROM (OLD.provider, OLD.tid, OLD.idempotency_key, OLD.fingerprint, OLD.source, OLD.kind) THEN
    RAISE EXCEPTION 'a cancel keeps its payment, key and kind' USING ERRCODE = 'check_violation', CONSTRAINT = 'kpg_cancels_append_only';
  END IF;
  IF OLD.status IN ('done', 'failed') AND (NEW.status, NEW.amount) IS DISTINCT FROM (OLD.status, OLD.amount) THEN
    RAISE EXCEPTION 'a settled cancel is final' USING ERRCODE = 'check_violation', CONSTRAINT = 'kpg_cancels_settled_final';
  END IF;
  IF NEW.status IS DISTINCT FROM OLD.status
     AND NOT (OLD.status = 'requested' AND NEW.status IN ('unknown', 'done', 'failed'))
     AND NOT (OLD.status = 'unknown' AND NEW.status IN ('done', 'failed')) THEN
    RAISE EXCEPTION 'a cancel moves requested -> unknown | done | failed, unknown -> done | failed'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'kpg_cancels_settled_final';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER kpg_cancels_rules BEFORE UPDATE OR DELETE ON kpg_cancels
  FOR EACH ROW EXECUTE FUNCTION kpg_cancels_rules();

-- The counter, by increments (see above).
CREATE FUNCTION kpg_cancels_count() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  delta bigint := 0;
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.status IN ('requested', 'unknown', 'done') THEN delta := delta - OLD.amount; END IF;
  IF NEW.status IN ('requested', 'unknown', 'done') THEN delta := delta + NEW.amount; END IF;
  IF delta <> 0 THEN
    UPDATE kpg_transactions SET refunded = refunded + delta WHERE provider = NEW.provider AND tid = NEW.tid;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER kpg_cancels_count AFTER INSERT OR UPDATE ON kpg_cancels
  FOR EACH ROW EXECUTE FUNCTION kpg_cancels_count();
