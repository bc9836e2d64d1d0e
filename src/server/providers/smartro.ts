/**
 * Smartro (smilepay) WEBLink: the signed form the browser posts to the PG, judging the result form the PG
 * posts back (ReturnURL through the buyer's browser, RetryURL server to server), and the receipt API that
 * confirms an approval from Smartro's own records. Stateless; the MerchantKey never leaves the server (it
 * signs every result and is the receipt API's `apikey`).
 *
 * WEBLink approves BEFORE the shop hears: when an approval reaches us, the money has moved. Nothing here can
 * refuse a payment; it can only decide whether to believe a result.
 *
 * Spec: smartro-weblink-guide.txt, smartro-receipt.txt and ../shared/pg-docs/README.md.
 */
import { createHash } from 'node:crypto';
import { clip, sameSecret } from '../http.js';
import { phoneDigits, SmartroReceiptCancelSchema, SmartroReceiptCheckSchema, type SmartroResult } from '../schemas.js';
import type { Attempt, PaidDetails, VbankAccount } from '../store/types.js';
import { encodeEucKr, phpUrlencode, urldecodeEucKr } from './euc-kr.js';
import { fetchPgJson, fetchPgText, isPlainObject, type PgFailure } from './pg-fetch.js';
import { ymd } from '../vbank.js';
import { fitBytes, kstTimestamp, normalizeAuthDate } from './smartro-form.js';
import type { CancelInput, CancelOutcome, PaymentProvider, PgCancelLookup, PgCancelState, SessionInput, SessionOutcome, Settlement } from './types.js';

export interface SmartroOptions {
  /** 10 letters/digits (guide 1.2). Every TID Smartro issues begins with it. */
  mid: string;
  merchantKey: string;
  /**
   * Which of Smartro's servers: "test" (a test MID) or "real" (production). It chooses the documented hosts
   * for the three URLs below (SMARTRO_HOSTS); a URL given explicitly overrides its own (a sandbox, a proxy).
   * Without `env`, all three URLs are required.
   */
  env?: 'test' | 'real';
  /** PC form action: test https://tpay.smilepay.co.kr/interfaceURL.jsp, real https://pay.smilepay.co.kr/interfaceURL.jsp */
  pcAction?: string;
  /** Mobile form action: test https://tspay.smilepay.co.kr/pay/interfaceURL, real https://smpay.smilepay.co.kr/pay/interfaceURL */
  mobileAction?: string;
  /** Receipt API base: test https://tapi.smilepay.co.kr/, real https://api.smilepay.co.kr/ */
  apiBase?: string;
  /**
   * The pay methods this shop offers, as the widget names them (`pay-method`): "card" (CARD), "vbank"
   * (VBANK, 가상계좌), "bank" (BANK, 계좌이체), "phone" (CELLPHONE, 휴대폰). The browser may only pick among
   * these; the first is used when it names none. Default ["card"]. Each must be in your Smartro contract.
   */
  payMethods?: string[];
  /** VBANK: the account takes deposits until the end of the day this many days from today, Korea time (VbankExpDate). Default 3. */
  vbankDueDays?: number;
  /**
   * VBANK: the account holder (예금주) your virtual accounts show, as Smartro registered it. Neither the
   * result form nor the receipt API names it; without this option the receipt API's merchant name (mallNm,
   * else coNm) is shown (an assumption: set it to what your buyers' banking apps display).
   */
  vbankHolder?: string;
  /**
   * ASSUMPTION, off by default: Smartro's receipt API answers `{mid, moid}` (no `tid`) with the approval
   * for that Moid, and 404 when there is none. smartro-receipt.txt documents only `{mid, tid}`. With it, a
   * buyer who closed the payment window can pay again at once (the server asks Smartro whether anything was
   * approved first); without it, a closed window's attempt must stay quiet for `smartroQuietMs` first.
   * Switch it on only once Smartro confirms the lookup for your MID.
   */
  receiptLookupByMoid?: boolean;
  /**
   * ASSUMPTION, off until set: Smartro's cancel password (취소 패스워드, `Cancelpw`, set in Smartro's admin site).
   * With it, `kpg.cancel` sends cancels to Smartro's cancel module `payCancelNVProcess.jsp`, a request the PG
   * documents do not describe: it is built from Smartro's sample code as merchants publish it. Every cancel is
   * then checked with the receipt API, which the documents do describe. A secret, like the MerchantKey: it never
   * leaves the server, and every reply and log line is redacted of it.
   */
  cancelPassword?: string;
  /**
   * The cancel module's URL; default: `/cancel/payCancelNVProcess.jsp` on pcAction's host (`env`'s when
   * pcAction is not given: test https://tpay.smilepay.co.kr, real https://pay.smilepay.co.kr, as in the samples).
   */
  cancelUrl?: string;
}

