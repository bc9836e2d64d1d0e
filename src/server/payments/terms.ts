/**
 * Issue 25: the PG's terms (Shinhan terms-info-list) and the buyer's consent to them.
 *
 * GET {base}/terms?pgcode= answers the terms as the widget shows them, with one hash over what it shows
 * (`terms_hash`). A session echoes the terms_no the buyer agreed to and that hash; the server computes the hash
 * again from the same cached list: a different one means the terms changed between display and payment (409
 * terms-changed, agree again). The hash is computed on the server only, both times, so the browser needs no
 * crypto (crypto.subtle is absent on a plain-http shop page) and cannot get it wrong.
 *
 *   sha256 of each terms_ctnt (UTF-8, hex);
 *   terms_hash = sha256(JSON.stringify([[terms_no, terms_nm, sha256], ...] in terms_no order)).
 */
import { createHash } from 'node:crypto';
import { HttpError } from '../http.js';
import type { PgTerms } from '../providers/shinhan.js';
import type { SessionBody } from '../schemas.js';
import type { Consent } from '../store/types.js';
import { shinhanFor, type PaymentsContext } from './context.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** What GET {base}/terms answers (and the session checks against). */
export interface TermsView {
  pgcode: string;
  /** Does this shop refuse a session for this pgcode without consent (shinhan.requireTerms and terms exist)? */
  required: boolean;
  /** null when the pgcode has no terms. */
  terms_hash: string | null;
  list: Array<PgTerms & { sha256: string }>;
}

export function termsView(pgcode: string, list: PgTerms[], requireTerms: boolean): TermsView {
  const sorted = [...list].sort((a, b) => a.terms_no - b.terms_no).map((t) => ({ terms_no: t.terms_no, terms_nm: t.terms_nm, terms_ctnt: t.terms_ctnt, sha256: sha256(t.terms_ctnt) }));
  const terms_hash = sorted.length ? sha256(JSON.stringify(sorted.map((t) => [t.terms_no, t.terms_nm, t.sha256]))) : null;
  return { pgcode, required: requireTerms && sorted.length > 0, terms_hash, list: sorted };
}

/** The terms of a pgcode the shop offers, fetched once per cardListTtlMs (the card list's cache rule). */
export async function termsOf(ctx: PaymentsContext, pgcode: string): Promise<{ ok: true; view: TermsView; text: string } | { ok: false; code: string; message: string }> {
  // Only the pgcodes the shop offers are proxied (and cached): no upstream call for anything else.
  const shinhan = shinhanFor(ctx, pgcode);
  return ctx.caches.terms.get(
    pgcode,
    async () => {
      const got = await shinhan.terms(pgcode);
      if (!got.ok) return { ok: false as const, code: got.code, message: got.message };
      const view = termsView(pgcode, got.list, shinhan.requireTerms);
      return { ok: true as const, view, text: JSON.stringify(view) };
    },
    (v) => v.ok,
  );
}

/**
 * The consent a Shinhan session carries, checked against the current terms (issue 25): undefined where none is
 * asked and none was given; the Consent to record with the attempt; or a 400 / 409 / 502 naming what is wrong.
 */
export async function consentFor(ctx: PaymentsContext, pgcode: string, body: SessionBody): Promise<Consent | undefined> {
  const shinhan = ctx.shinhan!;
  const given = body.terms_agreed !== undefined || body.terms_hash !== undefined;
  if (!shinhan.requireTerms && !given) return undefined;
  const terms = await termsOf(ctx, pgcode);
  // A PG that cannot be reached at all is said as such (the session's own code for it); any other failure
  // to learn the terms is terms-unavailable. Either way no attempt is made.
  if (!terms.ok) throw new HttpError(502, terms.code === 'pg-unreachable' ? 'pg-unreachable' : 'terms-unavailable', `The PG's terms could not be loaded: ${terms.message}`);
  const { view } = terms;
  if (view.list.length === 0) return undefined; // nothing to agree to for this pgcode
  if (body.terms_agreed === undefined) {
    throw new HttpError(400, 'missing-field', `terms_agreed is required: the buyer must agree to the PG's terms (${view.list.map((t) => t.terms_no).join(', ')}) before paying with ${pgcode}.`, 'terms_agreed');
  }
  const missing = view.list.filter((t) => !body.terms_agreed!.includes(t.terms_no));
  if (missing.length) {
    throw new HttpError(400, 'terms-not-agreed', `terms_agreed lacks terms ${missing.map((t) => t.terms_no).join(', ')}: the buyer must agree to every one of the PG's terms.`, 'terms_agreed');
  }
  if (body.terms_hash === undefined) throw new HttpError(400, 'missing-field', 'terms_hash is required with terms_agreed: send the terms_hash GET {base}/terms answered.', 'terms_hash');
  if (body.terms_hash !== view.terms_hash) {
    throw new HttpError(409, 'terms-changed', "The PG's terms changed since they were shown: show them again and ask the buyer to agree again.", 'terms_hash');
  }
  return {
    agreed_at: ctx.nowIso(),
    terms_hash: view.terms_hash!,
    terms: view.list.map((t) => ({ terms_no: t.terms_no, terms_nm: t.terms_nm, sha256: t.sha256 })),
  };
}
