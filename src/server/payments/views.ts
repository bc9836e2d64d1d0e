/**
 * What leaves the server about an attempt, and nothing more: the result view (GET result-url, every event's
 * `data`, kpg.payment()), masked card and account numbers, and the receipt slip's fields. Pure functions.
 */
import type { VbankView } from '../events/types.js';
import { payMethodName } from '../providers/smartro.js';
import { SLIP_FIELDS as SLIP_KEYS, SLIP_MERCHANT_FIELDS as MERCHANT_KEYS, SLIP_PART_CANCEL_FIELDS as PART_KEYS } from '../schemas.js';
import { visibleStatus } from '../state.js';
import type { PaymentMoney } from '../store/cancels.js';
import type { Attempt } from '../store/types.js';
import { failText } from '../texts.js';
import type { ResultView } from './context.js';

/**
 * What result-url answers for an attempt: the visible status and only what the buyer may see. `money`: the
 * payment's money in the cancels ledger (issue 22), for a paid or refunded attempt: `refunded_total` and
 * `balance` are added once something was given back.
 */
export function view(a: Attempt, money?: PaymentMoney): ResultView {
  const status = visibleStatus(a);
  const out: ResultView = { status, order_no: a.order_no, order_id: a.order_id, provider: a.provider, amount: a.amount, product_name: a.product_name };
  // How it is paid, as the widget names it (card, vbank, bank, phone), where the attempt knows it.
  const method = payMethodName(a.pay_method);
  if (method) out.pay_method = method;
  // Issue 25: escrow as Shinhan's return said it (escr_yn), and whether the buyer's consent to the PG's terms is on record.
  if (a.escrow) out.escrow = a.escrow === 'Y';
  if (a.consent) out.terms_agreed = a.consent.terms.map((t) => t.terms_no);
  if (status === 'paid' || status === 'refunded') {
    out.tid = a.tid;
    for (const key of ['approved_at', 'card_cpny_cd', 'card_name', 'install_month', 'bank_name'] as const) if (a[key]) out[key] = a[key];
    if (a.card_no) out.card_no = maskCardNo(a.card_no);
    if (a.pay_method === 'VBANK' && a.vbank_due_date) out.vbank = vbankView(a);
    // Given back (the cancels done) and what is left of what the buyer paid (amount - a promotion's discount).
    if (money && money.tid === a.tid && (money.refunded > 0 || status === 'refunded')) {
      out.refunded_total = money.refunded;
      out.balance = status === 'refunded' ? 0 : Math.max(0, money.amount - money.discount - money.refunded);
    }
  } else if (status === 'awaiting_deposit') {
    // The account the buyer deposits into (contract v2): as text, never markup, on the widget's side.
    out.tid = a.claimed_tid;
    out.vbank = vbankView(a);
  } else if (status === 'failed') {
    const code = a.status === 'pending' ? (a.reported_code ?? 'pg-failed') : (a.code ?? 'pg-failed');
    out.code = code;
    out.message = failText(code);
    // The PG's own words, for developers (never shown to the buyer); a browser's words are never passed on.
    if (a.status === 'failed' && a.pg_message) out.pg_message = a.pg_message;
  } else if (status === 'cancelled') {
    out.reason = a.status === 'pending' ? (a.reported_code ?? 'buyer-cancelled') : (a.reason ?? 'cancelled');
  }
  return out;
}

/** `vbank: {bank_name, account_no?, holder, amount, due_date}` (account_no where the PG gives one: Shinhan does not). */
function vbankView(a: Attempt): VbankView {
  return {
    bank_name: a.bank_name,
    ...(a.vbank_account_no ? { account_no: a.vbank_account_no } : {}),
    holder: a.vbank_holder,
    amount: a.amount,
    due_date: a.vbank_due_date,
  };
}

/**
 * A card number shows at most its first 6 and last 4 digits ("9410-12**-****-1234" stays as it is, and so
 * does anything of 10 digits or fewer).
 */
export function maskCardNo(value: string): string {
  const digits = value.replace(/\D/g, '');
  let seen = 0;
  const keepHead = 6;
  const keepTail = 4;
  return value.replace(/\d/g, (d) => {
    seen++;
    return seen <= keepHead || seen > digits.length - keepTail ? d : '*';
  });
}

/** "110123456789" -> "********6789": every digit but the last 4 masked. */
export function maskAccountNo(value: string): string {
  const digits = value.replace(/\D/g, '').length;
  let seen = 0;
  return value.replace(/\d/g, (d) => (++seen > digits - 4 ? d : '*'));
}

/** Only the fields the receipt slip shows pass to the browser. */
export function slip(receipt: Record<string, unknown>): Record<string, unknown> {
  const pick = (source: unknown, keys: readonly string[]) => {
    if (typeof source !== 'object' || source === null) return undefined;
    const out: Record<string, unknown> = {};
    for (const key of keys) if ((source as Record<string, unknown>)[key] !== undefined) out[key] = (source as Record<string, unknown>)[key];
    return out;
  };
  const out = pick(receipt, SLIP_KEYS) ?? {};
  if (typeof out.cardNo === 'string') out.cardNo = maskCardNo(out.cardNo);
  // A bank transfer's acctNo is the buyer's own account: only its last 4 digits reach the browser.
  if (typeof out.acctNo === 'string') out.acctNo = maskAccountNo(out.acctNo);
  if (Array.isArray(receipt.merchantInfo)) out.merchantInfo = receipt.merchantInfo.map((m) => pick(m, MERCHANT_KEYS));
  else if (receipt.merchantInfo) out.merchantInfo = pick(receipt.merchantInfo, MERCHANT_KEYS);
  if (Array.isArray(receipt.partCancelInfo)) out.partCancelInfo = receipt.partCancelInfo.map((p) => pick(p, PART_KEYS));
  else if (receipt.partCancelInfo) out.partCancelInfo = pick(receipt.partCancelInfo, PART_KEYS);
  return out;
}

/** tx_ymd (YYYY-MM-DD) for a Shinhan receipt: the day the PG reported, else the Korean date of the record. */
export function receiptDate(attempt: Attempt): string {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(attempt.approved_at ?? '');
  if (m) return `${m[1]}-${m[2]}-${m[3]}`;
  const kst = new Date(Date.parse(attempt.finished_at ?? attempt.created_at) + 9 * 3600_000);
  return kst.toISOString().slice(0, 10);
}