/** The cancel module's success codes in the samples: 2001 취소 성공, 2211 환불 성공 (계좌이체, 가상계좌). */
export const CANCEL_SUCCESS_CODES: readonly string[] = ['2001', '2211'];
/** CancelMSG: the samples' form takes at most 30 characters (ASSUMPTION: the module's own limit). */
export const CANCEL_MSG_MAX = 30;

/** hashData of a cancel = base64( md5_hex( TID + MerchantKey + CancelAmt + PartialCancelCode ) ), as the samples compute it. */
export function cancelHashData(p: { tid: string; merchantKey: string; cancelAmt: string; partialCancelCode: string }): string {
  return Buffer.from(md5Hex(`${p.tid}${p.merchantKey}${p.cancelAmt}${p.partialCancelCode}`)).toString('base64');
}

/**
 * Smartro's hosts per `env`. The hosts are documented: smartro-weblink-guide.txt 3.3 (결제서비스 URL: PC Test
 * tpay / Real pay, Mobile Test tspay / Real smpay .smilepay.co.kr) and smartro-receipt.txt (receipt API,
 * 테스트 tapi / 운영 api .smilepay.co.kr/receipt). The form paths (/interfaceURL.jsp on PC, /pay/interfaceURL
 * on mobile) are not in the guide: they come from Smartro's own sample code (pg-docs README), an assumption.
 */
export const SMARTRO_HOSTS = Object.freeze({
  test: Object.freeze({ pcAction: 'https://tpay.smilepay.co.kr/interfaceURL.jsp', mobileAction: 'https://tspay.smilepay.co.kr/pay/interfaceURL', apiBase: 'https://tapi.smilepay.co.kr/' }),
  real: Object.freeze({ pcAction: 'https://pay.smilepay.co.kr/interfaceURL.jsp', mobileAction: 'https://smpay.smilepay.co.kr/pay/interfaceURL', apiBase: 'https://api.smilepay.co.kr/' }),
});

export type SmartroEndpoints = { pcAction: string; mobileAction: string; apiBase: string };

