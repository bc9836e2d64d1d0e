/**
 * Shinhan PG (SPG): payments/request and payments/confirm (payment key), confirm-info, card-list and
 * receipt/info (search key), and the two hashes. Stateless; server to server only.
 *
 * Spec: shinhan-spg-api.txt. Shinhan takes money only at payments/confirm, which only this server calls:
 * a pending attempt can be superseded at once, and a result that arrives for a superseded one is simply
 * never confirmed.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { clip, isHttpUrl, sameSecret } from '../http.js';
import {
  phoneDigits,
  ShinhanCancelSchema,
  ShinhanConfirmInfoSchema,
  ShinhanConfirmSchema,
  ShinhanReceiptSchema,
  ShinhanRequestSchema,
  ShinhanStatusSchema,
  type ShinhanConfirm,
  type ShinhanReturn,
} from '../schemas.js';
import type { Attempt, VbankAccount } from '../store/types.js';
import { fetchPgJson, isPlainObject, type PgFailure, type PgReply } from './pg-fetch.js';
import { ymd } from '../vbank.js';
import { vatOf } from '../tax.js';
import type { CancelInput, CancelOutcome, PaymentProvider, PgCancelLookup, SessionInput, SessionOutcome, Settlement } from './types.js';

export interface ShinhanOptions {
  /**
   * SPG API base: the host Shinhan gave you with your client_id (a trailing "/" is added). Required, and
   * there is no `env` option as Smartro has: shinhan-spg-api.txt names only resource paths
   * (v1.0/payments/request, ...), no API host for test or production. (Its examples show
   * devpayapispg.shinhan.com in a redirect_url it answers, and the payment script on payspg.shinhan.com.)
   */
  apiBase: string;
  clientId: string;
  /** Key type "payment": payments/request, payments/confirm. */
  paymentApiKey: string;
  /** Key type "search": card-list, receipt/info, confirm-info. */
  searchApiKey: string;
  /**
   * The pgcodes this shop offers; the browser may only choose among them (fault 8), the first is used when
   * it names none. Default `["selpay", "card"]`. `nauthcard` (no card authentication) or `bizselpay`
   * (corporate) only when your contract with Shinhan includes them.
   */
  pgcodes?: string[];
  /**
   * A virtual account's due date (vald_dt, from the buyer's browser: the return is signed by nothing) may be
   * at most this many days after today, Korea time; a later one is refused (issue 19, item 2). Shinhan's
   * document states no maximum: set this to the longest 입금기한 your Shinhan contract allows. Default 30,
   * at most 60 (Smartro's vbankDueDays bound).
   */
  vbankMaxDueDays?: number;
  /**
   * Issue 25: ask the buyer to agree to the PG's terms (terms-info-list) before a payment. On: a session for a
   * pgcode with terms must carry `terms_agreed` (every current terms_no) and `terms_hash` (as GET {base}/terms
   * answered), or it is refused (400 / 409), and the consent is recorded with the attempt. Off: a consent the
   * widget sends anyway is still checked and recorded; none is required. Default true: a pgcode for which
   * terms-info-list answers "no data" has no terms and needs no consent either way. Set false only while a
   * custom client of yours does not send terms_agreed / terms_hash yet (docs/terms.md "The server: consent required and recorded").
   */
  requireTerms?: boolean;
  /**
   * Issue 25: Shinhan's selpay table marks `user_ci` (the buyer's CI, 88 characters) 필수; loadOrder returns it
   * as `buyer.ci`. A selpay session without it is refused naming buyer.ci, unless your contract with Shinhan
   * waives it: then set this true. Default false.
   */
  userCiWaived?: boolean;
}

/** One of the PG's terms (terms-info-list): its number, name and HTML content (untrusted). */
export type PgTerms = { terms_no: number; terms_nm: string; terms_ctnt: string };

const ShinhanTermsSchema = z.object({
  list: z.union([
    z.array(z.object({ terms_no: z.coerce.number().int().nonnegative(), terms_nm: z.string().min(1).max(200), terms_ctnt: z.string().max(500_000) })).max(50),
    z.object({ terms_no: z.coerce.number().int().nonnegative(), terms_nm: z.string().min(1).max(200), terms_ctnt: z.string().max(500_000) }).transform((t) => [t]),
  ]),
});

