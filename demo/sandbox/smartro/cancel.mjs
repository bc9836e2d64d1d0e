// @ts-check
/**
 * Smartro WEBLink's "URL Call" cancel, payCancelNVProcess.jsp, as PUBLIC MERCHANT CODE shows it: the PG
 * documents give no cancel request (smartro-weblink-guide.txt only says test approvals are cancelled "through
 * Smartro's cancel module", guide line 183). The sources are Smartro's own sample set, shipped in merchant
 * repositories (nokr82/GVMP myOffice/SmartroPay/CancelPayUrlCallSample.php, "MAKER: sajang, 2018.03.19", and
 * its JSP twin): one origin, so EVERYTHING here is an ASSUMPTION, labelled in README.md ("Cancels").
 *
 *   POST /cancel/payCancelNVProcess.jsp   (test https://tpay.smilepay.co.kr, real https://pay.smilepay.co.kr)
 *   TID, CancelAmt, Cancelpw, CancelMSG (EUC-KR, URL-encoded, then form-encoded again), PartialCancelCode
 *   (0 전체 / 1 부분), DivideInfo, hashData = base64(md5_hex(TID + MerchantKey + CancelAmt + PartialCancelCode))
 *   -> text `Key=Value&...`: PayMethod, PayName, MID, TID, CancelAmt, CancelMSG, ResultCode, ResultMsg,
 *      CancelDate, CancelTime, CancelNum, Moid (PayName, CancelMSG and ResultMsg URL-encoded in EUC-KR)
 *   ResultCode 2001 취소 성공, 2211 환불 성공 (계좌이체, 가상계좌); 2013 이미 취소된 거래 (a RetryURL sample).
 */
import { md5Hex } from './hash.mjs';
import { percentDecodeBytes, decodeText, urlEncode } from './charset.mjs';

export const CANCEL_PATH = '/cancel/payCancelNVProcess.jsp';

/** ResultCodes of the cancel answer: the samples' constants, and the sandbox's own refusals (E3xx, assumption). */
export const CANCEL_CODES = Object.freeze({
  CANCELLED: '2001',
  CANCELLED_MSG: '취소 성공',
  REFUNDED: '2211',
  REFUNDED_MSG: '환불 성공',
  ALREADY: '2013',
  ALREADY_MSG: '이미 취소된 거래',
  /** A field is missing or malformed (named in ResultMsg). */
  BAD_FIELD: 'E301',
  /** No approved payment with this TID. */
  UNKNOWN_TID: 'E302',
  /** hashData does not match. */
  HASH: 'E303',
  /** Cancelpw is not the MID's cancel password. */
  PASSWORD: 'E304',
  /** 전체취소: CancelAmt is not the balance; 부분취소: more than the balance. */
  AMOUNT: 'E305',
  /** 부분취소 of a pay method that has none (only 신용카드, 계좌이체, 가상계좌: TID[10:12] 01 / 02 / 03), or of a virtual account before its deposit. */
  NO_PARTIAL: 'E306',
});

/** The samples' pay-method names (PayName), by PayMethod. */
export const PAY_NAMES = Object.freeze(/** @type {Record<string, string>} */ ({ CARD: '신용카드', BANK: '계좌이체', VBANK: '가상계좌', CELLPHONE: '휴대폰' }));

/**
 * hashData of a cancel: base64(md5_hex(TID + MerchantKey + CancelAmt + PartialCancelCode)), as the samples
 * compute it ("TID + 상점키 + 취소 금액 + 취소타입"): the 32-character lower-case hex is what is base64-encoded.
 * @param {{ tid: string, merchantKey: string, cancelAmt: string, partialCancelCode: string }} p
 */
export function cancelHash({ tid, merchantKey, cancelAmt, partialCancelCode }) {
  return Buffer.from(md5Hex(`${tid}${merchantKey}${cancelAmt}${partialCancelCode}`), 'utf8').toString('base64');
}

/**
 * CancelMSG as the samples send it: `urlencode(iconv("utf-8", "euc-kr", msg))`, which the form encoding then
 * encodes a second time. A value that still looks URL-encoded after the form's decoding is decoded once more,
 * as EUC-KR; anything else is taken as it arrived.
 * @param {string} value
 */
export function decodeCancelMsg(value) {
  if (!/%[0-9A-Fa-f]{2}/.test(value) || !/^(?:[A-Za-z0-9.*_~!'()+-]|%[0-9A-Fa-f]{2})*$/.test(value)) return value;
  return decodeText(percentDecodeBytes(Buffer.from(value, 'latin1')), 'EUC-KR');
}

/**
 * The answer body: `Key=Value&...` in ASCII, the three text values URL-encoded in EUC-KR (the samples
 * `urldecode` PayName, CancelMSG and ResultMsg).
 * @param {Record<string, string>} values
 */
export function cancelAnswer(values) {
  const encoded = new Set(['PayName', 'CancelMSG', 'ResultMsg']);
  return Object.entries(values)
    .map(([k, v]) => `${k}=${encoded.has(k) ? urlEncode(v, 'EUC-KR') : v.replace(/[&=\s]/g, '')}`)
    .join('&');
}