/** The three URLs the options mean: each explicit one, else its `env` host; an error names what is missing. */
export function smartroEndpoints(options: Pick<SmartroOptions, 'env' | 'pcAction' | 'mobileAction' | 'apiBase'>): SmartroEndpoints {
  const env = options.env;
  if (env !== undefined && env !== 'test' && env !== 'real') throw new Error(`kpg server: smartro.env must be "test" or "real" (got ${JSON.stringify(env)})`);
  const hosts = env && SMARTRO_HOSTS[env];
  const out = { pcAction: options.pcAction ?? hosts?.pcAction, mobileAction: options.mobileAction ?? hosts?.mobileAction, apiBase: options.apiBase ?? hosts?.apiBase };
  const missing = Object.keys(out).filter((key) => typeof out[key as keyof typeof out] !== 'string' || !out[key as keyof typeof out]?.trim());
  if (missing.length) {
    throw new Error(`kpg server: smartro.${missing.join(', smartro.')} required: set smartro.env to "test" or "real" for Smartro's documented hosts, or give the URL${missing.length > 1 ? 's' : ''}`);
  }
  for (const [key, url] of Object.entries(out)) {
    if (!/^https?:\/\//.test(url as string)) throw new Error(`kpg server: smartro.${key} must be an http(s) URL`);
  }
  return out as SmartroEndpoints;
}

/**
 * ResultCode meaning "approved", by PayMethod (Smartro's sample code, pg-docs README): card 3001, bank
 * transfer 4000, phone A000; for a virtual account 4100 means the account was ISSUED (no money yet).
 */
export const SUCCESS_CODES: Readonly<Record<string, string>> = Object.freeze({ CARD: '3001', BANK: '4000', VBANK: '4100', CELLPHONE: 'A000' });
/** VBANK: the deposit arrived (the notice Smartro posts to the notification URL, RetryURL). */
export const DEPOSIT_CODE = '4110';
/** ResultCode of "the buyer cancelled" (PC: sent to ReturnURL; mobile goes to StopURL instead). */
export const CANCEL_CODE = 'C001';
/** The widget's `pay-method` -> Smartro's PayMethod. */
export const PAY_METHODS = Object.freeze({ card: 'CARD', vbank: 'VBANK', bank: 'BANK', phone: 'CELLPHONE' } as const);
/** The contract's `pay_method` names (the widget's). */
export type PayMethodName = keyof typeof PAY_METHODS;
const isPayMethodName = (name: string): name is PayMethodName => Object.hasOwn(PAY_METHODS, name);
/** A virtual account number: digits, maybe dashes (the receipt API gives 10 characters, the sandbox 14). */
const ACCOUNT_NO = /^[0-9-]{6,30}$/;

/** MD5 of the text's UTF-8 bytes (a string is hashed, and Buffer.from reads one, as UTF-8 by default). */
export const md5Hex = (text: string) => createHash('md5').update(text).digest('hex');

/** EncryptData = base64( md5_hex( ediDate + MID + Amt + MerchantKey ) ), sent with the payment form. */
export function encryptData(p: { ediDate: string; mid: string; amt: string | number; merchantKey: string }): string {
  return Buffer.from(md5Hex(`${p.ediDate}${p.mid}${p.amt}${p.merchantKey}`)).toString('base64');
}

/**
 * SignValue = base64( md5_hex( TID[0:10] + ResultCode + TID[10:15] + MerchantKey + TID[15:30] ) ), received
 * with the result. It covers only the first 30 characters of the TID and the ResultCode: not Amt, not the
 * Moid, not anything after TID[30] (fault 4). Those are checked against our records and Smartro's.
 */
export function signValue(p: { tid: string; resultCode: string; merchantKey: string }): string {
  const t = p.tid;
  return Buffer.from(md5Hex(`${t.slice(0, 10)}${p.resultCode}${t.slice(10, 15)}${p.merchantKey}${t.slice(15, 30)}`)).toString('base64');
}

/**
 * What a (schema-checked) result form claims about our attempt. `amt`: the form's Amt, which nothing signs:
 * it decides nothing about money (the receipt API does), it only marks a copy of a recorded result as edited.
 */
export type SmartroClaim =
  | { kind: 'approved'; tid: string; details: PaidDetails; amt?: number }
  /**
   * VBANK 4100: an account was issued (signed); what the form says about it. No payment details: a virtual
   * account's (its TID, its deposit day) come from the receipt API alone.
   */
  | { kind: 'issued'; tid: string; details?: undefined; account: Partial<VbankAccount>; amt?: number }
  /** VBANK 4110: the deposit arrived (signed): believed once the receipt API shows it. */
  | { kind: 'deposited'; tid: string; details?: undefined; account: Partial<VbankAccount>; amt?: number }
  | { kind: 'declined'; code: string; pgMessage: string; signed: boolean }
  | { kind: 'cancelled'; signed: boolean }
  /** Not believed: recorded as a refusal, changes nothing. */
  | { kind: 'refused'; code: string; message: string };

export type SmartroProvider = PaymentProvider & {
  readonly payMethods: readonly string[];
  readonly receiptLookupByMoid: boolean;
  /** Whether cancels are sent to Smartro (cancelPassword is set). */
  readonly cancels: boolean;
  judge(form: SmartroResult, attempt: Attempt): SmartroClaim;
  /** The receipt API's answer for a TID, as sent (for the inline slip). */
  receipt(tid: string): Promise<{ ok: true; receipt: Record<string, unknown> } | { ok: false; code: string; message: string }>;
};

/** TIDs: MID (10) + service (2) + "01" + yyMMddHHmmss + 4 digits = exactly 30 letters/digits beginning with the MID. */
export function isSmartroTid(tid: string, mid: string): boolean {
  return /^[A-Za-z0-9]{30}$/.test(tid) && tid.startsWith(mid);
}

export function createSmartroProvider(options: SmartroOptions, io: { timeoutMs: number; now: () => Date; redact?: (text: string) => string }): SmartroProvider {
  /** Words from outside (the PG, a form): redacted, THEN clipped (issue 19, item 9). */
  const said = (text: string, max?: number) => clip(io.redact ? io.redact(text) : text, max);
  const endpoints = smartroEndpoints(options);
  const apiBase = endpoints.apiBase.endsWith('/') ? endpoints.apiBase : `${endpoints.apiBase}/`;
  const payMethods = options.payMethods?.length ? [...options.payMethods] : ['card'];
  const vbankDueDays = options.vbankDueDays ?? 3;
  const lookupByMoid = options.receiptLookupByMoid === true;
  const cancelUrl = new URL(options.cancelUrl ?? '/cancel/payCancelNVProcess.jsp', endpoints.pcAction);

  /** POST {apiBase}receipt, `apikey: MerchantKey`: server to server ONLY. */
  async function receiptCall(query: { tid: string } | { moid: string }): Promise<{ ok: true; status: number; json: Record<string, unknown> } | PgFailure> {
    const reply = await fetchPgJson(
      new URL('receipt', apiBase),
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Accept-Charset': 'utf-8', apikey: options.merchantKey },
        body: JSON.stringify({ mid: options.mid, ...query }),
      },
      { timeoutMs: io.timeoutMs, name: 'The receipt API' },
    );
    if (!reply.ok) return reply;
    if (!isPlainObject(reply.json)) return { ok: false, code: 'pg-bad-response', message: 'The receipt API answered without a JSON object.', status: reply.status };
    return { ok: true, status: reply.status, json: reply.json };
  }

  /**
   * The receipt API's word on an approval of `attempt` with TID `tid`. For a virtual account (VBANK) the
   * receipt is there from the issue on: `vacctBaseDt` (입금일) says whether the deposit has arrived.
   */
  function check(json: Record<string, unknown>, attempt: Attempt, tid: string | undefined, expected?: Partial<VbankAccount>): Settlement {
    const parsed = SmartroReceiptCheckSchema.safeParse(json);
    if (!parsed.success) return { kind: 'unknown', message: 'The receipt API answered something that is not a receipt (tid, moid, goodsAmt, stateCd).' };
    const r = parsed.data;
    if (tid !== undefined && r.tid !== tid) return { kind: 'refuted', message: `The receipt API answered for TID ${said(r.tid)}, not ${tid}.` };
    const refuted = (): Settlement => ({
      kind: 'refuted',
      message: said(`Smartro approved TID ${r.tid} for Moid ${r.moid}, ${r.goodsAmt} KRW; the attempt is ${attempt.order_no}, ${attempt.amount} KRW (a replayed approval?).`),
    });
    if (r.moid !== attempt.order_no) return refuted();
    const approved = r.stateCd !== undefined ? String(r.stateCd).trim() === '0' : r.stateNm?.trim() === '승인';
    const amount = Number(r.goodsAmt);
    if (amount !== attempt.amount && (!approved || attempt.pay_method === 'VBANK' || !Number.isSafeInteger(amount) || amount <= 0)) return refuted();
    if (!approved) return { kind: 'declined', code: 'pg-cancelled', pgMessage: `Smartro says TID ${r.tid} is cancelled (stateCd ${r.stateCd ?? '-'}).` };
    if (!isSmartroTid(r.tid, options.mid)) return { kind: 'unknown', message: `The receipt API answered a TID of the wrong form: ${said(r.tid)}.` };
    const bank = { bank_code: r.bankCd?.trim() || null, bank_name: r.bankNm?.trim() || null };
    if (attempt.pay_method === 'VBANK') {
      const accountNo = r.vacctNo?.trim() || null;
      const wanted = expected?.vbank_account_no ?? attempt.vbank_account_no;
      if (accountNo && wanted && accountNo.replace(/-/g, '') !== wanted.replace(/-/g, '')) {
        return { kind: 'refuted', message: `Smartro's account for TID ${r.tid} is not the one the result named.` };
      }
      const account: Partial<VbankAccount> = {
        ...definedOnly(bank),
        ...(accountNo && ACCOUNT_NO.test(accountNo) ? { vbank_account_no: accountNo } : {}),
        ...(ymd(r.vacctDueDt) ? { vbank_due_date: ymd(r.vacctDueDt) } : {}),
        vbank_holder: clip(options.vbankHolder ?? merchantName(r.merchantInfo) ?? '-', 100),
      };
      const deposited = ymd(r.vacctBaseDt);
      if (!deposited) return { kind: 'issued', tid: r.tid, account };
      return { kind: 'paid', details: { tid: r.tid, approved_at: deposited, ...bank }, account };
    }
    const approvedAt = normalizeAuthDate(`${r.appDt ?? ''}${r.appTm ?? ''}`);
    const card = attempt.pay_method === 'CARD' || attempt.pay_method === null;
    const details: PaidDetails = {
      tid: r.tid,
      approved_at: approvedAt,
      ...(card
        ? { card_cpny_cd: r.appCo ?? null, card_name: r.appNm ?? null, card_no: r.cardNo ?? null, install_month: r.instmntMon ?? null, card_aprv_no: r.appNo ?? null }
        : { card_aprv_no: r.appNo ?? null, ...(attempt.pay_method === 'BANK' ? bank : {}) }),
    };
    // Smartro took money for this very order, but another amount than the attempt's (the form's Amt was
    // edited and somehow approved): never paid, and the money is owed back (refund_due), as for Shinhan.
    if (amount !== attempt.amount) return { kind: 'wrong-amount', details, amount };
    return { kind: 'paid', details };
  }

  /** The receipt API's word on a payment's cancels. */
  async function cancelStateOf(tid: string): Promise<PgCancelLookup> {
    const answer = await receiptCall({ tid });
    if (!answer.ok) return { ok: false, message: `Receipt API (${answer.code}): ${answer.message}` };
    if (answer.status < 200 || answer.status > 299) return { ok: false, message: `The receipt API answered HTTP ${answer.status}.` };
    const parsed = SmartroReceiptCancelSchema.safeParse(answer.json);
    if (!parsed.success) return { ok: false, message: 'The receipt API answered something that is not a receipt (tid, goodsAmt, stateCd).' };
    const r = parsed.data;
    if (r.tid !== tid) return { ok: false, message: `The receipt API answered for TID ${clip(r.tid)}, not ${tid}.` };
    const parts = r.partCancelInfo ? (Array.isArray(r.partCancelInfo) ? r.partCancelInfo : [r.partCancelInfo]) : [];
    const at = (d?: string, t?: string) => (d && /^\d{8}$/.test(d) ? normalizeAuthDate(`${d}${t && /^\d{6}$/.test(t) ? t : '000000'}`) : null);
    const entries: PgCancelState['entries'] = parts.map((p, i) => ({ ref: `part:${i + 1}`, amount: p.transAmt, at: at(p.transDt, p.transTm), cancelId: null, reason: null }));
    const partTotal = parts.reduce((sum, p) => sum + p.transAmt, 0);
    // ASSUMPTION (the document lists no stateCd values): "0" / 승인 approved (partial cancels included), else cancelled.
    const cancelled = r.stateCd !== undefined ? String(r.stateCd).trim() !== '0' : r.stateNm?.trim() !== '승인';
    if (cancelled && r.goodsAmt - partTotal > 0) {
      entries.push({ ref: 'full', amount: r.goodsAmt - partTotal, at: at(r.ccDt, r.ccTm), cancelId: r.ccNo?.trim() || null, reason: null });
    }
    return {
      ok: true,
      state: { state: cancelled ? 'cancelled' : parts.length ? 'partial' : 'approved', cancelledTotal: cancelled ? r.goodsAmt : partTotal, entries },
    };
  }

  /** VbankExpDate: the last day of the account, `vbankDueDays` from today in Korea time (yyyyMMdd). */
  function vbankExpDate(): string {
    return kstTimestamp(new Date(io.now().getTime() + vbankDueDays * 86_400_000)).slice(0, 8);
  }

  const provider: SmartroProvider = {
    name: 'smartro',
    merchantId: options.mid,
    approvesWithoutServer: true,
    payMethods,
    receiptLookupByMoid: lookupByMoid,
    cancels: Boolean(options.cancelPassword),

    async createSession({ attempt, order, urls }: SessionInput): Promise<SessionOutcome> {
      const mobile = attempt.device_type === 1;
      // Lengths are bytes in the charset the form is sent in: PC EUC-KR, mobile UTF-8.
      const charset = mobile ? 'utf-8' : 'euc-kr';
      const ediDate = kstTimestamp(io.now());
      const amt = String(attempt.amount);
      const fields: Record<string, string> = {
        PayMethod: attempt.pay_method ?? 'CARD',
        GoodsCnt: '1',
        GoodsName: fitBytes(attempt.product_name, 80, charset),
        Amt: amt,
        Moid: attempt.order_no,
        MID: options.mid,
        ReturnURL: urls.smartroReturn,
        RetryURL: urls.smartroRetry,
        mallUserID: fitBytes(attempt.user_id, mobile ? 20 : 10, charset),
        BuyerName: fitBytes(order.buyer.name, 30, charset),
        BuyerTel: fitBytes(phoneDigits(order.buyer.tel) || '01000000000', 30, charset),
        BuyerEmail: fitBytes(order.buyer.email || 'buyer@example.com', 60, charset),
        ediDate,
        // A hash made WITH the key: the key itself never leaves the server.
        EncryptData: encryptData({ ediDate, mid: options.mid, amt, merchantKey: options.merchantKey }),
        // Skip Smartro's own result screen: the result goes straight to ReturnURL (guide 6.1).
        MallResultFWD: 'Y',
        TransType: '0',
        OpenType: 'KR',
      };
      // A virtual account takes deposits until the end of this day (Korea time).
      if (fields.PayMethod === 'VBANK') fields.VbankExpDate = vbankExpDate();
      if (mobile) {
        // A mobile cancel goes to StopURL, not ReturnURL (guide 6.16).
        fields.StopURL = `${urls.smartroStop}?order_no=${encodeURIComponent(attempt.order_no)}`;
        if (attempt.app_scheme) {
          // Issue 12, guide 6.9-6.10: an app's WebView uses the hybrid module, and ISP returns to the app's
          // scheme. ASSUMPTION: urlScheme takes the scheme as the shop wrote it ("myshop://").
          fields.clientType = 'HYB';
          fields.urlScheme = attempt.app_scheme;
        }
      }
      return { ok: true, answer: { provider: 'smartro', order_no: attempt.order_no, action: mobile ? endpoints.mobileAction : endpoints.pcAction, fields } };
    },

    judge(form, attempt): SmartroClaim {
      if (form.MID !== undefined && form.MID !== options.mid) return { kind: 'refused', code: 'mid-mismatch', message: `The result is for MID ${said(form.MID)}, not ours.` };
      const approved = Object.values(SUCCESS_CODES).includes(form.ResultCode) || form.ResultCode === DEPOSIT_CODE;
      const signed = form.SignValue !== undefined;
      const verifies = signed && sameSecret(form.SignValue ?? '', signValue({ tid: form.TID ?? '', resultCode: form.ResultCode, merchantKey: options.merchantKey }));
      if ((approved || signed) && !verifies) return { kind: 'refused', code: 'sign-mismatch', message: 'SignValue does not match: the result is not trusted.' };
      if (!approved) {
        if (form.ResultCode === CANCEL_CODE) return { kind: 'cancelled', signed };
        return { kind: 'declined', code: form.ResultCode, pgMessage: said(form.ResultMsg || 'The PG reported a failure.'), signed };
      }
      // An approval (or a virtual account's issue or deposit). From here on, Smartro has acted.
      if (!form.TID || !isSmartroTid(form.TID, options.mid)) {
        return { kind: 'refused', code: 'bad-tid', message: `The approval's TID is not 30 letters/digits beginning with our MID: ${said(form.TID ?? '(none)')}.` };
      }
      if (form.MID === undefined) return { kind: 'refused', code: 'mid-mismatch', message: 'The approval carries no MID.' };
      const payMethod = attempt.pay_method ?? 'CARD';
      const codeFits = form.ResultCode === DEPOSIT_CODE ? payMethod === 'VBANK' : SUCCESS_CODES[payMethod] === form.ResultCode;
      if (form.PayMethod !== payMethod || !codeFits) {
        return { kind: 'refused', code: 'paymethod-mismatch', message: `Approval ${form.ResultCode} for PayMethod ${said(form.PayMethod ?? '(none)')}; we asked for ${payMethod}.` };
      }
      // SignValue covers neither Amt nor the Moid, so the form's Amt decides nothing (issue 19, item 5): a
      // signed approval of ANOTHER amount may be money Smartro took for this very order. The receipt API
      // (settle) decides: the Moid and the amount Smartro shows for this TID; money at another amount for
      // our Moid is owed back (wrong-amount), one for another Moid is refuted.
      const formAmt = form.Amt === undefined ? undefined : Number(form.Amt);
      const approvedAt = form.AuthDate === undefined ? null : normalizeAuthDate(form.AuthDate);
      const bank = { bank_code: form.fn_cd || null, bank_name: form.fn_name || null };
      if (payMethod === 'VBANK') {
        const accountNo = form.VbankNum?.trim();
        const due = ymd(form.VbankExpDate);
        if (form.ResultCode !== DEPOSIT_CODE && (!accountNo || !ACCOUNT_NO.test(accountNo) || !due)) {
          return { kind: 'refused', code: 'bad-vbank', message: 'The virtual account result has no usable VbankNum or VbankExpDate.' };
        }
        const account: Partial<VbankAccount> = {
          bank_code: bank.bank_code,
          bank_name: form.VbankName?.trim() || bank.bank_name,
          ...(accountNo && ACCOUNT_NO.test(accountNo) ? { vbank_account_no: accountNo } : {}),
          ...(due ? { vbank_due_date: due } : {}),
          ...(options.vbankHolder ? { vbank_holder: clip(options.vbankHolder, 100) } : {}),
        };
        const kind = form.ResultCode === DEPOSIT_CODE ? 'deposited' : 'issued';
        return { kind, tid: form.TID, account, amt: formAmt };
      }
      return {
        kind: 'approved',
        tid: form.TID,
        amt: formAmt,
        details:
          payMethod === 'CARD'
            ? {
                tid: form.TID,
                approved_at: approvedAt,
                card_cpny_cd: form.fn_cd ?? null,
                card_name: form.fn_name ?? null,
                install_month: form.CardQuota ?? null,
                card_aprv_no: form.AuthCode ?? null,
              }
            : { tid: form.TID, approved_at: approvedAt, card_aprv_no: form.AuthCode ?? null, ...(payMethod === 'BANK' ? bank : {}) },
      };
    },

    async settle(attempt, claim): Promise<Settlement> {
      const tid = claim.tid;
      if (!tid) return { kind: 'unknown', message: 'No TID to confirm.' };
      // SignValue covers only TID and ResultCode: Smartro's own record of the TID (moid, goodsAmt, state) decides.
      const answer = await receiptCall({ tid });
      if (!answer.ok) return { kind: 'unknown', message: `Receipt API (${answer.code}): ${answer.message}` };
      if (answer.status < 200 || answer.status > 299) return { kind: 'unknown', message: `The receipt API answered HTTP ${answer.status}.` };
      const verdict = check(answer.json, attempt, tid, claim.account);
      if (verdict.kind === 'refuted') return { ...verdict, tid };
      if (verdict.kind !== 'paid' || attempt.pay_method === 'VBANK') return verdict;
      // Smartro's own record first: the form's fields besides TID and ResultCode are not signed (a buyer can
      // edit its card company or quota); the form only fills in what the receipt does not say.
      return { kind: 'paid', details: { ...verdict.details, ...definedOnly(claim.details ?? {}), ...definedOnly(verdict.details), tid } };
    },

    async lookup(attempt): Promise<Settlement> {
      const tid = attempt.tid ?? attempt.claimed_tid ?? undefined;
      if (!tid && !lookupByMoid) return { kind: 'unknown', message: "Smartro's receipt API is not asked by Moid (receiptLookupByMoid is off)." };
      const answer = await receiptCall(tid ? { tid } : { moid: attempt.order_no });
      if (!answer.ok) return { kind: 'unknown', message: `Receipt API (${answer.code}): ${answer.message}` };
      // ASSUMPTION (demo/sandbox/smartro/README.md, "Asking by Moid"): Smartro answers a Moid it knows no
      // approval for with 404 {resultCd: "E221"}. Any other 404 (a proxy's, another error) says nothing about
      // the money: a closed window is then not replaced.
      if (!tid && answer.status === 404 && answer.json.resultCd === 'E221') return { kind: 'nothing', message: 'Smartro knows no approval for this Moid.' };
      if (answer.status < 200 || answer.status > 299) return { kind: 'unknown', message: `The receipt API answered HTTP ${answer.status}.` };
      return check(answer.json, attempt, tid);
    },

    /**
     * payCancelNVProcess.jsp (ASSUMPTION, Smartro's sample code): POST TID, CancelAmt, Cancelpw, CancelMSG
     * (EUC-KR, urlencode()d, then form-encoded again as the samples do), PartialCancelCode, hashData; the answer
     * is `Key=Value&...`. Smartro's own records decide: the receipt API is asked before (nothing is sent when it
     * cannot be asked) and after; a cancel is `done` only when the receipt shows it, `refused` only when the
     * module said no AND the receipt shows nothing new, and `unknown` otherwise.
     */
    async cancel(input: CancelInput): Promise<CancelOutcome> {
      if (!options.cancelPassword) {
        return { kind: 'refused', code: 'smartro-cancel-off', pgMessage: "Smartro cancels are off (smartro.cancelPassword is not set): cancel it in Smartro's admin site; reconcile() records it." };
      }
      const before = await cancelStateOf(input.tid);
      if (!before.ok) return { kind: 'refused', code: 'pg-unreachable', pgMessage: `Nothing was sent: the receipt API could not be asked first (${before.message}).` };
      if (before.state.state === 'cancelled') return { kind: 'refused', code: 'already-cancelled', pgMessage: 'Smartro shows nothing left to cancel.' };
      const cancelAmt = String(input.amount);
      const partialCancelCode = input.full ? '0' : '1';
      const message = [...input.reason].slice(0, CANCEL_MSG_MAX).join('');
      const form = new URLSearchParams({
        TID: input.tid,
        CancelAmt: cancelAmt,
        Cancelpw: options.cancelPassword,
        CancelMSG: phpUrlencode(encodeEucKr(message)),
        PartialCancelCode: partialCancelCode,
        hashData: cancelHashData({ tid: input.tid, merchantKey: options.merchantKey, cancelAmt, partialCancelCode }),
      });
      const reply = await fetchPgText(cancelUrl, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form.toString() }, { timeoutMs: io.timeoutMs, name: "Smartro's cancel module" });
      if (!reply.ok) return { kind: 'unknown', message: reply.message };
      if (reply.status !== 200) return { kind: 'unknown', message: `Smartro's cancel module answered HTTP ${reply.status}.` };
      const said = parseCancelAnswer(Buffer.from(reply.bytes).toString('latin1'));
      const code = said.ResultCode ?? '';
      const after = await cancelStateOf(input.tid);
      if (!after.ok) return { kind: 'unknown', message: `Smartro's cancel module answered ${code || 'no ResultCode'}; the receipt API could not confirm it (${after.message}).` };
      const known = new Set(before.state.entries.map((e) => e.ref));
      const added = after.state.entries.filter((e) => !known.has(e.ref));
      if (added.length === 0 && after.state.state === before.state.state) {
        if (CANCEL_SUCCESS_CODES.includes(code)) return { kind: 'unknown', message: `Smartro's cancel module answered ${code}, but the receipt API shows no new cancel.` };
        return { kind: 'refused', code: /^[A-Za-z0-9]{1,10}$/.test(code) ? `smartro-${code}` : 'pg-refused', pgMessage: clip(said.ResultMsg ?? `ResultCode ${code || '(none)'}`) };
      }
      // Exactly the cancel asked for: a full one ends the payment with the balance; a partial one is ONE new
      // partCancelInfo entry of that amount. Anything else (a cancel made in the admin site meanwhile) is for staff.
      const ours = input.full
        ? after.state.state === 'cancelled' && added.length === 1 ? added[0] : undefined
        : added.length === 1 && added[0].ref.startsWith('part:') && added[0].amount === input.amount ? added[0] : undefined;
      if (!ours || ours.amount === undefined) {
        return { kind: 'unknown', message: `The receipt API shows ${added.length} new cancel(s) that do not match this one: check Smartro's admin site.` };
      }
      const cancelNum = said.CancelNum && /^[A-Za-z0-9]{1,30}$/.test(said.CancelNum) ? said.CancelNum : null;
      return { kind: 'done', amount: ours.amount, cancelId: ours.cancelId ?? cancelNum, cancelledAt: ours.at, ref: ours.ref };
    },

    async cancelState(_attempt, tid): Promise<PgCancelLookup> {
      return cancelStateOf(tid);
    },

    async receipt(tid) {
      const answer = await receiptCall({ tid });
      if (!answer.ok) return { ok: false, code: answer.code, message: answer.message };
      if (answer.status < 200 || answer.status > 299) {
        const text = ['resultMsg', 'ResultMsg', 'message'].map((k) => answer.json[k]).find((v) => typeof v === 'string' && v);
        return { ok: false, code: 'pg-refused', message: said(String(text ?? `The receipt API answered HTTP ${answer.status}.`)) };
      }
      return { ok: true, receipt: answer.json };
    },
  };
  return provider;
}