/**
 * The buyer's contact for Shinhan's messages (issue 25), from the shop's order only: `email_flag` "Y" with
 * `email_addr` (string 50; "email_flag 'Y'인 경우에만 사용") and `mobile_no` (string 11: digits, a +82 number
 * written the Korean way). What does not fit the document's sizes is not sent.
 */
export function buyerContact(buyer: { email?: string | null; tel?: string | null }): Record<string, string> {
  const out: Record<string, string> = {};
  if (buyer.email && buyer.email.length <= 50) Object.assign(out, { email_flag: 'Y', email_addr: buyer.email });
  const digits = phoneDigits(buyer.tel);
  if (/^0\d{9,10}$/.test(digits)) out.mobile_no = digits;
  return out;
}

/** The default bound of a Shinhan virtual account's due date, in days from today (Korea time). */
export const SHINHAN_VBANK_MAX_DUE_DAYS = 30;

/** pay_type 1 = 단일 결제 (single payment), the only kind this server starts. */
export const PAY_TYPE_SINGLE = 1;

/** "결제 인증 결과 (UI)로 이동 후 30분(토큰 만료) 안에" payments/confirm must be called. */
export const CONFIRM_WINDOW_MS = 30 * 60 * 1000;

export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** param_ispt_hash = sha256(client_id + user_id + order_no + pay_type + amount + payment API key), sent with payments/request. */
export function paramIsptHash(p: { clientId: string; userId: string; orderNo: string; payType: number; amount: number; paymentApiKey: string }) {
  return sha256Hex(`${p.clientId}${p.userId}${p.orderNo}${p.payType}${p.amount}${p.paymentApiKey}`);
}

/** pay_ispt_hash = sha256(user_id + amount + tid + payment API key), received in the confirm answer. */
export function payIsptHash(p: { userId: string; amount: number; tid: string; paymentApiKey: string }) {
  return sha256Hex(`${p.userId}${p.amount}${p.tid}${p.paymentApiKey}`);
}

/**
 * What a return_url post without a confirm token says about a virtual account (가상계좌, issue 11). The
 * document signs nothing on this post: it is believed only as far as it can be checked (the attempt's
 * custom_parameter, done by the caller; the amount; the fields' form), then against confirm-info.
 */
export type ShinhanVbankClaim =
  | { kind: 'issued'; tid: string; account: Partial<VbankAccount> }
  /** ret_code other than 0: the window says the account was not issued (a browser's word: pending only). */
  | { kind: 'failed'; code: string; said: string }
  | { kind: 'refused'; code: string; message: string };

type Answer<T> = { ok: true; data: T } | { ok: false; kind: 'refused'; message: string; status: number } | { ok: false; kind: 'failure'; failure: Omit<PgFailure, 'ok'> };

export type ShinhanProvider = PaymentProvider & {
  readonly pgcodes: readonly string[];
  readonly requireTerms: boolean;
  readonly userCiWaived: boolean;
  /** terms-info-list: the pgcode's terms; an empty list where the PG has "no data" for it. */
  terms(pgcode: string): Promise<{ ok: true; list: PgTerms[] } | { ok: false; code: string; message: string }>;
  cardList(pgcode: string): Promise<{ ok: true; text: string; json: Record<string, unknown> } | PgFailure>;
  receiptUrl(p: { tid: string; amount: number; txYmd: string }): Promise<{ ok: true; redirect_url: string } | { ok: false; code: string; message: string }>;
  /** A return without confirm_token: a virtual account's fields, or undefined when it carries none. */
  judgeVbank(form: ShinhanReturn, attempt: Attempt): ShinhanVbankClaim | undefined;
};

/** A virtual account attempt whose account's TID is known (Shinhan's selpay window chose 가상계좌). */
const isVbank = (attempt: Attempt) => attempt.pay_method === 'VBANK' && attempt.claimed_tid !== null;

