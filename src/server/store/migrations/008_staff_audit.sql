-- Issue 23: the staff console. What staff search by, and what they did.
-- (006 and 007 are other issues' numbers; migrations run in name order and each exactly once, so this one
-- depends only on 001-005.) Migrations already shipped are never edited: this one adds to them.

-- The buyer, as the shop's loadOrder named them when the attempt started: staff find an order by the name's
-- beginning or the phone number (all its digits, or the last 4). Only digits of the phone are kept.
ALTER TABLE kpg_attempts
  ADD COLUMN buyer_name text CHECK (char_length(buyer_name) BETWEEN 1 AND 100),
  ADD COLUMN buyer_phone text CHECK (buyer_phone ~ '^[0-9]{1,30}$');

-- Search (GET {base}/staff/orders): newest first, paged, sorted by created_at then order_no so that pages never
-- overlap; by a phone's digits or its last 4; by a name's beginning, case-insensitive (text_pattern_ops: LIKE
-- 'prefix%' uses it whatever the database's collation); by a TID awaiting its deposit.
CREATE INDEX kpg_attempts_created ON kpg_attempts (created_at, order_no);
CREATE INDEX kpg_attempts_buyer_phone ON kpg_attempts (buyer_phone) WHERE buyer_phone IS NOT NULL;
CREATE INDEX kpg_attempts_buyer_phone_last4 ON kpg_attempts (right(buyer_phone, 4)) WHERE buyer_phone IS NOT NULL;
CREATE INDEX kpg_attempts_buyer_name ON kpg_attempts (lower(buyer_name) text_pattern_ops) WHERE buyer_name IS NOT NULL;
CREATE INDEX kpg_attempts_claimed_tid ON kpg_attempts (claimed_tid) WHERE claimed_tid IS NOT NULL;
CREATE INDEX kpg_attempts_tid_only ON kpg_attempts (tid) WHERE tid IS NOT NULL;

-- Every staff action (each POST under {base}/staff/ that authorizeStaff let through): who, what, when, and
-- the answer. Written after the action, whatever its outcome; never updated or deleted (a trigger says no),
-- and never pruned.
CREATE TABLE kpg_staff_audit (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  -- authorizeStaff's answer: "staff" or "staff:<id>".
  staff text NOT NULL CHECK (char_length(staff) BETWEEN 1 AND 100),
  -- The route: "cancel", "cancel-due", "cancels/confirm", "cancels/record", "refunds-due/resolve",
  -- "deliveries/retry", "reconcile".
  action text NOT NULL CHECK (char_length(action) BETWEEN 1 AND 50),
  -- The order it was about, when the request or its answer names one.
  order_id text CHECK (char_length(order_id) <= 64),
  -- The body as sent (JSON), a refund account number masked but for its last 4 digits; null when it was not JSON.
  request text CHECK (char_length(request) <= 4000),
  http_status smallint NOT NULL CHECK (http_status BETWEEN 100 AND 599),
  -- The answer in a few words: its `status` or `code` (a cancel: "done 1000"), at most 200 characters.
  answer text CHECK (char_length(answer) <= 200)
);
CREATE INDEX kpg_staff_audit_by_order ON kpg_staff_audit (order_id, id) WHERE order_id IS NOT NULL;

CREATE FUNCTION kpg_staff_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'kpg_staff_audit is append-only' USING ERRCODE = 'check_violation', CONSTRAINT = 'kpg_staff_audit_append_only';
END $$;
CREATE TRIGGER kpg_staff_audit_append_only BEFORE UPDATE OR DELETE ON kpg_staff_audit
  FOR EACH ROW EXECUTE FUNCTION kpg_staff_audit_append_only();
