// @ts-check
/**
 * Sandbox Smartro PG (smilepay WEBLink): a local stand-in for Smartro's payment interface servers
 * (PC tpay.smilepay.co.kr/interfaceURL.jsp, mobile tspay.smilepay.co.kr/pay/interfaceURL), the card slip
 * page (test.smilepay.co.kr/issue/IssueLoader.jsp) and the receipt API (tapi.smilepay.co.kr/receipt).
 * Built from ../../../../shared/pg-docs/ (smartro-weblink-guide.txt, smartro-receipt.txt, README.md) and
 * demo/CONTRACT.md. README.md in this folder lists what it implements and every assumption it makes.
 *
 *   node demo/sandbox/smartro/server.mjs            # http://127.0.0.1:5175 (PORT / HOST env)
 */
import http from 'node:http';
import { randomInt } from 'node:crypto';
import {
  safeEqual, randomToken, kstParts, readBody, mediaType, readJsonBody, sendJson, sendHtml, dispatch,
  guardHandler, startSandboxServer, isMainModule, runFromCommandLine, MAX_BODY_BYTES,
} from '../common.mjs';
import { PAGE_ERRORS, API_ERRORS, RESULT, SUCCESS_CODES, SUCCESS_MESSAGES, SERVICES, DEPOSIT } from './codes.mjs';
import { parseFormBytes, urlEncode, formEncode } from './charset.mjs';
import { encryptData, signValue } from './hash.mjs';
import { validateRequestFields } from './validate.mjs';
import { renderPayPage, renderResultPage, renderErrorPage, renderSlipPage, renderCashReceiptPage, renderDepositPage, renderAdminPage } from './pages.mjs';
import { CANCEL_PATH, CANCEL_CODES, PAY_NAMES, cancelHash, cancelAnswer, decodeCancelMsg } from './cancel.mjs';

export { encryptData, signValue, md5Hex } from './hash.mjs';
export { encodeEucKr, encodeText, decodeText, parseFormBytes, percentDecodeBytes, urlEncode, formEncode } from './charset.mjs';
export { PAGE_ERRORS, API_ERRORS, RESULT, SUCCESS_CODES } from './codes.mjs';
export { CANCEL_PATH, CANCEL_CODES, cancelHash, cancelAnswer, decodeCancelMsg } from './cancel.mjs';

/**
 * @typedef {object} Merchant
 * @property {string} mid exactly 10 characters (the TID starts with it)
 * @property {string} merchantKey
 * @property {string} coNo 사업자번호 (10 digits)
 * @property {string} coNm 사업자명
 * @property {string} bossNm 대표자명
 * @property {string} mallNm 가맹점명
 * @property {string} addr 가맹점주소
 * @property {string} fnNo 카드사 가맹점번호
 * @property {string} [cancelPassword] 취소 패스워드 (Cancelpw), set in Smartro's admin site (ASSUMPTION: from public sample code)
 */

/**
 * @typedef {object} RetryAttempt
 * @property {number} at sandbox-clock ms
 * @property {number | null} status HTTP status, null when the request failed
 * @property {string | null} body first 200 characters of the answer
 * @property {string | null} error network error / timeout
 * @property {boolean} ok status 2xx and body `OK`
 */

/**
 * A fault of payCancelNVProcess.jsp (test only): the cancel is made (unless `applied` is false), then the
 * answer comes after `delayMs`, never (null), or as the HTTP error `status`.
 * @typedef {object} CancelFault
 * @property {number | null} delayMs
 * @property {number | undefined} status
 * @property {string | undefined} tid
 * @property {string | undefined} moid
 * @property {boolean} applied
 * @property {number} remaining
 */

/**
 * @typedef {object} RetryState
 * @property {string} url
 * @property {'pending' | 'delivered' | 'failed' | 'aborted'} state
 * @property {string} body the form body that is posted (ASCII, already percent-encoded)
 * @property {string} contentType
 * @property {RetryAttempt[]} attempts
 */

/**
 * @typedef {object} PartCancel
 * @property {number} at
 * @property {number} amount
 * @property {string} ccNo
 */

/**
 * One cancel the PG made, whatever asked for it (payCancelNVProcess.jsp, the admin page, /__sandbox/cancel).
 * @typedef {object} CancelLog
 * @property {number} at
 * @property {number} amount
 * @property {string} ccNo CancelNum
 * @property {boolean} partial
 * @property {boolean} refund a BANK payment or a deposited VBANK: 환불 (2211), the money goes back to an account
 * @property {'api' | 'admin' | 'control'} via
 * @property {string} msg CancelMSG
 */

/**
 * @typedef {object} Payment
 * @property {string} nonce
 * @property {'pc' | 'mobile'} iface
 * @property {'EUC-KR' | 'UTF-8'} charset charset the request body was decoded with
 * @property {Record<string, string>} request decoded request fields (first occurrence of each name)
 * @property {string} mid
 * @property {string} moid
 * @property {string} amt Amt as received
 * @property {number} amount
 * @property {string} payMethod
 * @property {'euc-kr' | 'utf-8'} resultCharset accept-charset of the result form (EncodingType)
 * @property {boolean} urlEncode UrlEncode / URLEncode = Y
 * @property {boolean} mallResultFwd MallResultFWD = Y
 * @property {'pending' | 'approved' | 'buyer-cancelled' | 'declined'} status
 * @property {number} createdAt
 * @property {'approve' | 'cancel' | 'fail' | null} decision
 * @property {number | null} decidedAt
 * @property {string | null} tid
 * @property {number | null} approvedAt
 * @property {string | null} authDate yyMMddHHmmss
 * @property {string | null} authCode
 * @property {string | null} resultCode
 * @property {{ fnCd: string, fnName: string, cardNo?: string, cardQuota?: string, vbankNum?: string, vbankExpDate?: string, acctNo?: string } | null} instrument
 * @property {{ depositedAt: number | null, notices: RetryState[] } | null} vbank VBANK: the deposit (null until
 *   the deposit page's 입금) and every deposit notice (4110) sent to RetryURL
 * @property {{ type: '1' | '2', no: string, tid: string } | null} cashReceipt BANK / VBANK: the 현금영수증 the
 *   buyer asked for on the payment page (1 소득공제, 2 지출증빙); a VBANK's is issued with its deposit
 * @property {{ action: string, acceptCharset: string, fields: Record<string, string>, values: Record<string, string> } | null} result
 *   what was put in the result form (`fields` = input values, `values` = before UrlEncode)
 * @property {RetryState | null} retry
 * @property {{ cancelledAt: number | null, ccNo: string | null, cancelledAmount: number, partCancels: PartCancel[], log: CancelLog[] }} cancel
 */

/** @type {Readonly<Merchant>} */
export const DEFAULT_MERCHANT = Object.freeze({
  mid: 'kpgtest01m',
  merchantKey: 'c2FuZGJveC1zbWFydHJvLW1lcmNoYW50LWtleS0wMDAx',
  coNo: '1068112345',
  coNm: '주식회사 케이피지데모',
  bossNm: '김한결',
  mallNm: 'KPG 데모샵',
  addr: '서울특별시 중구 세종대로 110, 7층 (태평로1가)',
  fnNo: '0104512378',
  cancelPassword: 'sandbox-cancel-pw-0001',
});

/** Card company every sandbox card approval uses (assumption): Smartro/NICE-style code 04 = 삼성카드. */
export const SANDBOX_CARD = Object.freeze({ code: '04', name: '삼성카드', bin: '536148' });
/** Bank for BANK / VBANK approvals (assumption): KFTC code 088 = 신한은행. */
export const SANDBOX_BANK = Object.freeze({ code: '088', name: '신한은행' });

const DECIDE_PATH = '/pay/decide';
/** Smartro's own test page for virtual-account deposit notices (guide 3.4), same path on the sandbox. */
export const DEPOSIT_PATH = '/payTest/vbank_deposit_notice.jsp';

/** A phone or business number on a receipt, masked as Smartro's slips show them: 010****5678. @param {string} no */
const maskReceiptNo = (no) => (no.length > 7 ? `${no.slice(0, 3)}${'*'.repeat(no.length - 7)}${no.slice(-4)}` : no);