export function createShinhanProvider(options: ShinhanOptions, io: { timeoutMs: number; redact?: (text: string) => string; now?: () => Date }): ShinhanProvider {
  const maxDueDays = options.vbankMaxDueDays ?? SHINHAN_VBANK_MAX_DUE_DAYS;
  const now = io.now ?? (() => new Date());
  /** The PG's own words: redacted, THEN clipped (issue 19, item 9: a key cut in two would leak its first half). */
  const said = (text: string, max?: number) => clip(io.redact ? io.redact(text) : text, max);
  const apiBase = options.apiBase.endsWith('/') ? options.apiBase : `${options.apiBase}/`;
  const pgcodes = options.pgcodes?.length ? [...options.pgcodes] : ['selpay', 'card'];

  const post = (path: string, body: Record<string, unknown>) =>
    fetchPgJson(
      new URL(path, apiBase),
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          Accept: 'application/json',
          Authorization: `SPGKEY ${options.paymentApiKey}`,
        },
        body: JSON.stringify(body),
      },
      { timeoutMs: io.timeoutMs },
    );

  const get = (path: string, query: Record<string, string>) => {
    const url = new URL(path, apiBase);
    for (const [name, value] of Object.entries({ client_id: options.clientId, ...query })) url.searchParams.set(name, value);
    return fetchPgJson(url, { method: 'GET', headers: { Accept: 'application/json', Authorization: `SPGKEY ${options.searchApiKey}` } }, { timeoutMs: io.timeoutMs });
  };

  /** The common { ret_code, ret_msg } part, then the success shape. A 5xx is never a refusal: it is a failure to learn. */
  function read<T extends z.ZodType>(reply: PgReply | PgFailure, schema: T): Answer<z.infer<T>> {
    if (!reply.ok) return { ok: false, kind: 'failure', failure: reply };
    const status = ShinhanStatusSchema.safeParse(reply.json);
    if (reply.status >= 500 || !status.success) {
      return { ok: false, kind: 'failure', failure: { code: 'pg-bad-response', message: `The PG answered HTTP ${reply.status} without a usable ret_code.`, status: reply.status } };
    }
    if (status.data.ret_code !== 0) {
      return { ok: false, kind: 'refused', message: said(status.data.ret_msg ?? `ret_code ${status.data.ret_code}`), status: reply.status };
    }
    const success = schema.safeParse(reply.json);
    if (reply.status < 200 || reply.status > 299 || !success.success) {
      return { ok: false, kind: 'failure', failure: { code: 'pg-bad-response', message: 'The PG answered ret_code 0 with a malformed body.', status: reply.status } };
    }
    return { ok: true, data: success.data };
  }

  /** A confirm answer checked against OUR attempt: its hash with our user_id and key, then its amount. */
  function verify(attempt: Attempt, answer: ShinhanConfirm): Settlement {
    if (answer.order_no !== attempt.order_no) return { kind: 'unknown', message: 'The PG confirmed a different order_no.' };
    const hash = payIsptHash({ userId: attempt.user_id, amount: answer.amount, tid: answer.tid, paymentApiKey: options.paymentApiKey });
    if (!sameSecret(answer.pay_ispt_hash.toLowerCase(), hash)) {
      // Not trusted: maybe tampered, maybe a PG bug. confirm-info (another authenticated call) settles it later.
      return { kind: 'unknown', message: 'pay_ispt_hash does not match: the confirm answer is not trusted.' };
    }
    const card = answer.pay_info?.[0] ?? {};
    // "할인 금액(신용카드사 프로모션 할인 금액)": the buyer paid amount - discount_amount, and only that can be
    // given back (the promotion rule of cancel/partial). Read leniently: it decides no payment.
    const discount = wholeNumber(answer.discount_amount);
    const details = {
      tid: answer.tid,
      approved_at: answer.tx_date ?? null,
      card_cpny_cd: card.card_cpny_cd ?? null,
      card_name: card.card_name ?? null,
      card_no: card.card_no ?? null,
      install_month: card.install_month ?? answer.install_month ?? null,
      card_aprv_no: card.card_aprv_no ?? null,
      ...(discount !== undefined && discount > 0 && discount < answer.amount ? { discount_amount: discount } : {}),
    };
    if (answer.amount !== attempt.amount) return { kind: 'wrong-amount', details, amount: answer.amount };
    return { kind: 'paid', details };
  }

  return {
    name: 'shinhan',
    merchantId: options.clientId,
    approvesWithoutServer: false,
    pgcodes,
    requireTerms: options.requireTerms !== false,
    userCiWaived: options.userCiWaived === true,

    async createSession({ attempt, order, body, urls }: SessionInput): Promise<SessionOutcome> {
      const mobileApp = attempt.device_type === 1 && attempt.app_scheme;
      const request: Record<string, unknown> = {
        pgcode: attempt.pgcode,
        client_id: options.clientId,
        user_id: attempt.user_id,
        // The document's lengths (user_name 20, product_name 50) are the PG's, not the shop's: longer names
        // are cut there, never inside a character (as Smartro's are cut to its byte lengths).
        user_name: firstChars(order.buyer.name, 20),
        order_no: attempt.order_no,
        pay_type: PAY_TYPE_SINGLE,
        device_type: attempt.device_type,
        amount: attempt.amount,
        product_name: firstChars(attempt.product_name, 50),
        return_url: urls.shinhanReturn,
        cancel_url: urls.shinhanCancel,
        fail_url: urls.shinhanFail,
        custom_parameter: attempt.nonce,
        // Issue 25: the buyer's CI (selpay's table: 필수; checked at session time) and contact, from loadOrder.
        ...(order.buyer.ci ? { user_ci: order.buyer.ci } : {}),
        ...buyerContact(order.buyer),
        ...(body.main_color ? { main_color: body.main_color } : {}),
        ...(body.point_color ? { point_color: body.point_color } : {}),
        ...(body.card_cpny_cd ? { card_cpny_cd: body.card_cpny_cd } : {}),
        ...(body.install_month ? { install_month: body.install_month } : {}),
        // Issue 12: the ISP / card app brings the buyer back to the shop's app (string 100).
        ...(mobileApp ? { app_return_url: `${attempt.app_scheme}kpg/return`, app_cancel_url: `${attempt.app_scheme}kpg/cancel` } : {}),
        // Issue 22: the tax-free part and its VAT, from the shop's order. tax_amount as the shop gives it, else
        // as the document computes it (round((amount - taxfree_amount - cup_return_deposit) / 11); no deposit here).
        ...(order.taxfree_amount !== undefined ? { taxfree_amount: order.taxfree_amount, tax_amount: order.tax_amount ?? vatOf(attempt.amount, order.taxfree_amount) } : {}),
        ...(order.taxfree_amount === undefined && order.tax_amount !== undefined ? { tax_amount: order.tax_amount } : {}),
        param_ispt_hash: paramIsptHash({
          clientId: options.clientId,
          userId: attempt.user_id,
          orderNo: attempt.order_no,
          payType: PAY_TYPE_SINGLE,
          amount: attempt.amount,
          paymentApiKey: options.paymentApiKey,
        }),
      };
      const answer = read(await post('v1.0/payments/request', request), ShinhanRequestSchema);
      if (answer.ok) {
        if (!isHttpUrl(answer.data.redirect_url)) return { ok: false, code: 'pg-bad-response', pgMessage: 'redirect_url is not an http(s) URL.' };
        return { ok: true, answer: { provider: 'shinhan', order_no: attempt.order_no, redirect_url: answer.data.redirect_url } };
      }
      if (answer.kind === 'refused') return { ok: false, code: 'pg-refused', pgMessage: answer.message };
      return { ok: false, code: answer.failure.code, pgMessage: answer.failure.message };
    },

    async settle(attempt, claim): Promise<Settlement> {
      if (!claim.confirmToken) return { kind: 'declined', code: 'confirm-refused', pgMessage: 'The PG sent no confirm_token.' };
      // 결제 승인: the call that takes the money.
      const reply = await post('v1.0/payments/confirm', {
        client_id: options.clientId,
        order_no: attempt.order_no,
        confirm_token: claim.confirmToken,
        ip_addr: claim.clientIp,
      });
      const answer = read(reply, ShinhanConfirmSchema);
      if (answer.ok) return verify(attempt, answer.data);
      if (answer.kind === 'refused') return { kind: 'declined', code: 'confirm-refused', pgMessage: answer.message };
      // Timed out, 5xx, not JSON: Shinhan may have approved. Never "failed" (fault 2): reconcile asks confirm-info.
      return { kind: 'unknown', message: answer.failure.message };
    },

    judgeVbank(form, attempt) {
      const named = [form.tid, form.bank_nm, form.vald_dt, form.pay_amt].filter((v) => v !== undefined && String(v).trim() !== '');
      if (named.length === 0) return undefined;
      const retCode = String(form.ret_code ?? '').trim();
      if (retCode !== '0') {
        // The browser's ret_code only goes to the log; the code kept is a fixed one (issue 19, item 12).
        return { kind: 'failed', code: 'vbank-failed', said: said(`ret_code ${retCode || '(none)'}: ${form.ret_msg ?? 'no ret_msg'}`) };
      }
      const tid = String(form.tid ?? '').trim();
      if (!/^[A-Za-z0-9_-]{1,50}$/.test(tid)) return { kind: 'refused', code: 'bad-vbank', message: 'The virtual account return has no usable tid.' };
      const amount = String(form.pay_amt ?? '').replace(/,/g, '').trim();
      if (!/^\d{1,13}$/.test(amount) || Number(amount) !== attempt.amount) {
        return { kind: 'refused', code: 'amount-mismatch', message: `The virtual account return says pay_amt ${said(amount || '(none)')}; the attempt is ${attempt.amount} KRW.` };
      }
      const bank = form.bank_nm?.trim() ?? '';
      const holder = form.user_nm?.trim() ?? '';
      const due = ymd(form.vald_dt);
      if (!bank || bank.length > 100 || !holder || holder.length > 100 || !due) {
        return { kind: 'refused', code: 'bad-vbank', message: 'The virtual account return lacks bank_nm, user_nm or a valid vald_dt (YYYYMMDD).' };
      }
      // Issue 19, item 2: the due date decides how long the account holds the order open and is asked about;
      // nothing signs it, so one beyond the bound is refused (a forged 20991231 would park it for ever).
      const latest = kstDay(new Date(now().getTime() + maxDueDays * 86_400_000));
      if (due > latest) {
        return { kind: 'refused', code: 'bad-vbank-due', message: `The virtual account return's vald_dt ${due} is after ${latest} (vbankMaxDueDays ${maxDueDays}).` };
      }
      // The document's return carries no account number: Shinhan's window shows it to the buyer only.
      return { kind: 'issued', tid, account: { bank_name: bank, vbank_holder: holder, vbank_due_date: due, vbank_account_no: null, bank_code: null } };
    },

    async lookup(attempt): Promise<Settlement> {
      const answer = read(await get('v1.0/payments/confirm-info', { order_no: attempt.order_no }), ShinhanConfirmInfoSchema);
      if (isVbank(attempt)) return vbankInfo(attempt, answer);
      if (!answer.ok) {
        if (answer.kind === 'failure') return { kind: 'unknown', message: answer.failure.message };
        // The document answers "there is no data." when it knows no payment for the order_no (assumption:
        // any other refusal, such as a wrong key, proves nothing).
        return /no data/i.test(answer.message) ? { kind: 'nothing', message: answer.message } : { kind: 'unknown', message: `confirm-info refused: ${answer.message}` };
      }
      const info = answer.data;
      if (info.tx_stat !== 1) return { kind: 'declined', code: 'pg-cancelled', pgMessage: `confirm-info tx_stat ${info.tx_stat}` };
      if (info.user_id !== undefined && info.user_id !== attempt.user_id) {
        return { kind: 'unknown', message: 'confirm-info answered for another user_id.' };
      }
      const details = { tid: info.tid, approved_at: info.tx_date ?? null };
      const amount = info.tx_amount ?? info.amount;
      if (amount === undefined) return { kind: 'unknown', message: 'confirm-info answered without an amount.' };
      if (amount !== attempt.amount) return { kind: 'wrong-amount', details, amount };
      return { kind: 'paid', details };
    },

    /**
     * v1.0/payments/cancel (the whole balance; a deposited virtual account's refund account goes with it) or
     * v1.0/payments/cancel/partial (amount, taxfree_amount, tax_amount; no refund account exists there). Neither
     * takes an idempotency key: a timeout or 5xx is `unknown`, settled later from confirm-info, never resent.
     */
    async cancel(input: CancelInput): Promise<CancelOutcome> {
      const common = {
        client_id: options.clientId,
        user_id: input.attempt.user_id,
        tid: input.tid,
        amount: input.amount,
      };
      const body: Record<string, unknown> = input.full
        ? {
            ...common,
            cncl_rsn: input.reason,
            ip_addr: input.clientIp,
            ...(input.refundAccount ? { bank_cd: input.refundAccount.bank_code, bank_acct_no: input.refundAccount.account_no, bank_name: input.refundAccount.holder } : {}),
          }
        : {
            ...common,
            // A partial cancel always carries both (cancels.ts); JSON leaves out a field that is undefined.
            taxfree_amount: input.taxfreeAmount,
            tax_amount: input.taxAmount,
            cncl_rsn: input.reason,
            ip_addr: input.clientIp,
          };
      const answer = read(await post(input.full ? 'v1.0/payments/cancel' : 'v1.0/payments/cancel/partial', body), ShinhanCancelSchema);
      if (!answer.ok) {
        if (answer.kind === 'refused') return { kind: 'refused', code: 'pg-refused', pgMessage: answer.message };
        return { kind: 'unknown', message: answer.failure.message };
      }
      if (answer.data.tid !== input.tid) return { kind: 'unknown', message: `The PG answered the cancel for tid ${clip(answer.data.tid)}, not ${input.tid}.` };
      return {
        kind: 'done',
        amount: answer.data.amount,
        cancelId: answer.data.cid ?? null,
        cancelledAt: answer.data.tx_date ?? null,
        ref: input.full ? 'full' : null,
      };
    },

    /**
     * confirm-info, by the attempt's order_no: tx_stat 1 nothing cancelled, 2 nothing left (cncl_date, cncl_rsn),
     * 3 some cancelled. The document gives no cancelled amount, no cid and no list of partial cancels.
     */
    async cancelState(attempt, tid): Promise<PgCancelLookup> {
      const answer = read(await get('v1.0/payments/confirm-info', { order_no: attempt.order_no }), ShinhanConfirmInfoSchema);
      if (!answer.ok) return { ok: false, message: answer.kind === 'failure' ? answer.failure.message : `confirm-info refused: ${answer.message}` };
      const info = answer.data;
      if (info.tid !== tid) return { ok: false, message: `confirm-info names tid ${clip(info.tid)} for this order_no, not ${tid}.` };
      if (info.tx_stat === 1) return { ok: true, state: { state: 'approved', cancelledTotal: 0, entries: [] } };
      if (info.tx_stat === 3) return { ok: true, state: { state: 'partial', entries: [] } };
      if (info.tx_stat === 2) {
        return { ok: true, state: { state: 'cancelled', entries: [{ ref: 'full', at: info.cncl_date ?? null, cancelId: null, reason: info.cncl_rsn ? clip(info.cncl_rsn, 100) : null }] } };
      }
      return { ok: false, message: `confirm-info answered tx_stat ${info.tx_stat}, which the document does not list.` };
    },

    async terms(pgcode) {
      const reply = await get('v1.0/payments/info/terms-info-list', { pgcode });
      if (!reply.ok) return reply;
      const status = ShinhanStatusSchema.safeParse(reply.json);
      if (reply.status >= 500 || !status.success) {
        return { ok: false, code: 'pg-bad-response', message: `The PG answered HTTP ${reply.status} instead of the terms.` };
      }
      if (status.data.ret_code !== 0) {
        // "there is no data." (the document's only error example, HTTP 401 / 998): ASSUMPTION, this pgcode has
        // no terms. Any other refusal (a wrong key) is a failure to learn them.
        if (/there is no data/i.test(status.data.ret_msg ?? '')) return { ok: true, list: [] };
        return { ok: false, code: 'pg-refused', message: `terms-info-list refused: ${said(status.data.ret_msg ?? `ret_code ${status.data.ret_code}`)}` };
      }
      const parsed = ShinhanTermsSchema.safeParse(reply.json);
      if (!parsed.success) return { ok: false, code: 'pg-bad-response', message: 'The PG answered terms-info-list with a malformed list.' };
      const list = parsed.data.list;
      if (new Set(list.map((t) => t.terms_no)).size !== list.length) return { ok: false, code: 'pg-bad-response', message: 'The PG answered terms-info-list with a terms_no twice.' };
      return { ok: true, list };
    },

    async cardList(pgcode) {
      const reply = await get('v1.0/payments/info/card-list', { pgcode });
      if (!reply.ok) return reply;
      if (!isPlainObject(reply.json)) return { ok: false, code: 'pg-bad-response', message: `The PG answered HTTP ${reply.status} without a JSON object.` };
      // A refusal (a ret_code, HTTP < 500) is passed on as the PG sent it; a 5xx, or an error page without a
      // ret_code, is a failure to learn the list: 502, and never cached as if it were the list.
      const said = ShinhanStatusSchema.safeParse(reply.json);
      if (reply.status >= 500 || ((reply.status < 200 || reply.status > 299) && !said.success)) {
        return { ok: false, code: 'pg-bad-response', message: `The PG answered HTTP ${reply.status} instead of the card list.` };
      }
      return { ok: true, text: reply.text, json: reply.json };
    },

    async receiptUrl(p) {
      const amount = String(p.amount);
      // The document spells the parameter `amunt`; `amount` is sent too, in case Shinhan fixes the spelling.
      const answer = read(await get(`v1.0/receipt/info/${encodeURIComponent(p.tid)}`, { amunt: amount, amount, tx_ymd: p.txYmd }), ShinhanReceiptSchema);
      if (!answer.ok) {
        return answer.kind === 'refused' ? { ok: false, code: 'pg-refused', message: answer.message } : { ok: false, code: answer.failure.code, message: answer.failure.message };
      }
      const url = absoluteHttpUrl(answer.data.redirect_url, apiBase);
      if (!url) return { ok: false, code: 'pg-bad-response', message: 'The PG answered a redirect_url that is not an http(s) URL.' };
      return { ok: true, redirect_url: url };
    },
  };
}

