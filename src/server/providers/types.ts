/**
 * One interface for every PG, after Medusa's payment providers: a provider is stateless. It builds what
 * the browser needs to open the PG, verifies a result (and for Shinhan takes the money), and answers what
 * the PG knows about an attempt. The payment module (payments/) owns the records and every transition;
 * a provider never touches the store.
 */
import type { SessionBody } from '../schemas.js';
import type { Attempt, PaidDetails, ProviderName, VbankAccount } from '../store/types.js';
import type { PgFailure } from './pg-fetch.js';

/** The order as the shop's `loadOrder` returned it (checked by KpgOrderSchema). */
export interface KpgOrder {
  order_id: string;
  amount: number;
  product_name: string;
  /**
   * tel and email go to Shinhan as mobile_no and email_flag "Y" + email_addr (issue 25); ci (the buyer's
   * connecting information, 88 characters) as user_ci, which selpay requires. Each may be left out, null or "".
   * (At run time a whole-number `id`, a JavaScript backend's integer key, is taken as its digits.)
   */
  buyer: { id: string; name: string; tel?: string | null; email?: string | null; ci?: string | null };
  /**
   * The tax-free (비과세) part of `amount`, and its VAT (부가세). Shinhan's payments/request takes both
   * (tax_amount defaults to round((amount - taxfree_amount) / 11)); Smartro's WEBLink form has no such field.
   */
  taxfree_amount?: number;
  tax_amount?: number;
}

/** Where the PG sends the buyer's browser, or its own server, back to (on the shop's public origin). */
export interface CallbackUrls {
  shinhanReturn: string;
  shinhanCancel: string;
  shinhanFail: string;
  smartroReturn: string;
  smartroRetry: string;
  smartroStop: string;
}

export interface SessionInput {
  attempt: Attempt;
  order: KpgOrder;
  body: SessionBody;
  urls: CallbackUrls;
}

export type SessionAnswer =
  | { provider: 'shinhan'; order_no: string; redirect_url: string }
  | { provider: 'smartro'; order_no: string; action: string; fields: Record<string, string> };

export type SessionOutcome =
  | { ok: true; answer: SessionAnswer }
  /** pg-refused: the PG said no (its words in pgMessage); else it could not be asked. */
  | { ok: false; code: 'pg-refused' | PgFailure['code']; pgMessage: string };

/** What the PG says about an attempt, after being asked (confirm, the receipt API, confirm-info). */
export type Settlement =
  /** The money moved for this attempt, for its amount (a virtual account: the deposit arrived, `account` is it). */
  | { kind: 'paid'; details: PaidDetails; account?: Partial<VbankAccount> }
  /**
   * A virtual account is issued for this attempt and no deposit has reached it (yet): `account` is what the
   * PG's records say about it (the payment module keeps what the result said where they say nothing).
   */
  | { kind: 'issued'; tid: string; account: Partial<VbankAccount> }
  /** The PG said no, or the payment was cancelled at the PG: no money for this attempt. */
  | { kind: 'declined'; code: string; pgMessage?: string }
  /** The PG took another amount than the attempt's: recorded as failed, the money as owed back. */
  | { kind: 'wrong-amount'; details: PaidDetails; amount: number }
  /**
   * The PG's own records contradict what arrived (a replayed approval of another order). `tid`: the TID that
   * was asked about, when it was not the attempt's own claimed one (a refutation of it never discards that).
   */
  | { kind: 'refuted'; message: string; tid?: string }
  /** Nothing usable came back: the PG may or may not have acted. */
  | { kind: 'unknown'; message: string }
  /** The PG has no payment for this attempt (now). */
  | { kind: 'nothing'; message: string };

/** Where a deposited virtual account's money goes back (Shinhan's bank_cd / bank_acct_no / bank_name). */
export interface RefundAccount {
  /** Bank code, 3 digits. */
  bank_code: string;
  /** The account number, digits only (Shinhan: at most 14). */
  account_no: string;
  /** The account holder's name (계좌주명; Shinhan: at most 20 characters). */
  holder: string;
}

