-- Issue 19: reconcile() asks about EVERY open account fairly, and refusals stop growing without bound.
-- Migrations already shipped are never edited: this one adds to them.

-- When reconcile() last asked the PG about an attempt (NULL: never). It takes them in batches, the least
-- recently checked first, so that no set of attempts (500 parked virtual accounts, say) can keep the others
-- from ever being asked.
ALTER TABLE kpg_attempts ADD COLUMN checked_at timestamptz;
CREATE INDEX kpg_attempts_to_check ON kpg_attempts (status, checked_at NULLS FIRST, created_at);

-- Who sent a refused request: the client's address key (an IPv6 client by its /64), "unknown" when the
-- address is not known, "server" for reconcile().
ALTER TABLE kpg_refusals ADD COLUMN source text;

-- Every refusal counted per hour, route, code and source; only the first few of each are kept as rows in
-- kpg_refusals (a flood of junk is a count, not a table that grows by one row per request).
CREATE TABLE kpg_refusal_counts (
  bucket timestamptz NOT NULL,
  route text NOT NULL,
  code text NOT NULL,
  source text NOT NULL,
  count bigint NOT NULL CHECK (count > 0),
  PRIMARY KEY (bucket, route, code, source)
);