/** @param {number} n number of digits */
const randomDigits = (n) => Array.from({ length: n }, () => String(randomInt(0, 10))).join('');

/**
 * Sandbox-clock ms in Korea time (UTC+9, no DST).
 * @param {number} ms
 */
function kst(ms) {
  const t = kstParts(ms);
  const date = `${t.year}${t.month}${t.day}`;
  const time = `${t.hour}${t.minute}${t.second}`;
  return {
    /** YYYYMMDD */ date,
    /** HHMMSS */ time,
    /** yyMMddHHmmss */ short: `${date.slice(2)}${time}`,
    /** YYYY-MM-DD HH:MM:SS */ display: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)} ${time.slice(0, 2)}:${time.slice(2, 4)}:${time.slice(4)}`,
  };
}

/** @param {string} mid @param {string} moid */
const moidKey = (mid, moid) => `${mid}\u0000${moid}`;

/**
 * @param {http.ServerResponse} res @param {{ code: string, status: number }} err @param {string} msg
 * @param {Record<string, string>} [headers]
 */
const sendApiError = (res, err, msg, headers) =>
  sendJson(res, err.status, { resultCd: err.code, resultMsg: msg }, headers);

/**
 * @param {http.ServerResponse} res @param {{ code: string, status: number, title: string }} err @param {string} message
 * @param {Record<string, string>} [headers]
 */
const sendPageError = (res, err, message, headers) =>
  sendHtml(res, err.status, renderErrorPage({ title: err.title, code: err.code, message }), headers);

/**
 * How each problem of a JSON body is answered.
 * @type {Record<import('../common.mjs').JsonBodyProblem, [{ code: string, status: number }, string]>}
 */
const JSON_BODY_ERRORS = {
  'media-type': [API_ERRORS.UNSUPPORTED_MEDIA_TYPE, 'Content-Type은 application/json이어야 합니다.'],
  'too-large': [API_ERRORS.BODY_TOO_LARGE, `요청 본문이 ${MAX_BODY_BYTES}바이트보다 큽니다.`],
  malformed: [API_ERRORS.MALFORMED_BODY, '요청 본문이 올바른 UTF-8 JSON이 아닙니다.'],
  'not-object': [API_ERRORS.MALFORMED_BODY, '요청 본문은 JSON 객체여야 합니다.'],
};

/**
 * Reads a JSON object body, answering the error itself when it cannot.
 * @param {http.IncomingMessage} req @param {http.ServerResponse} res
 * @returns {Promise<Record<string, any> | null>}
 */
async function readJsonObject(req, res) {
  const body = await readJsonBody(req);
  if (body.ok) return body.value;
  sendApiError(res, ...JSON_BODY_ERRORS[body.problem]);
  return null;
}

/**
 * @param {AbortSignal} signal @param {number} ms
 * @returns {Promise<void>}
 */
function sleep(ms, signal) {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Creates the sandbox (no server). Mount `handle` on any node:http server.
 * @param {object} [options]
 * @param {string} [options.publicOrigin] the sandbox's own origin (informational; pages use relative paths)
 * @param {Merchant[]} [options.merchants] default: [DEFAULT_MERCHANT]
 * @param {() => number} [options.now] clock (ms since epoch), default Date.now
 * @param {number} [options.retryAttempts] RetryURL: attempts in total (default 3)
 * @param {number} [options.retryDelayMs] RetryURL: wait between attempts (default 500)
 * @param {number} [options.retryTimeoutMs] RetryURL: timeout of one attempt (default 5000)
 */
export function createSmartroSandbox({
  publicOrigin = 'http://127.0.0.1:5175',
  merchants = [DEFAULT_MERCHANT],
  now = Date.now,
  retryAttempts = 3,
  retryDelayMs = 500,
  retryTimeoutMs = 5000,
} = {}) {
  const origin = new URL(publicOrigin).origin;
  /** @type {Map<string, Merchant>} */
  const merchantsByMid = new Map();
  for (const m of merchants) {
    if (typeof m.mid !== 'string' || m.mid.length !== 10) throw new Error(`MID must be 10 characters: ${m.mid}`);
    merchantsByMid.set(m.mid, m);
  }

  const state = {
    /** @type {Map<string, Payment>} by nonce */
    payments: new Map(),
    /** @type {Map<string, Payment>} approved payments by TID */
    byTid: new Map(),
    /** @type {Map<string, Payment>} approved payments by MID + Moid */
    approvedMoids: new Map(),
    /**
     * Faults injected through /__sandbox/fault (test only): the receipt API answering late, never or with an
     * error; RetryURL notifications held back or late.
     * @type {{ receipt: Array<{ delayMs: number | null, status?: number, moid?: string, remaining: number }>, retry: { suppress: boolean, delayMs: number }, cancel: CancelFault[] }}
     */
    faults: { receipt: [], retry: { suppress: false, delayMs: 0 }, cancel: [] },
  };
  /** RetryURL deliveries under way. @type {Set<Promise<void>>} */
  const pending = new Set();
  let abort = new AbortController();

  /** @returns {string} a TID no earlier payment has */
  function newTid(/** @type {string} */ mid, /** @type {string} */ payMethod, /** @type {number} */ t) {
    const svc = (SERVICES[payMethod] ?? SERVICES.CARD).cd;
    for (;;) {
      const tid = `${mid}${svc}01${kst(t).short}${randomDigits(4)}`;
      if (!state.byTid.has(tid)) return tid;
    }
  }

  // ---------------------------------------------------------------- payment interface (PC / mobile)

  /**
   * @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {'pc' | 'mobile'} iface
   */
  async function payInterface(req, res, iface) {
    if (mediaType(req) !== 'application/x-www-form-urlencoded') {
      req.resume();
      return sendPageError(
        res,
        PAGE_ERRORS.UNSUPPORTED_MEDIA_TYPE,
        '결제 요청은 application/x-www-form-urlencoded 형식의 POST여야 합니다.',
      );
    }
    const body = await readBody(req);
    if (!body.ok) return sendPageError(res, PAGE_ERRORS.BODY_TOO_LARGE, '결제 요청 데이터가 너무 큽니다.');
    // The PC server is EUC-KR based, the mobile one UTF-8 (guide 6.2 / 6.3): a Content-Type charset is ignored.
    const charset = iface === 'pc' ? 'EUC-KR' : 'UTF-8';
    /** @type {Map<string, { value: string, byteLength: number }>} */
    const fields = new Map();
    for (const f of parseFormBytes(body.buf, charset)) if (!fields.has(f.name)) fields.set(f.name, f);

    const v = validateRequestFields(fields, iface);
    if (!v.ok) return sendPageError(res, v.error, v.message);
    /** @type {Record<string, string>} */
    const request = Object.fromEntries([...fields].map(([k, f]) => [k, f.value]));

    const merchant = merchantsByMid.get(request.MID);
    if (!merchant) return sendPageError(res, PAGE_ERRORS.UNKNOWN_MID, `등록되지 않은 상점 ID(MID)입니다: ${request.MID}`);
    const expected = encryptData({
      ediDate: request.ediDate,
      mid: request.MID,
      amt: request.Amt,
      merchantKey: merchant.merchantKey,
    });
    if (!safeEqual(expected, request.EncryptData)) {
      return sendPageError(
        res,
        PAGE_ERRORS.HASH_MISMATCH,
        '위·변조 검증값 오류 (HASH 유효성 확인 실패): EncryptData가 ediDate + MID + Amt + MerchantKey 로 만든 값과 다릅니다.',
      );
    }
    if (state.approvedMoids.has(moidKey(request.MID, request.Moid))) {
      return sendPageError(
        res,
        PAGE_ERRORS.DUPLICATE_APPROVAL,
        `승인 TID 중복 오류: 주문번호(Moid) ${request.Moid} 는 이미 승인되었습니다. 승인 후 새로 고침하거나 뒤로 가기로 다시 요청한 경우입니다.`,
      );
    }

    const payMethod = request.PayMethod || 'CARD';
    const nonce = randomToken();
    /** @type {Payment} */
    const payment = {
      nonce,
      iface,
      charset,
      request,
      mid: request.MID,
      moid: request.Moid,
      amt: request.Amt,
      amount: Number(request.Amt),
      payMethod,
      resultCharset: request.EncodingType === 'utf8' ? 'utf-8' : 'euc-kr',
      urlEncode: (request.UrlEncode || request.URLEncode) === 'Y',
      mallResultFwd: request.MallResultFWD === 'Y',
      status: 'pending',
      createdAt: now(),
      decision: null,
      decidedAt: null,
      tid: null,
      approvedAt: null,
      authDate: null,
      authCode: null,
      resultCode: null,
      instrument: null,
      result: null,
      retry: null,
      vbank: null,
      cashReceipt: null,
      cancel: { cancelledAt: null, ccNo: null, cancelledAmount: 0, partCancels: [], log: [] },
    };
    state.payments.set(nonce, payment);
    sendHtml(res, 200, renderPayPage({ nonce, decideAction: DECIDE_PATH, iface, charset, request, payMethod }));
  }

  // ---------------------------------------------------------------- the buyer's decision

  /**
   * Values as they go into the result form: percent-encoded once more in the result charset when
   * UrlEncode=Y (the receiver then decodes twice).
   * @param {Payment} p @param {Record<string, string>} values
   */
  function formValues(p, values) {
    if (!p.urlEncode) return { ...values };
    const cs = p.resultCharset === 'utf-8' ? 'UTF-8' : 'EUC-KR';
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, urlEncode(v, cs)]));
  }

  /**
   * @param {Payment} p
   * @param {{ cashReceipt?: { type: '1' | '2', no: string } | null }} [choices] what the buyer chose on the page
   */
  function approve(p, choices = {}) {
    const t = now();
    const tid = newTid(p.mid, p.payMethod, t);
    const resultCode = SUCCESS_CODES[p.payMethod];
    p.status = 'approved';
    p.tid = tid;
    p.approvedAt = t;
    p.authDate = kst(t).short;
    p.authCode = randomDigits(8);
    p.resultCode = resultCode;
    if (p.payMethod === 'CARD') {
      p.instrument = {
        fnCd: SANDBOX_CARD.code,
        fnName: SANDBOX_CARD.name,
        cardNo: `${SANDBOX_CARD.bin}******${randomDigits(4)}`,
        cardQuota: '00',
      };
    } else if (p.payMethod === 'BANK' || p.payMethod === 'VBANK') {
      p.instrument = { fnCd: SANDBOX_BANK.code, fnName: SANDBOX_BANK.name };
      if (p.payMethod === 'VBANK') {
        p.instrument.vbankNum = `562${randomDigits(11)}`;
        p.instrument.vbankExpDate = p.request.VbankExpDate || kst(t + 3 * 86400_000).date;
        p.vbank = { depositedAt: null, notices: [] };
      } else {
        // The buyer's own account (guide 3.5: test accounts start with 000).
        p.instrument.acctNo = `000${randomDigits(9)}`;
      }
      if (choices.cashReceipt) p.cashReceipt = { ...choices.cashReceipt, tid: newTid(p.mid, 'CASH', t) };
    } else {
      p.instrument = { fnCd: '', fnName: '' };
    }
    state.byTid.set(tid, p);
    state.approvedMoids.set(moidKey(p.mid, p.moid), p);
    return resultValues(p, resultCode, SUCCESS_MESSAGES[p.payMethod], /** @type {string} */ (p.authDate));
  }

  /**
   * The fields of an approval result, or of a deposit notice (4110, `authDate` = the deposit's moment).
   * @param {Payment} p @param {string} resultCode @param {string} resultMsg @param {string} authDate
   */
  function resultValues(p, resultCode, resultMsg, authDate) {
    const merchant = /** @type {Merchant} */ (merchantsByMid.get(p.mid));
    const tid = /** @type {string} */ (p.tid);
    const instrument = /** @type {NonNullable<Payment['instrument']>} */ (p.instrument);
    const r = p.request;
    /** @type {Record<string, string>} */
    const values = {
      PayMethod: p.payMethod,
      MID: p.mid,
      Amt: p.amt,
      BuyerName: r.BuyerName ?? '',
      GoodsName: r.GoodsName,
      TID: tid,
      OID: p.moid,
      AuthDate: authDate,
      AuthCode: /** @type {string} */ (p.authCode),
      ResultCode: resultCode,
      ResultMsg: resultMsg,
      SignValue: signValue({ tid, resultCode, merchantKey: merchant.merchantKey }),
      fn_cd: instrument.fnCd,
      fn_name: instrument.fnName,
    };
    if (p.payMethod === 'CARD') values.CardQuota = instrument.cardQuota ?? '00';
    if (p.payMethod === 'VBANK') {
      values.VbankNum = instrument.vbankNum ?? '';
      values.VbankName = instrument.fnName;
      values.VbankExpDate = instrument.vbankExpDate ?? '';
    }
    values.MallReserved = r.MallReserved ?? '';
    return values;
  }

  /**
   * Fields of a cancel / decline result (no TID, no SignValue: nothing was approved).
   * @param {Payment} p @param {string} code @param {string} msg
   */
  function failureValues(p, code, msg) {
    const r = p.request;
    return {
      PayMethod: p.payMethod,
      MID: p.mid,
      Amt: p.amt,
      BuyerName: r.BuyerName ?? '',
      GoodsName: r.GoodsName,
      OID: p.moid,
      Moid: p.moid,
      ResultCode: code,
      ResultMsg: msg,
      MallReserved: r.MallReserved ?? '',
    };
  }

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  async function decide(req, res) {
    if (mediaType(req) !== 'application/x-www-form-urlencoded') {
      req.resume();
      return sendPageError(res, PAGE_ERRORS.UNSUPPORTED_MEDIA_TYPE, '지원하지 않는 요청 형식입니다.');
    }
    const body = await readBody(req);
    if (!body.ok) return sendPageError(res, PAGE_ERRORS.BODY_TOO_LARGE, '요청 데이터가 너무 큽니다.');
    const form = new Map(parseFormBytes(body.buf, 'UTF-8').map((f) => [f.name, f.value]));
    const nonce = form.get('nonce') ?? '';
    const choice = form.get('choice');
    const p = nonce ? state.payments.get(nonce) : undefined;
    if (!p) return sendPageError(res, PAGE_ERRORS.UNKNOWN_PAYMENT, '유효하지 않은 결제 요청입니다. 가맹점 화면에서 결제를 다시 시작해 주세요.');
    if (choice !== 'approve' && choice !== 'cancel' && choice !== 'fail') {
      return sendPageError(res, PAGE_ERRORS.UNKNOWN_CHOICE, '알 수 없는 선택입니다.');
    }
    if (p.decision !== null) return sendPageError(res, PAGE_ERRORS.ALREADY_DECIDED, '이미 처리된 결제입니다.');

    /** @type {Record<string, string>} */
    let values;
    let action = p.request.ReturnURL;
    let auto = p.mallResultFwd;
    if (choice === 'approve') {
      if (state.approvedMoids.has(moidKey(p.mid, p.moid))) {
        return sendPageError(
          res,
          PAGE_ERRORS.DUPLICATE_APPROVAL,
          `승인 TID 중복 오류: 주문번호(Moid) ${p.moid} 는 이미 승인되었습니다.`,
        );
      }
      values = approve(p, { cashReceipt: cashReceiptChoice(p, form) });
    } else if (choice === 'cancel') {
      p.status = 'buyer-cancelled';
      values = failureValues(p, RESULT.BUYER_CANCEL, RESULT.BUYER_CANCEL_MSG);
      // guide 6.16: mobile -> StopURL, PC -> ReturnURL.
      if (p.iface === 'mobile') action = p.request.StopURL;
      auto = true;
    } else {
      p.status = 'declined';
      values = failureValues(p, RESULT.DECLINED, RESULT.DECLINED_MSG);
    }
    p.decision = choice;
    p.decidedAt = now();
    const fields = formValues(p, values);
    p.result = { action, acceptCharset: p.resultCharset, fields, values };
    if (choice === 'approve' && p.request.RetryURL) p.retry = notify(p, fields);
    sendHtml(res, 200, renderResultPage({ action, acceptCharset: p.resultCharset, fields, display: values, auto }));
  }

  /**
   * The 현금영수증 the buyer asked for on a BANK / VBANK payment page (guide 6.12): `cash_receipt` = 1 소득공제
   * (a phone number) or 2 지출증빙 (a business number), `cash_receipt_no` its digits. Anything else: none.
   * @param {Payment} p @param {Map<string, string>} form
   * @returns {{ type: '1' | '2', no: string } | null}
   */
  function cashReceiptChoice(p, form) {
    if (p.payMethod !== 'BANK' && p.payMethod !== 'VBANK') return null;
    const type = form.get('cash_receipt');
    const no = (form.get('cash_receipt_no') ?? '').replace(/\D/g, '');
    if ((type !== '1' && type !== '2') || no.length < 10 || no.length > 13) return null;
    return { type, no };
  }

  // ---------------------------------------------------------------- virtual-account deposits (guide 3.4)

  /** The end of a VbankExpDate (yyyyMMdd), Korea time: no deposit is taken after it. @param {string} date */
  const dueEnd = (date) => Date.parse(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T23:59:59.999+09:00`);

  /** @param {Payment} p */
  const vbankState = (p) =>
    p.cancel.cancelledAt !== null ? 'cancelled' : p.vbank?.depositedAt ? 'deposited' : now() > dueEnd(p.instrument?.vbankExpDate ?? '') ? 'expired' : 'waiting';

  /**
   * The deposit test page, like Smartro's vbank_deposit_notice.jsp (guide 3.4, test server only): GET lists
   * the issued accounts; POST `TID` (or `tid`) makes the deposit and sends the deposit notice (ResultCode
   * 4110) to the payment's RetryURL, the merchant's notification URL (assumption, README); POST with
   * `resend=Y` sends the notice of a deposited account again. A JSON body gets a JSON answer.
   * @param {http.IncomingMessage} req @param {http.ServerResponse} res
   */
  async function depositNotice(req, res) {
    if (req.method === 'GET') {
      req.resume();
      return sendHtml(res, 200, depositPage());
    }
    const json = mediaType(req) === 'application/json';
    /** @type {Record<string, any> | null} */
    let body;
    if (json) body = await readJsonObject(req, res);
    else {
      const raw = await readBody(req);
      body = raw.ok ? Object.fromEntries(parseFormBytes(raw.buf, 'UTF-8').map((f) => [f.name, f.value])) : {};
    }
    if (!body) return;
    const tid = String(body.TID ?? body.tid ?? '').trim();
    const resend = body.resend === true || body.resend === 'Y';
    /** @param {{ code: string, status: number, title: string }} err @param {string} message */
    const fail = (err, message) => (json ? sendApiError(res, err, message) : sendPageError(res, err, message));
    const p = state.byTid.get(tid);
    if (!p) return fail(PAGE_ERRORS.DEPOSIT_UNKNOWN, `거래 내역이 없습니다: ${tid || '(TID 없음)'}`);
    if (p.payMethod !== 'VBANK' || !p.vbank) return fail(PAGE_ERRORS.DEPOSIT_NOT_VBANK, `가상계좌 거래가 아닙니다: ${tid}`);
    const st = vbankState(p);
    if (st === 'cancelled') return fail(PAGE_ERRORS.DEPOSIT_NOT_VBANK, `취소된 가상계좌입니다: ${tid}`);
    if (st === 'expired') return fail(PAGE_ERRORS.DEPOSIT_EXPIRED, `입금 기한(${p.instrument?.vbankExpDate})이 지난 가상계좌입니다: ${tid}`);
    if (st === 'deposited' && !resend) return fail(PAGE_ERRORS.DEPOSIT_DONE, `이미 입금된 가상계좌입니다: ${tid} (통보를 다시 보내려면 resend=Y)`);
    if (st === 'waiting') p.vbank.depositedAt = now();
    const values = resultValues(p, DEPOSIT.CODE, DEPOSIT.MSG, kst(/** @type {number} */ (p.vbank.depositedAt)).short);
    const notice = p.request.RetryURL ? notify(p, formValues(p, values)) : null;
    if (notice) p.vbank.notices.push(notice);
    if (json) return sendJson(res, 200, { resultCd: '0000', resultMsg: 'OK', tid, depositedAt: p.vbank.depositedAt, notified: Boolean(notice) });
    sendHtml(res, 200, depositPage(`${tid}: ${resend ? '입금 통보를 다시 보냈습니다.' : '입금했습니다.'}${notice ? '' : ' (통보할 RetryURL이 없습니다)'}`));
  }

  /** @param {string} [message] */
  function depositPage(message) {
    const accounts = [...state.byTid.values()]
      .filter((p) => p.payMethod === 'VBANK' && p.vbank)
      .map((p) => ({
        tid: /** @type {string} */ (p.tid),
        moid: p.moid,
        accountNo: p.instrument?.vbankNum ?? '',
        bank: p.instrument?.fnName ?? '',
        amount: p.amount,
        due: p.instrument?.vbankExpDate ?? '',
        state: vbankState(p),
        notices: (p.vbank?.notices ?? []).map((n) => n.state),
      }));
    return renderDepositPage({ action: DEPOSIT_PATH, accounts, message });
  }

  // ---------------------------------------------------------------- RetryURL (server-to-server notification)

  /**
   * POSTs the result to RetryURL until it answers `OK` (2xx status, body `OK` give or take white space),
   * at most `retryAttempts` times.
   * @param {Payment} p @param {Record<string, string>} fields the form values (UrlEncode already applied)
   * @returns {RetryState | null} null when notifications are held back (fault injection)
   */
  function notify(p, fields) {
    if (state.faults.retry.suppress) return null;
    const firstDelay = state.faults.retry.delayMs;
    const cs = p.resultCharset === 'utf-8' ? 'UTF-8' : 'EUC-KR';
    /** @type {RetryState} */
    const r = {
      url: p.request.RetryURL,
      state: 'pending',
      body: formEncode(fields, cs),
      contentType: `application/x-www-form-urlencoded; charset=${cs}`,
      attempts: [],
    };
    const signal = abort.signal;
    const run = (async () => {
      for (let i = 0; i < retryAttempts; i++) {
        if (i > 0) await sleep(retryDelayMs, signal);
        else if (firstDelay > 0) await sleep(firstDelay, signal);
        if (signal.aborted) {
          r.state = 'aborted';
          return;
        }
        /** @type {RetryAttempt} */
        const attempt = { at: now(), status: null, body: null, error: null, ok: false };
        r.attempts.push(attempt);
        try {
          const res = await fetch(r.url, {
            method: 'POST',
            headers: { 'Content-Type': r.contentType },
            body: r.body,
            redirect: 'manual',
            signal: AbortSignal.any([signal, AbortSignal.timeout(retryTimeoutMs)]),
          });
          attempt.status = res.status;
          const text = await res.text();
          attempt.body = text.slice(0, 200);
          attempt.ok = res.status >= 200 && res.status < 300 && text.trim() === 'OK';
        } catch (err) {
          attempt.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        }
        if (attempt.ok) {
          r.state = 'delivered';
          return;
        }
      }
      r.state = signal.aborted ? 'aborted' : 'failed';
    })();
    pending.add(run);
    run.finally(() => pending.delete(run)).catch(() => {});
    return r;
  }

  /** Resolves when every RetryURL delivery under way has finished. */
  async function idle() {
    while (pending.size) await Promise.all([...pending]);
  }

  // ---------------------------------------------------------------- slip page and receipt API

  /** @param {Payment} p @returns {'approved' | 'partially-cancelled' | 'cancelled'} */
  function cancelState(p) {
    if (p.cancel.cancelledAt !== null) return 'cancelled';
    return p.cancel.partCancels.length ? 'partially-cancelled' : 'approved';
  }

  /** The cash receipt of a payment, once issued: a BANK payment's at once, a VBANK's with its deposit. @param {Payment} p */
  const issuedCashReceipt = (p) => (p.cashReceipt && (p.payMethod === 'BANK' || p.vbank?.depositedAt) ? p.cashReceipt : null);

  /** @param {URL} url @param {http.ServerResponse} res */
  function issueLoader(url, res) {
    const tid = url.searchParams.get('TID');
    const type = url.searchParams.get('type');
    if (!tid) return sendPageError(res, PAGE_ERRORS.SLIP_NO_TID, '거래번호(TID)가 없습니다.');
    if (type !== '0' && type !== '2') {
      // guide 6.21: "type = 0 혹은 2 값 누락 시 오류페이지 이동"
      return sendPageError(res, PAGE_ERRORS.SLIP_BAD_TYPE, 'type 값이 올바르지 않습니다 (0: 결제, 2: 현금영수증).');
    }
    const p = state.byTid.get(tid);
    if (!p) return sendPageError(res, PAGE_ERRORS.SLIP_UNKNOWN_TID, `거래 내역이 없습니다: ${tid}`);
    const merchant = /** @type {Merchant} */ (merchantsByMid.get(p.mid));
    if (type === '2') {
      const cash = issuedCashReceipt(p);
      if (!cash) return sendPageError(res, PAGE_ERRORS.SLIP_NO_CASH_RECEIPT, '이 거래에는 발급된 현금영수증이 없습니다.');
      const at = p.payMethod === 'VBANK' ? /** @type {number} */ (p.vbank?.depositedAt) : /** @type {number} */ (p.approvedAt);
      return sendHtml(
        res,
        200,
        renderCashReceiptPage({
          merchant,
          tid,
          cashTid: cash.tid,
          type: cash.type,
          no: maskReceiptNo(cash.no),
          goodsName: p.request.GoodsName,
          amount: p.amount,
          vat: Math.round(p.amount / 11),
          time: kst(at).display,
          cancelled: p.cancel.cancelledAt !== null,
        }),
      );
    }
    const cs = cancelState(p);
    const cancelAt = p.cancel.cancelledAt ?? p.cancel.partCancels.at(-1)?.at;
    sendHtml(
      res,
      200,
      renderSlipPage({
        merchant,
        tid,
        moid: p.moid,
        payMethod: p.payMethod,
        goodsName: p.request.GoodsName,
        buyerName: p.request.BuyerName ?? '',
        amount: p.amount,
        vat: Math.round(p.amount / 11),
        appNo: p.authCode ?? '',
        appTime: kst(/** @type {number} */ (p.approvedAt)).display,
        fnName: p.instrument?.fnName,
        cardNo: p.instrument?.cardNo,
        quota: p.instrument?.cardQuota,
        acctNo: p.instrument?.acctNo ? maskReceiptNo(p.instrument.acctNo) : undefined,
        vbank: p.payMethod === 'VBANK'
          ? { accountNo: p.instrument?.vbankNum ?? '', due: p.instrument?.vbankExpDate ?? '', deposited: p.vbank?.depositedAt ? kst(p.vbank.depositedAt).display : undefined }
          : undefined,
        state: cs,
        cancelledAmount: p.cancel.cancelledAmount,
        cancelTime: cancelAt === undefined ? undefined : kst(cancelAt).display,
      }),
    );
  }

  /** @param {Payment} p */
  function receiptJson(p) {
    const merchant = /** @type {Merchant} */ (merchantsByMid.get(p.mid));
    const svc = SERVICES[p.payMethod] ?? SERVICES.CARD;
    const vat = Math.round(p.amount / 11);
    const app = kst(/** @type {number} */ (p.approvedAt));
    const cancelled = p.cancel.cancelledAt !== null;
    /** @type {Record<string, unknown>} */
    const out = {
      tid: p.tid,
      moid: p.moid,
      stateCd: cancelled ? '1' : '0',
      stateNm: cancelled ? '취소' : '승인',
      svcCd: svc.cd,
      svcNm: svc.nm,
      ordNm: p.request.BuyerName ?? '',
      goodsNm: [...p.request.GoodsName].slice(0, 40).join(''),
      goodsAmt: String(p.amount),
      supplyAmt: String(p.amount - vat),
      vatAmt: String(vat),
      svcAmt: '0',
      appNo: p.authCode,
      appDt: app.date,
      appTm: app.time,
    };
    if (cancelled) {
      const cc = kst(/** @type {number} */ (p.cancel.cancelledAt));
      out.ccNo = p.cancel.ccNo;
      out.ccDt = cc.date;
      out.ccTm = cc.time;
    }
    out.ccyCd = '410';
    out.ccyNm = 'KRW';
    if (p.payMethod === 'CARD' && p.instrument) {
      out.cardNo = p.instrument.cardNo;
      out.appCo = p.instrument.fnCd;
      out.appNm = p.instrument.fnName;
      out.instmntMon = p.instrument.cardQuota ?? '00';
      out.fnNo = merchant.fnNo;
      out.cardType = '01';
      out.cardCl = '0';
    } else if ((p.payMethod === 'BANK' || p.payMethod === 'VBANK') && p.instrument) {
      out.bankCd = p.instrument.fnCd;
      out.bankNm = p.instrument.fnName;
      if (p.payMethod === 'VBANK') {
        out.vacctNo = p.instrument.vbankNum;
        out.vacctDueDt = p.instrument.vbankExpDate;
        // 입금일: only once the deposit arrived (assumption: absent while the account waits).
        if (p.vbank?.depositedAt) out.vacctBaseDt = kst(p.vbank.depositedAt).date;
      } else {
        out.acctNo = p.instrument.acctNo;
      }
      const cash = issuedCashReceipt(p);
      out.cashReceiptReqCl = cash ? '1' : '0';
      if (cash) {
        out.cashReceiptTid = cash.tid;
        out.cashReceiptType = cash.type;
        out.cashReceiptNo = maskReceiptNo(cash.no);
      }
    }
    // ASSUMPTION: 환불 등록 (refundReqDt / refundReqTm / refundAmt) at the top level, once a BANK payment or a
    // deposited VBANK was refunded (the table is flat: whether they sit in partCancelInfo is not shown).
    const refunds = p.cancel.log.filter((c) => c.refund);
    if (refunds.length) {
      const last = kst(refunds[refunds.length - 1].at);
      out.refundReqDt = last.date;
      out.refundReqTm = last.time;
      out.refundAmt = String(refunds.reduce((sum, c) => sum + c.amount, 0));
    }
    out.partCancelInfo = p.cancel.partCancels.map((c) => {
      const t = kst(c.at);
      const cvat = Math.round(c.amount / 11);
      return {
        transDt: t.date,
        transTm: t.time,
        transAmt: String(c.amount),
        transSupplyAmt: String(c.amount - cvat),
        transVatAmt: String(cvat),
        transSvcAmt: '0',
      };
    });
    out.merchantInfo = {
      coNo: merchant.coNo,
      coNm: merchant.coNm,
      bossNm: merchant.bossNm,
      mallNm: merchant.mallNm,
      addr: merchant.addr,
    };
    return out;
  }

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  async function receipt(req, res) {
    const apikey = req.headers.apikey;
    if (typeof apikey !== 'string' || apikey === '') {
      req.resume();
      return sendApiError(res, API_ERRORS.AUTH, 'apikey 헤더가 없습니다.');
    }
    const body = await readJsonObject(req, res);
    if (!body) return;
    // By TID as documented ({mid, tid}); by Moid ({mid, moid}, no tid) is a SANDBOX ASSUMPTION that the
    // real API may not support (README): kpg-checkout/server only asks it with receiptLookupByMoid.
    const byMoid = body.tid === undefined && typeof body.moid === 'string' && body.moid !== '';
    for (const name of ['mid', byMoid ? 'moid' : 'tid']) {
      if (typeof body[name] !== 'string' || body[name] === '') {
        return sendApiError(res, API_ERRORS.INVALID_FIELD, `${name} 값이 없습니다.`);
      }
    }
    const merchant = merchantsByMid.get(body.mid);
    if (!merchant || !safeEqual(merchant.merchantKey, apikey)) {
      return sendApiError(res, API_ERRORS.AUTH, 'apikey가 mid의 merchantKey와 일치하지 않습니다.');
    }
    // A fault armed for one Moid applies to calls about that Moid only (by moid, or by a TID of it).
    const aboutMoid = byMoid ? body.moid : state.byTid.get(body.tid)?.moid;
    const fault = state.faults.receipt.find((f) => f.remaining > 0 && (f.moid === undefined || f.moid === aboutMoid));
    if (fault) {
      fault.remaining--;
      if (fault.delayMs === null) return; // never answers (until the sandbox closes)
      await sleep(fault.delayMs, abort.signal);
      if (fault.status !== undefined) return sendApiError(res, { code: API_ERRORS.INJECTED.code, status: fault.status }, 'injected fault');
    }
    if (byMoid) {
      const found = state.approvedMoids.get(moidKey(body.mid, body.moid));
      if (!found) return sendApiError(res, API_ERRORS.UNKNOWN_MOID, `이 주문번호(Moid)로 승인된 거래가 없습니다: ${body.moid}`);
      return sendJson(res, 200, receiptJson(found));
    }
    const p = state.byTid.get(body.tid);
    if (!p || p.mid !== body.mid) return sendApiError(res, API_ERRORS.UNKNOWN_TID, `거래 내역이 없습니다: ${body.tid}`);
    sendJson(res, 200, receiptJson(p));
  }

  // ---------------------------------------------------------------- test-only control routes

  /**
   * What a cancel of `p` would do, as the PG checks it: the amount it gives back, or why not.
   * @param {Payment} p @param {{ partial: boolean, amount: number | null }} ask amount null: the whole balance
   * @returns {{ ok: true, amount: number, refund: boolean } | { ok: false, why: 'already' | 'amount' | 'no-partial', message: string }}
   */
  function judgeCancel(p, ask) {
    if (p.cancel.cancelledAt !== null) return { ok: false, why: 'already', message: RESULT.ALREADY_CANCELLED_MSG };
    const remaining = p.amount - p.cancel.cancelledAmount;
    const deposited = p.payMethod === 'VBANK' && Boolean(p.vbank?.depositedAt);
    const refund = p.payMethod === 'BANK' || deposited;
    if (!ask.partial) {
      if (ask.amount !== null && ask.amount !== remaining) return { ok: false, why: 'amount', message: `전체취소 금액(${ask.amount})이 취소 가능 잔액(${remaining})과 다릅니다.` };
      return { ok: true, amount: remaining, refund };
    }
    // The samples' check: "신용카드결제, 계좌이체, 가상계좌만 부분취소/부분환불이 가능합니다" (TID[10:12] 01 / 02 / 03).
    if (!['01', '02', '03'].includes(String(p.tid).slice(10, 12)) || (p.payMethod === 'VBANK' && !deposited)) {
      return { ok: false, why: 'no-partial', message: '신용카드결제, 계좌이체, 입금된 가상계좌만 부분취소/부분환불이 가능합니다.' };
    }
    const amount = /** @type {number} */ (ask.amount);
    if (amount > remaining) return { ok: false, why: 'amount', message: `취소 금액(${amount})이 취소 가능 잔액(${remaining})보다 큽니다.` };
    return { ok: true, amount, refund };
  }

  /**
   * Records a cancel (a partial one as a partCancelInfo entry; the payment is fully cancelled once nothing is
   * left: stateCd "1", ccNo, ccDt, ccTm).
   * @param {Payment} p @param {{ amount: number, partial: boolean, refund: boolean, via: CancelLog['via'], msg: string }} c
   */
  function applyCancel(p, c) {
    const t = now();
    const ccNo = randomDigits(8);
    if (c.partial) p.cancel.partCancels.push({ at: t, amount: c.amount, ccNo });
    p.cancel.cancelledAmount += c.amount;
    if (p.cancel.cancelledAmount >= p.amount) {
      p.cancel.cancelledAt = t;
      p.cancel.ccNo = ccNo;
    }
    /** @type {CancelLog} */
    const entry = { at: t, amount: c.amount, ccNo, partial: c.partial, refund: c.refund, via: c.via, msg: c.msg };
    p.cancel.log.push(entry);
    return entry;
  }

  /**
   * /__sandbox/cancel {tid} and /__sandbox/partial-cancel {tid, amount} (test only, JSON).
   * @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {boolean} partial
   */
  async function cancelRoute(req, res, partial) {
    const body = await readJsonObject(req, res);
    if (!body) return;
    if (typeof body.tid !== 'string' || body.tid === '') return sendApiError(res, API_ERRORS.INVALID_FIELD, 'tid 값이 없습니다.');
    const p = state.byTid.get(body.tid);
    if (!p) return sendApiError(res, API_ERRORS.UNKNOWN_TID, `거래 내역이 없습니다: ${body.tid}`);
    let amount = null;
    if (partial) {
      const a = body.amount;
      const n = typeof a === 'number' ? a : typeof a === 'string' && /^[0-9]+$/.test(a) ? Number(a) : NaN;
      if (!Number.isSafeInteger(n) || n <= 0) {
        return sendApiError(res, API_ERRORS.INVALID_FIELD, 'amount는 1 이상의 정수여야 합니다.');
      }
      amount = n;
    }
    const verdict = judgeCancel(p, { partial, amount });
    if (!verdict.ok && verdict.why === 'already') return sendApiError(res, API_ERRORS.ALREADY_CANCELLED, verdict.message);
    // This control route predates the cancel module: it partially cancels any pay method.
    if (!verdict.ok && (verdict.why !== 'no-partial' || amount === null)) return sendApiError(res, API_ERRORS.AMOUNT_TOO_LARGE, verdict.message);
    const given = verdict.ok ? verdict.amount : /** @type {number} */ (amount);
    if (!verdict.ok && given > p.amount - p.cancel.cancelledAmount) return sendApiError(res, API_ERRORS.AMOUNT_TOO_LARGE, verdict.message);
    const entry = applyCancel(p, { amount: given, partial, refund: verdict.ok && verdict.refund, via: 'control', msg: '' });
    const cc = kst(entry.at);
    sendJson(res, 200, {
      resultCd: RESULT.CANCEL_OK,
      resultMsg: RESULT.CANCEL_OK_MSG,
      tid: p.tid,
      cancelAmt: String(given),
      remainAmt: String(p.amount - p.cancel.cancelledAmount),
      ccNo: entry.ccNo,
      ccDt: cc.date,
      ccTm: cc.time,
      stateCd: p.cancel.cancelledAt !== null ? '1' : '0',
    });
  }

  /**
   * POST /cancel/payCancelNVProcess.jsp: the "URL Call" cancel of Smartro's public sample code (ASSUMPTION, see
   * cancel.mjs). The parameters are read from the query string and the form body (the JSP samples send them in
   * the query, the PHP ones in the body), EUC-KR; the first occurrence of a name wins. The answer is always
   * HTTP 200 text (a JSP page) `Key=Value&...`, success or not; a fault can make it 5xx, late or absent.
   * @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {URL} url
   */
  async function payCancelNV(req, res, url) {
    const body = await readBody(req);
    // A JSP reads a body as parameters only when it is application/x-www-form-urlencoded (the Servlet
    // specification's rule for request.getParameter); any other body is not read as a form.
    const form = body.ok && mediaType(req) === 'application/x-www-form-urlencoded';
    const query = Buffer.from(url.search.replace(/^\?/, ''), 'latin1');
    /** @type {Map<string, string>} */
    const params = new Map();
    for (const f of [...parseFormBytes(query, 'EUC-KR'), ...(form ? parseFormBytes(body.buf, 'EUC-KR') : [])]) {
      if (!params.has(f.name)) params.set(f.name, f.value);
    }
    const get = (/** @type {string} */ name) => (params.get(name) ?? '').trim();
    const tid = get('TID');
    const cancelAmt = get('CancelAmt');
    const code = get('PartialCancelCode');
    const msg = decodeCancelMsg(get('CancelMSG'));
    const p = state.byTid.get(tid);
    /** @param {string} resultCode @param {string} resultMsg @param {{ amount?: number, entry?: CancelLog }} [done] */
    const answer = (resultCode, resultMsg, done = {}) => {
      const at = done.entry ? kst(done.entry.at) : null;
      const text = cancelAnswer({
        PayMethod: p?.payMethod ?? '',
        PayName: p ? (PAY_NAMES[p.payMethod] ?? '') : '',
        MID: p?.mid ?? '',
        TID: tid,
        CancelAmt: done.amount !== undefined ? String(done.amount) : cancelAmt,
        CancelMSG: msg,
        ResultCode: resultCode,
        ResultMsg: resultMsg,
        CancelDate: at?.date ?? '',
        CancelTime: at?.time ?? '',
        CancelNum: done.entry?.ccNo ?? '',
        Moid: p?.moid ?? '',
      });
      res.writeHead(200, { 'Content-Type': 'text/html; charset=EUC-KR', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
      res.end(text);
    };
    for (const [name, value] of [['TID', tid], ['CancelAmt', cancelAmt], ['Cancelpw', get('Cancelpw')], ['hashData', get('hashData')]]) {
      if (!value) return answer(CANCEL_CODES.BAD_FIELD, `${name} 값이 없습니다.`);
    }
    if (!/^[A-Za-z0-9]{30}$/.test(tid)) return answer(CANCEL_CODES.BAD_FIELD, 'TID 길이를 확인하세요 (30자).');
    if (!/^\d{1,12}$/.test(cancelAmt) || Number(cancelAmt) <= 0) return answer(CANCEL_CODES.BAD_FIELD, 'CancelAmt는 1 이상의 숫자(12자 이하)여야 합니다.');
    if (code !== '' && code !== '0' && code !== '1') return answer(CANCEL_CODES.BAD_FIELD, 'PartialCancelCode는 0(전체) 또는 1(부분)이어야 합니다.');
    if (!p) return answer(CANCEL_CODES.UNKNOWN_TID, `거래 내역이 없습니다: ${tid}`);
    const merchant = /** @type {Merchant} */ (merchantsByMid.get(p.mid));
    if (!safeEqual(cancelHash({ tid, merchantKey: merchant.merchantKey, cancelAmt, partialCancelCode: code }), get('hashData'))) {
      return answer(CANCEL_CODES.HASH, '위·변조 검증값 오류 (hashData)');
    }
    if (!merchant.cancelPassword || !safeEqual(merchant.cancelPassword, get('Cancelpw'))) return answer(CANCEL_CODES.PASSWORD, '취소 패스워드가 일치하지 않습니다.');

    const fault = state.faults.cancel.find((f) => f.remaining > 0 && (f.tid === undefined || f.tid === tid) && (f.moid === undefined || f.moid === p.moid));
    if (fault) fault.remaining--;
    const misbehave = async () => {
      if (!fault) return false;
      if (fault.delayMs === null && fault.status === undefined) return true; // never answers (until the sandbox closes)
      if (fault.delayMs) await sleep(fault.delayMs, abort.signal);
      if (fault.status === undefined) return false;
      sendPageError(res, { ...PAGE_ERRORS.INTERNAL, status: fault.status }, 'injected fault');
      return true;
    };
    if (fault && !fault.applied) {
      // The PG fails before it cancels anything.
      if (await misbehave()) return;
      return sendPageError(res, { ...PAGE_ERRORS.INTERNAL, status: 503 }, 'injected fault');
    }
    const partial = code === '1';
    const verdict = judgeCancel(p, { partial, amount: Number(cancelAmt) });
    if (!verdict.ok) {
      if (await misbehave()) return;
      const resultCode = verdict.why === 'already' ? CANCEL_CODES.ALREADY : verdict.why === 'amount' ? CANCEL_CODES.AMOUNT : CANCEL_CODES.NO_PARTIAL;
      return answer(resultCode, verdict.message);
    }
    const entry = applyCancel(p, { amount: verdict.amount, partial, refund: verdict.refund, via: 'api', msg });
    if (await misbehave()) return;
    if (verdict.refund) return answer(CANCEL_CODES.REFUNDED, CANCEL_CODES.REFUNDED_MSG, { amount: verdict.amount, entry });
    answer(CANCEL_CODES.CANCELLED, CANCEL_CODES.CANCELLED_MSG, { amount: verdict.amount, entry });
  }

  /**
   * The PG's own admin site (test only): GET /__sandbox/admin lists the approved payments with their balance;
   * POST /__sandbox/admin (form or JSON {tid, amount?}) cancels behind the shop's back: the whole balance without
   * `amount`, else a partial cancel (the cancel module's rules). A JSON body gets a JSON answer.
   * @param {http.IncomingMessage} req @param {http.ServerResponse} res
   */
  async function adminCancel(req, res) {
    if (req.method === 'GET') {
      req.resume();
      return sendHtml(res, 200, adminPage());
    }
    const json = mediaType(req) === 'application/json';
    /** @type {Record<string, any> | null} */
    let body;
    if (json) body = await readJsonObject(req, res);
    else {
      const raw = await readBody(req);
      body = raw.ok ? Object.fromEntries(parseFormBytes(raw.buf, 'UTF-8').map((f) => [f.name, f.value])) : {};
    }
    if (!body) return;
    const tid = String(body.tid ?? body.TID ?? '').trim();
    const amountText = body.amount === undefined || body.amount === null ? '' : String(body.amount).trim();
    /** @param {{ code: string, status: number, title: string }} err @param {string} message */
    const fail = (err, message) => (json ? sendApiError(res, err, message) : sendPageError(res, err, message));
    const p = state.byTid.get(tid);
    if (!p) return fail({ ...PAGE_ERRORS.NOT_FOUND, code: API_ERRORS.UNKNOWN_TID.code }, `거래 내역이 없습니다: ${tid}`);
    if (amountText !== '' && !/^\d{1,12}$/.test(amountText)) return fail({ ...PAGE_ERRORS.INVALID_VALUE, code: API_ERRORS.INVALID_FIELD.code }, 'amount는 숫자여야 합니다.');
    const partial = amountText !== '';
    const verdict = judgeCancel(p, { partial, amount: partial ? Number(amountText) : null });
    if (!verdict.ok) return fail({ ...PAGE_ERRORS.INVALID_VALUE, status: verdict.why === 'already' ? 409 : 400, code: verdict.why === 'already' ? CANCEL_CODES.ALREADY : verdict.why === 'amount' ? CANCEL_CODES.AMOUNT : CANCEL_CODES.NO_PARTIAL }, verdict.message);
    const entry = applyCancel(p, { amount: verdict.amount, partial, refund: verdict.refund, via: 'admin', msg: '관리자 취소' });
    if (json) {
      return sendJson(res, 200, { resultCd: verdict.refund ? CANCEL_CODES.REFUNDED : CANCEL_CODES.CANCELLED, resultMsg: 'OK', tid, cancelAmt: String(entry.amount), ccNo: entry.ccNo, remainAmt: String(p.amount - p.cancel.cancelledAmount), stateCd: p.cancel.cancelledAt !== null ? '1' : '0' });
    }
    sendHtml(res, 200, adminPage(`${tid}: ${entry.amount}원 ${verdict.refund ? '환불' : '취소'}했습니다.`));
  }

  /** @param {string} [message] */
  function adminPage(message) {
    const payments = [...state.byTid.values()].map((p) => ({
      tid: /** @type {string} */ (p.tid),
      moid: p.moid,
      payMethod: p.payMethod,
      amount: p.amount,
      balance: p.amount - p.cancel.cancelledAmount,
      state: cancelState(p),
      cancels: p.cancel.log.map((c) => ({ amount: c.amount, ccNo: c.ccNo, at: kst(c.at).display, via: c.via, refund: c.refund })),
    }));
    return renderAdminPage({ action: '/__sandbox/admin', payments, message });
  }

  /**
   * POST /__sandbox/fault (test only):
   *   {api: "receipt", delay_ms?: number | null, status?: number, times?: number, moid?: string}  the receipt API
   *     answers late (delay_ms), never (delay_ms null), or with an HTTP error (status), for the next `times` calls
   *     (about that Moid only, when given: by moid, or by a TID of that Moid);
   *   {api: "retry", suppress?: boolean, delay_ms?: number}  RetryURL notifications held back, or sent late.
   * @param {http.IncomingMessage} req @param {http.ServerResponse} res
   */
  async function injectFault(req, res) {
    const body = await readJsonObject(req, res);
    if (!body) return;
    const delay = body.delay_ms;
    if (delay !== undefined && delay !== null && (typeof delay !== 'number' || delay < 0)) {
      return sendApiError(res, API_ERRORS.INVALID_FIELD, 'delay_ms는 0 이상의 숫자이거나 null이어야 합니다.');
    }
    if (body.api === 'receipt') {
      if (body.status !== undefined && (!Number.isInteger(body.status) || body.status < 400 || body.status > 599)) {
        return sendApiError(res, API_ERRORS.INVALID_FIELD, 'status는 HTTP 오류 코드여야 합니다.');
      }
      if (body.moid !== undefined && (typeof body.moid !== 'string' || body.moid === '')) {
        return sendApiError(res, API_ERRORS.INVALID_FIELD, 'moid는 비어 있지 않은 문자열이어야 합니다.');
      }
      const remaining = Number.isInteger(body.times) && body.times > 0 ? body.times : 1;
      state.faults.receipt.push({ delayMs: delay === undefined ? 0 : delay, status: body.status, moid: body.moid, remaining });
    } else if (body.api === 'retry') {
      state.faults.retry = { suppress: body.suppress === true, delayMs: typeof delay === 'number' ? delay : 0 };
    } else if (body.api === 'cancel') {
      if (body.status !== undefined && (!Number.isInteger(body.status) || body.status < 400 || body.status > 599)) {
        return sendApiError(res, API_ERRORS.INVALID_FIELD, 'status는 HTTP 오류 코드여야 합니다.');
      }
      if (body.applied !== undefined && typeof body.applied !== 'boolean') return sendApiError(res, API_ERRORS.INVALID_FIELD, 'applied는 true 또는 false여야 합니다.');
      for (const name of ['tid', 'moid']) {
        if (body[name] !== undefined && (typeof body[name] !== 'string' || body[name] === '')) return sendApiError(res, API_ERRORS.INVALID_FIELD, `${name}는 비어 있지 않은 문자열이어야 합니다.`);
      }
      state.faults.cancel.push({
        delayMs: delay === undefined ? (body.status === undefined ? null : 0) : delay,
        status: body.status,
        tid: body.tid,
        moid: body.moid,
        applied: body.applied !== false,
        remaining: Number.isInteger(body.times) && body.times > 0 ? body.times : 1,
      });
    } else {
      return sendApiError(res, API_ERRORS.INVALID_FIELD, 'api는 "receipt", "retry" 또는 "cancel"이어야 합니다.');
    }
    sendJson(res, 200, { resultCd: '0000', resultMsg: 'OK' });
  }

  function reset() {
    abort.abort();
    abort = new AbortController();
    state.faults = { receipt: [], retry: { suppress: false, delayMs: 0 }, cancel: [] };
    state.payments.clear();
    state.byTid.clear();
    state.approvedMoids.clear();
  }

  /** Stops RetryURL deliveries under way (used by close()). */
  function stop() {
    abort.abort();
    abort = new AbortController();
  }

  /** @type {Record<string, import('../common.mjs').RouteMethods>} */
  const routes = {
    '/interfaceURL.jsp': { POST: (req, res) => payInterface(req, res, 'pc') },
    '/pay/interfaceURL': { POST: (req, res) => payInterface(req, res, 'mobile') },
    [DECIDE_PATH]: { POST: decide },
    [DEPOSIT_PATH]: { GET: depositNotice, POST: depositNotice },
    '/issue/IssueLoader.jsp': { GET: (_req, res, url) => issueLoader(url, res) },
    '/receipt': { POST: receipt },
    [CANCEL_PATH]: { POST: payCancelNV },
    '/__sandbox/admin': { GET: adminCancel, POST: adminCancel },
    '/__sandbox/cancel': { POST: (req, res) => cancelRoute(req, res, false) },
    '/__sandbox/partial-cancel': { POST: (req, res) => cancelRoute(req, res, true) },
    '/__sandbox/reset': {
      POST: (req, res) => {
        req.resume();
        reset();
        sendJson(res, 200, { resultCd: '0000', resultMsg: 'OK' });
      },
    },
    '/__sandbox/fault': { POST: injectFault },
    '/__sandbox/payments': {
      // Readable from a test page on another origin (what the PG request carried, e.g. clientType / urlScheme).
      GET: (_req, res) =>
        sendJson(res, 200, { resultCd: '0000', resultMsg: 'OK', now: now(), payments: [...state.payments.values()] }, { 'Access-Control-Allow-Origin': '*' }),
    },
  };

  /** @param {string} pathname */
  const isJsonRoute = (pathname) => pathname === '/receipt' || pathname.startsWith('/__sandbox/');

  /** @type {import('../common.mjs').RouteFailures} */
  const routeFailures = {
    badTarget: (_req, res) => sendPageError(res, PAGE_ERRORS.NOT_FOUND, '잘못된 요청 주소입니다.'),
    notFound: (_req, res, pathname) =>
      isJsonRoute(pathname)
        ? sendApiError(res, API_ERRORS.NOT_FOUND, `no route for ${pathname}`)
        : sendPageError(res, PAGE_ERRORS.NOT_FOUND, '요청한 페이지가 없습니다.'),
    methodNotAllowed: (req, res, pathname, allow) =>
      isJsonRoute(pathname)
        ? sendApiError(res, API_ERRORS.METHOD_NOT_ALLOWED, `method ${req.method} not allowed.`, allow)
        : sendPageError(res, PAGE_ERRORS.METHOD_NOT_ALLOWED, `${req.method} 요청은 허용되지 않습니다.`, allow),
  };

  const handle = guardHandler(
    'smartro',
    (req, res) => dispatch(req, res, (pathname) => routes[pathname], routeFailures),
    (req, res) => {
      const url = req.url ?? '/';
      if (isJsonRoute(url.split('?')[0])) sendApiError(res, API_ERRORS.INTERNAL, 'internal sandbox error.');
      else sendPageError(res, PAGE_ERRORS.INTERNAL, '샌드박스 내부 오류입니다.');
    },
  );

  return { handle, state, origin, reset, stop, idle, merchants: merchantsByMid, now };
}

/**
 * Starts the sandbox on host:port (port 0 = ephemeral; the real port is in `origin`).
 * @param {object} [options]
 * @param {string} [options.host]
 * @param {number} [options.port]
 * @param {string} [options.publicOrigin] override the sandbox's origin (default http://host:port)
 * @param {Merchant[]} [options.merchants]
 * @param {() => number} [options.now]
 * @param {number} [options.retryAttempts]
 * @param {number} [options.retryDelayMs]
 * @param {number} [options.retryTimeoutMs]
 * @returns {Promise<{ origin: string, close(): Promise<void>, sandbox: ReturnType<typeof createSmartroSandbox> }>}
 */
export async function startSmartroSandbox({ host = '127.0.0.1', port = 5175, publicOrigin, ...rest } = {}) {
  return startSandboxServer({
    host,
    port,
    publicOrigin,
    create: (origin) => createSmartroSandbox({ publicOrigin: origin, ...rest }),
    sendStarting: (res) => sendApiError(res, { code: 'E503', status: 503 }, 'sandbox is starting.'),
    beforeClose: (sb) => sb.stop(),
  });
}

if (isMainModule(import.meta.url)) {
  await runFromCommandLine(startSmartroSandbox, 5175, (origin) => [
    `sandbox Smartro PG listening on ${origin}`,
    `  MID ${DEFAULT_MERCHANT.mid}, MerchantKey ${DEFAULT_MERCHANT.merchantKey}`,
    `  PC ${origin}/interfaceURL.jsp, mobile ${origin}/pay/interfaceURL`,
  ]);
}
