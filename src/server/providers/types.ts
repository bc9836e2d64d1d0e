/**
 * One interface for every PG, after Medusa's payment providers: a provider is stateless. It builds what
 * the browser needs to open the PG, verifies a result (and for Shinhan takes the money), and answers what
 * the PG knows about an attempt. The payment module (payments.ts) owns the records and every transition;
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
  buyer: { id: string; name: string; tel?: string; email?: string };
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
}
