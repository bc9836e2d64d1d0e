-- Issue 11: virtual accounts (가상계좌), bank transfer (계좌이체) and phone (휴대폰) payments.
-- A new status (state.ts: awaiting_deposit, OPEN), the one-open-attempt index re-created with it, and the
-- columns of an issued account. Migrations already shipped are never edited: this one adds to them.

INSERT INTO kpg_attempt_statuses (status, open) VALUES ('awaiting_deposit', true);

-- At most one open attempt per order, the open statuses of state.ts (OPEN_STATUSES) now including
-- awaiting_deposit: the order takes no new attempt while its account can still receive the money.
DROP INDEX kpg_attempts_one_open_per_order;
CREATE UNIQUE INDEX kpg_attempts_one_open_per_order ON kpg_attempts (order_id)
  WHERE status IN ('pending', 'processing', 'unknown', 'awaiting_deposit');

ALTER TABLE kpg_attempts
  -- Bank transfer and virtual account: the bank (Smartro fn_cd / fn_name, Shinhan bank_nm).
  ADD COLUMN bank_code text CHECK (char_length(bank_code) <= 10),
  ADD COLUMN bank_name text CHECK (char_length(bank_name) <= 100),
  -- The issued account: its number where the PG tells the shop (Smartro VbankNum; Shinhan sends none),
  -- the holder (예금주), and the last day a deposit is taken (Korea time).
  ADD COLUMN vbank_account_no text CHECK (vbank_account_no ~ '^[0-9-]{6,30}$'),
  ADD COLUMN vbank_holder text CHECK (char_length(vbank_holder) BETWEEN 1 AND 100),
  ADD COLUMN vbank_due_date text CHECK (vbank_due_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
  -- An account awaiting its deposit names its transaction (claimed_tid), bank, holder and due date.
  ADD CONSTRAINT kpg_attempts_awaiting_has_account CHECK (
    status <> 'awaiting_deposit'
    OR (claimed_tid IS NOT NULL AND bank_name IS NOT NULL AND vbank_holder IS NOT NULL AND vbank_due_date IS NOT NULL));

-- One issued account (its TID) belongs to one waiting attempt: a genuine issue of another order replayed
-- onto this one cannot show the buyer an account that pays someone else's order.
CREATE UNIQUE INDEX kpg_attempts_awaiting_tid ON kpg_attempts (provider, claimed_tid) WHERE status = 'awaiting_deposit';
