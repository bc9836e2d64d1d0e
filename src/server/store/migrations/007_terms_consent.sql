-- Issue 25: the buyer's consent to the PG's terms, kept with the attempt it was given for, and the escrow flag
-- Shinhan's return_url carries (escr_yn). What the database itself refuses, whoever writes:
--   * a consent that does not say when, to what (the terms' hash) and to which terms (a non-empty list)   (CHECK)
--   * a consent changed or removed once recorded: it is written with the attempt's INSERT only          (trigger)
--   * an escrow flag other than Y / N                                                                   (CHECK)
-- Migrations already shipped are never edited: this one adds to them. It does not depend on 006 (numbers may
-- have a gap: the runner applies every file not yet recorded in kpg_migrations, in name order).

ALTER TABLE kpg_attempts
  -- {"agreed_at": ISO time, "terms_hash": sha256 hex, "terms": [{"terms_no", "terms_nm", "sha256"}]}:
  -- what the server showed (GET {base}/terms) and the buyer agreed to; null where no consent was asked.
  ADD COLUMN consent jsonb,
  -- Shinhan escr_yn as return_url posted it (the buyer's browser: signed by nothing, informational); null: absent.
  ADD COLUMN escrow text,
  ADD CONSTRAINT kpg_attempts_consent_shape CHECK (
    consent IS NULL OR (
      jsonb_typeof(consent) = 'object'
      AND jsonb_typeof(consent -> 'agreed_at') = 'string'
      AND jsonb_typeof(consent -> 'terms_hash') = 'string'
      AND jsonb_typeof(consent -> 'terms') = 'array'
      AND jsonb_array_length(consent -> 'terms') > 0)),
  ADD CONSTRAINT kpg_attempts_escrow_yn CHECK (escrow IS NULL OR escrow IN ('Y', 'N'));

CREATE FUNCTION kpg_attempts_consent_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.consent IS DISTINCT FROM OLD.consent THEN
    RAISE EXCEPTION 'kpg_attempts.consent is recorded with the attempt and never changed'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'kpg_attempts_consent_kept';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER kpg_attempts_consent_kept BEFORE UPDATE ON kpg_attempts
  FOR EACH ROW EXECUTE FUNCTION kpg_attempts_consent_kept();