/**
 * confirm-info about a virtual account (ASSUMPTION, docs/payment-methods.md and demo/sandbox/shinhan/README.md): the document
 * lists tx_stat 1 승인, 2 취소, 3 부분취소 and no state for an account waiting for its money. Read so: an
 * issued account is a transaction confirm-info knows, with the account's tid and amount and a tx_stat other
 * than 1, 2 or 3 until its deposit; a deposited account is tx_stat 1 (승인) with that tid. "there is no
 * data." is an account the PG does not know: NOT issued (issue 19, item 2). Nothing else counts as a
 * deposit: a tid other than the account's is refuted, never recorded.
 */
function vbankInfo(attempt: Attempt, answer: Answer<z.infer<typeof ShinhanConfirmInfoSchema>>): Settlement {
  const tid = attempt.claimed_tid as string;
  if (!answer.ok) {
    if (answer.kind === 'failure') return { kind: 'unknown', message: answer.failure.message };
    return /no data/i.test(answer.message) ? { kind: 'nothing', message: answer.message } : { kind: 'unknown', message: `confirm-info refused: ${answer.message}` };
  }
  const info = answer.data;
  if (info.tid !== tid) return { kind: 'refuted', message: `confirm-info names tid ${clip(info.tid)} for this order_no; its virtual account is ${tid}.` };
  if (info.user_id !== undefined && info.user_id !== attempt.user_id) return { kind: 'unknown', message: 'confirm-info answered for another user_id.' };
  if (info.tx_stat === 2) return { kind: 'declined', code: 'pg-cancelled', pgMessage: 'confirm-info tx_stat 2: the virtual account was cancelled.' };
  const amount = info.tx_amount ?? info.amount;
  if (info.tx_stat !== 1 && info.tx_stat !== 3) {
    // Issued, not deposited: for this order's amount, else it is not the account the return described.
    if (amount !== undefined && amount !== attempt.amount) return { kind: 'refuted', message: `confirm-info shows the account ${tid} for ${amount} KRW; the attempt is ${attempt.amount} KRW.` };
    return { kind: 'issued', tid, account: {} };
  }
  if (amount === undefined) return { kind: 'unknown', message: 'confirm-info answered a deposit without an amount.' };
  const details = { tid, approved_at: info.tx_date ?? null };
  if (amount !== attempt.amount) return { kind: 'wrong-amount', details, amount };
  return { kind: 'paid', details };
}

/** The Korea-time day (YYYY-MM-DD) of an instant. */
function kstDay(at: Date): string {
  return new Date(at.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
}

/** An absolute http(s) URL as is; a path ("/pgsvc/receipt?id=1") resolved against the API base. */
function absoluteHttpUrl(value: string, base: string): string | undefined {
  if (isHttpUrl(value)) return value;
  if (!/^\/(?![\\/])/.test(value)) return undefined;
  const url = new URL(value, base);
  return isHttpUrl(url.href) ? url.href : undefined;
}

/** A whole number of won from a PG field that may be a number or digits ("1,000" too); undefined otherwise. */
function wholeNumber(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.replace(/,/g, '').trim() : '';
  return /^\d{1,13}$/.test(text) ? Number(text) : undefined;
}

/** The first `max` characters (code points: a surrogate pair is one) of `value`. */
function firstChars(value: string, max: number): string {
  const chars = [...value];
  return chars.length > max ? chars.slice(0, max).join('') : value;
}