/** The pay method name Smartro's form uses for the contract's `pay_method` ("card" -> "CARD"). */
export function smartroPayMethod(payMethod: string): string | undefined {
  // Own names only: "toString" is no pay method (a configured payMethods entry is checked with this).
  return isPayMethodName(payMethod) ? PAY_METHODS[payMethod] : undefined;
}

/** The widget's name of a Smartro PayMethod ("VBANK" -> "vbank"), or undefined. */
export function payMethodName(pgValue: string | null): PayMethodName | undefined {
  return (Object.keys(PAY_METHODS) as PayMethodName[]).find((name) => PAY_METHODS[name] === pgValue);
}

/** The merchant's name in a receipt's merchantInfo (an object, or a list of one). */
function merchantName(info: unknown): string | undefined {
  const first = Array.isArray(info) ? info[0] : info;
  if (typeof first !== 'object' || first === null) return undefined;
  const { mallNm, coNm } = first as Record<string, unknown>;
  const name = [mallNm, coNm].find((v): v is string => typeof v === 'string' && v.trim() !== '');
  return name?.trim();
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}

/** The cancel module's answer `Key=Value&Key=Value` (the samples' parseMessage), PayName / CancelMSG / ResultMsg urldecode()d from EUC-KR. */
export function parseCancelAnswer(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.trim().split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = (eq === -1 ? part : part.slice(0, eq)).trim();
    const value = (eq === -1 ? '' : part.slice(eq + 1)).trim();
    if (!key || key in out) continue;
    out[key] = ['PayName', 'CancelMSG', 'ResultMsg'].includes(key) ? urldecodeEucKr(value) : value;
  }
  return out;
}
