/**
 * Every event the widget fires, with its detail type. All are `CustomEvent`s that bubble and cross
 * shadow roots (`composed`), and are declared in `GlobalEventHandlersEventMap`, so
 * `el.addEventListener('kpg-success', (e) => e.detail.result)` is typed for TypeScript users.
 */
import type { KpgResult, KpgVbank, ProviderId } from './schemas.js';

export type { KpgResult, KpgVbank, ProviderId };

/** The backend returned a valid session; the PG window is about to open. */
export interface KpgSessionDetail {
  provider: ProviderId;
  order_no: string;
}

/**
 * The backend verified the payment (`status: "paid"`). `result` is the backend's JSON as sent; `tid` is
 * its transaction id when it sent one (what `<kpg-receipt tid>` takes).
 */
export interface KpgSuccessDetail {
  provider: ProviderId;
  order_no: string;
  tid?: string;
  result: KpgResult;
}

/**
 * The payment failed. `code` is the backend's code (or the PG's, when only the PG reported). `message` is
 * the backend's fixed buyer-facing text (empty when only the PG reported: the element shows its own words).
 * `pg_message` is the PG's own text, for developers and logs: the element never shows it.
 */
export interface KpgFailDetail {
  provider: ProviderId;
  order_no: string;
  code: string;
  message: string;
  pg_message?: string;
}

/**
 * A virtual account (가상계좌) was issued and the money is not there yet (`status: "awaiting_deposit"`): the
 * attempt ends here, and the element shows the account. `kpg-success` follows only once the deposit is
 * verified (on a later page load, or the next press). `vbank.account_no` is there when the PG gives it
 * (Smartro does; Shinhan shows it in its own window only).
 */
export interface KpgVbankIssuedDetail {
  provider: ProviderId;
  order_no: string;
  vbank: KpgVbank;
  result: KpgResult;
}

/**
 * The order was paid and the shop has given the whole payment back (결제취소, `status: "refunded"`): found on
 * a later visit, or when the buyer presses again. The element shows that it was refunded, and no pay button.
 * `result.refunded_total` is what was given back. (A partial cancel keeps the order paid: `kpg-success`, with
 * `result.refunded_total` and `result.balance`.)
 */
export interface KpgRefundedDetail {
  provider: ProviderId;
  order_no: string;
  tid?: string;
  result: KpgResult;
}

/** The buyer cancelled. */
export interface KpgCancelDetail {
  provider: ProviderId;
  order_no: string;
  reason: string;
}

/** The buyer chose a card company or an installment in a card picker. */
export interface KpgCardSelectDetail {
  card_cpny_cd: string;
  card_cpny_name: string;
  /** `"00"` is a lump sum (일시불); otherwise `"02"`..`"12"` months. */
  install_month: string;
}

export type KpgErrorCode =
  /** An attribute is missing or invalid (`field` names it), or (with `status`) the backend refused it earlier on this page. Nothing was sent. */
  | 'invalid-config'
  /** The session request failed: network, timeout, HTTP error, or not JSON. */
  | 'session-failed'
  /** The session JSON has the wrong shape (`field` names the first bad field). */
  | 'invalid-session'
  /** A URL is not on an allowed origin (`field` names where it came from). */
  | 'origin-not-allowed'
  /** The PG script did not load, or loaded without its API. */
  | 'script-load-failed'
  /** The browser blocked the payment window. */
  | 'popup-blocked'
  /** A form field the backend sent cannot be posted as is (`field` names it): missing, too long in bytes, or a character the form's charset cannot hold. Nothing was posted. */
  | 'invalid-field'
  /** The result request failed or answered something unusable. */
  | 'result-failed'
  /** The backend still said `pending` / `processing` when the time bound ran out, or `unknown` (it could not learn the outcome yet). `order_no` is set. */
  | 'result-timeout'
  /** `POST session-url` answered 409 `attempt-in-progress`: another attempt of this order is open or being verified. */
  | 'attempt-in-progress'
  /** `pay()` with a card picker (`cards-url`) before the buyer chose a card. Nothing was sent. */
  | 'card-required'
  /** The card list could not be loaded or was unusable (HTTP error, bad JSON, ret_code not 0, empty). */
  | 'cards-failed'
  /** A receipt could not be opened or shown (backend error, bad JSON, a URL not allowed). */
  | 'receipt-failed'
  /** Issue 25: `pay()` before the buyer agreed to the PG's terms (the consent step, `terms="pg"`). Nothing was sent. */
  | 'terms-required'
  /** Issue 25: the PG's terms could not be loaded or were unusable. */
  | 'terms-failed';

/** Issue 25: the consent step's state (`kpg-terms-change`): what the checkout sends with the session. */
export interface KpgTermsDetail {
  /**
   * The PG has terms for this pgcode, or the shop slotted its own, or the terms could not be loaded (the step
   * shows why, with a retry): the buyer must agree before paying.
   */
  required: boolean;
  agreed: boolean;
  /** The terms_no agreed to (all of them once agreed), sent as `terms_agreed`. */
  terms_agreed: number[];
  /** The hash the backend answered with the terms, sent as `terms_hash`. */
  terms_hash: string | null;
  /**
   * The shop slotted its own terms (`slot="terms"`): `agreed` covers them too. Record that consent in your
   * own backend; kpg-checkout/server records the consent to the PG's terms only.
   */
  shop_terms: boolean;
}

/** Anything else went wrong. `provider` and `order_no` are set when known, so a shop can reconcile. */
export interface KpgErrorDetail {
  code: KpgErrorCode;
  message: string;
  status?: number;
  field?: string;
  provider?: ProviderId;
  order_no?: string;
}

export interface KpgEventMap {
  'kpg-card-select': CustomEvent<KpgCardSelectDetail>;
  'kpg-terms-change': CustomEvent<KpgTermsDetail>;
  'kpg-session': CustomEvent<KpgSessionDetail>;
  'kpg-success': CustomEvent<KpgSuccessDetail>;
  'kpg-fail': CustomEvent<KpgFailDetail>;
  'kpg-cancel': CustomEvent<KpgCancelDetail>;
  'kpg-error': CustomEvent<KpgErrorDetail>;
  'kpg-vbank-issued': CustomEvent<KpgVbankIssuedDetail>;
  'kpg-refunded': CustomEvent<KpgRefundedDetail>;
}

export type KpgEventName = keyof KpgEventMap;
export type KpgDetail<K extends KpgEventName> = KpgEventMap[K]['detail'];

/** The events that end an attempt: exactly one of these is fired per attempt. */
export type Outcome =
  | { type: 'kpg-success'; detail: KpgSuccessDetail }
  | { type: 'kpg-fail'; detail: KpgFailDetail }
  | { type: 'kpg-cancel'; detail: KpgCancelDetail }
  | { type: 'kpg-error'; detail: KpgErrorDetail }
  | { type: 'kpg-vbank-issued'; detail: KpgVbankIssuedDetail }
  | { type: 'kpg-refunded'; detail: KpgRefundedDetail };

/** What `pay()` resolves with: the type and detail of exactly the event that ended the attempt. */
export type OutcomeType = Outcome['type'];

/** Fire one of the widget's events from `target`. */
export function emit<K extends KpgEventName>(target: EventTarget, type: K, detail: KpgDetail<K>): boolean {
  return target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}

declare global {
  interface GlobalEventHandlersEventMap extends KpgEventMap {}
}