/** A cancel to send to the PG: the cancels module decided it may be sent. */
export interface CancelInput {
  /** The attempt that took the money (order_no, user_id, pay_method). */
  attempt: Attempt;
  /** The PG transaction to cancel (the payment's TID, or a refund_due entry's). */
  tid: string;
  /** true: the PG's whole-balance cancel; false: a partial cancel of `amount`. */
  full: boolean;
  /** full: the balance as the ledger knows it (Shinhan wants it named); partial: the amount asked. */
  amount: number;
  /** Partial cancels (Shinhan cancel/partial): the tax-free part and the VAT sent. */
  taxfreeAmount?: number;
  taxAmount?: number;
  reason: string;
  /** Shinhan's ip_addr. */
  clientIp: string;
  refundAccount?: RefundAccount;
}

/** What a cancel call came to. */
export type CancelOutcome =
  /** Given back: `amount` is what the PG ANSWERED (Shinhan's promotion rule can make it differ from what was asked). */
  | { kind: 'done'; amount: number; cancelId: string | null; cancelledAt: string | null; ref: string | null }
  /** Nothing was given back: the PG said no, or nothing was sent. */
  | { kind: 'refused'; code: string; pgMessage: string }
  /** Timeout, 5xx, an answer nobody can read: it may or may not have been given back. Never retried blindly. */
  | { kind: 'unknown'; message: string };

/** One cancel the PG's records show. */
export interface PgCancelEntry {
  /** Names the entry among the payment's cancels ("full", Smartro "part:N" for the Nth partCancelInfo entry). */
  ref: string;
  /** Where the PG says it (Smartro's transAmt; Shinhan gives none). */
  amount?: number;
  at: string | null;
  cancelId: string | null;
  reason: string | null;
}

/** What the PG's records say about a payment's cancels (Shinhan confirm-info, Smartro's receipt API). */
export interface PgCancelState {
  /** approved: nothing cancelled; partial: some cancelled, some left; cancelled: nothing left. */
  state: 'approved' | 'partial' | 'cancelled';
  /** The PG's total cancelled where it says (Smartro); undefined where it cannot (Shinhan tx_stat 3). */
  cancelledTotal?: number;
  /** Smartro: every partial cancel and the final full one; Shinhan: only the full one (tx_stat 2), without amount. */
  entries: PgCancelEntry[];
}

export type PgCancelLookup = { ok: true; state: PgCancelState } | { ok: false; message: string };

export interface PaymentProvider {
  readonly name: ProviderName;
  /** Shinhan client_id / Smartro MID. */
  readonly merchantId: string;
  /**
   * Whether the PG takes the money before the shop's server hears of it. Shinhan: no, only at the server's
   * payments/confirm, so a newer attempt may supersede a pending one at once. Smartro: yes (WEBLink approves
   * first), so a pending attempt must be over first.
   */
  readonly approvesWithoutServer: boolean;
  /** Builds what the browser needs to open the PG (Shinhan calls payments/request). */
  createSession(input: SessionInput): Promise<SessionOutcome>;
  /**
   * Verifies a result that claims an approval and returns the verdict. Shinhan: calls payments/confirm (the
   * money moves here) and checks the answer. Smartro: asks the receipt API about `claim.tid`.
   */
  settle(attempt: Attempt, claim: { tid?: string; confirmToken?: string; clientIp: string; details?: PaidDetails; account?: Partial<VbankAccount> }): Promise<Settlement>;
  /**
   * What the PG knows now (reconcile, a closed window, a superseding session). For a virtual account
   * (`pay_method` VBANK with its TID in `claimed_tid`): `issued` while no deposit has arrived, `paid` once
   * it has, `declined` when the account was cancelled at the PG.
   */
  lookup(attempt: Attempt): Promise<Settlement>;
  /** Gives money back (a whole or a partial cancel). Never retried here: an `unknown` is settled from cancelState. */
  cancel(input: CancelInput): Promise<CancelOutcome>;
  /** What the PG's records say about the cancels of the payment `tid` of `attempt`. */
  cancelState(attempt: Attempt, tid: string): Promise<PgCancelLookup>;
}
