// @ts-check
/**
 * Smartro (smilepay) WEBLink: the form the shop page posts to the PG, the result the PG posts back
 * (ReturnURL / RetryURL), and the receipt API. Server side only: the MerchantKey must never reach a
 * browser (it is the `apikey` of Smartro's server APIs, and it signs every result).
 *
 * Spec: smartro-weblink-guide.txt, smartro-receipt.txt and the facts in ../shared/pg-docs/README.md
 * (field lengths, EncryptData / SignValue formulas, result fields, success codes).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { clip, fetchPgJson } from './pg-fetch.mjs';
import { SmartroReceiptSchema } from './schemas.mjs';

/** The only PayMethod this backend asks for. */
export const PAY_METHOD_CARD = 'CARD';

/** ResultCode meaning "approved", by PayMethod. Anything else is not a payment. */
export const SUCCESS_CODES = Object.freeze({ CARD: '3001', BANK: '4000', VBANK: '4100' });

/** ResultCode of "the buyer cancelled" (PC: sent to ReturnURL; mobile goes to StopURL instead). */
export const CANCEL_CODE = 'C001';

// ---------------------------------------------------------------------------------------------
// Hashes
// ---------------------------------------------------------------------------------------------

/** @param {string} text  @returns {string} 32 lowercase hex digits */
export function md5Hex(text) {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/**
 * EncryptData, sent WITH the payment form: proves the amount came from the shop's server.
 *   base64( md5_hex( ediDate + MID + Amt + MerchantKey ) )   (base64 of the 32-character hex TEXT)
 * @param {{ ediDate: string, mid: string, amt: string | number, merchantKey: string }} p
 */
export function encryptData(p) {
  return Buffer.from(md5Hex(`${p.ediDate}${p.mid}${p.amt}${p.merchantKey}`), 'utf8').toString('base64');
}

/**
 * SignValue, received WITH the result: proves the TID and ResultCode came from Smartro.
 *   base64( md5_hex( TID[0:10] + ResultCode + TID[10:15] + MerchantKey + TID[15:30] ) )
 * NOTE: it does not cover Amt, Moid or MID. Those are checked against our own records separately.
 * @param {{ tid: string, resultCode: string, merchantKey: string }} p
 */
export function signValue(p) {
  const t = p.tid;
  const text = `${t.slice(0, 10)}${p.resultCode}${t.slice(10, 15)}${p.merchantKey}${t.slice(15, 30)}`;
  return Buffer.from(md5Hex(text), 'utf8').toString('base64');
}

/**
 * Constant-time comparison (base64 is case-sensitive: compared exactly).
 * @param {string} expected
 * @param {string} received
 */
export function sameSignature(expected, received) {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

// ---------------------------------------------------------------------------------------------
// The payment form (what /api/kpg/session answers for provider "smartro")
// ---------------------------------------------------------------------------------------------

/**
 * Korean time as yyyyMMddHHmmss (ediDate). Korea has no daylight saving time: always UTC+9.
 * @param {Date} [date]
 */
export function kstTimestamp(date = new Date()) {
  const kst = new Date(date.getTime() + 9 * 3600_000);
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${kst.getUTCFullYear()}${pad(kst.getUTCMonth() + 1)}${pad(kst.getUTCDate())}` +
    `${pad(kst.getUTCHours())}${pad(kst.getUTCMinutes())}${pad(kst.getUTCSeconds())}`;
}

/**
 * Cuts `text` to at most `maxBytes` bytes in the charset the form will be sent in, never inside a
 * character. EUC-KR: ASCII is 1 byte, a Hangul syllable 2; UTF-8: Hangul is 3. (The widget refuses
 * names EUC-KR cannot hold before posting; they are counted as 2 bytes here.)
 * @param {string} text
 * @param {number} maxBytes
 * @param {'euc-kr' | 'utf-8'} charset
 */
export function fitBytes(text, maxBytes, charset) {
  let out = '';
  let size = 0;
  for (const char of text) {
    const bytes = charset === 'utf-8' ? Buffer.byteLength(char, 'utf8') : char.charCodeAt(0) < 0x80 ? 1 : 2;
    if (size + bytes > maxBytes) break;
    out += char;
    size += bytes;
  }
  return out;
}

/**
 * The WEBLink request fields. Lengths are bytes in the charset of the form: PC posts EUC-KR
 * (accept-charset="EUC-KR"), mobile posts UTF-8. EncodingType / UrlEncode are NOT set here: the widget
 * adds them according to the shop page's charset.
 *
 * @param {{ order: import('./store.mjs').Order, orderNo: string, deviceType: 1 | 2, mid: string,
 *   merchantKey: string, returnUrl: string, retryUrl: string, stopUrl: string, now?: Date }} p
 * @returns {Record<string, string>}
 */
export function sessionFields(p) {
  const charset = p.deviceType === 2 ? 'euc-kr' : 'utf-8';
  const ediDate = kstTimestamp(p.now);
  const amt = String(p.order.amount);
  /** @type {Record<string, string>} */
  const fields = {
    PayMethod: PAY_METHOD_CARD,
    GoodsCnt: '1',
    GoodsName: fitBytes(p.order.product_name, 80, charset),
    Amt: amt,
    Moid: p.orderNo,
    MID: p.mid,
    ReturnURL: p.returnUrl,
    RetryURL: p.retryUrl,
    // 10 bytes on PC, 20 on mobile. user_id is ASCII (the order schema says so).
    mallUserID: fitBytes(p.order.user_id, p.deviceType === 2 ? 10 : 20, charset),
    BuyerName: fitBytes(p.order.user_name, 30, charset),
    BuyerTel: fitBytes(p.order.buyer_tel ?? '', 30, charset),
    BuyerEmail: fitBytes(p.order.buyer_email ?? '', 60, charset),
    ediDate,
    EncryptData: encryptData({ ediDate, mid: p.mid, amt, merchantKey: p.merchantKey }),
    // Skip Smartro's own result screen: the result form goes straight to ReturnURL (guide 6.1).
    MallResultFWD: 'Y',
    TransType: '0',
    OpenType: 'KR',
  };
  // Mobile: a buyer who cancels is sent to StopURL, not ReturnURL (guide 6.16).
  if (p.deviceType === 1) fields.StopURL = p.stopUrl;
  return fields;
}

// ---------------------------------------------------------------------------------------------
// Reading the result form (ReturnURL / RetryURL)
// ---------------------------------------------------------------------------------------------

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const eucKr = new TextDecoder('euc-kr');
const ESCAPE = /%[0-9A-Fa-f]{2}/;
/** What URL-encoded text can contain (Java URLEncoder or encodeURIComponent output). */
const URL_ENCODED = /^(?:[A-Za-z0-9.*_~!'()+-]|%[0-9A-Fa-f]{2})*$/;

/**
 * Decodes an application/x-www-form-urlencoded body whose charset is not announced.
 *
 * 1. Split the raw bytes on "&" and "="; percent-decode each part to BYTES ("+" is a space).
 * 2. Charset, once for the whole body (all values of one form share it): UTF-8 if every value is
 *    valid UTF-8, else EUC-KR (Smartro's PC server is EUC-KR, guide 6.2; mobile is UTF-8, 6.3).
 *    A form that says `EncodingType=euckr`, or a request whose Content-Type says `charset=EUC-KR`,
 *    is read as EUC-KR even if it happens to be valid UTF-8 (a lone "표", C7 A5, is).
 * 3. UrlEncode=Y (the guide spells it URLEncode, 6.4) makes the PG percent-encode the values once
 *    more. Decode again when the form says UrlEncode=Y, or when GoodsName (or another Korean text
 *    field) is still plain ASCII full of %XX escapes. Only values that look URL-encoded (ASCII made
 *    of URL-safe characters, "+" and %XX, with at least one "+" or escape) are decoded again, with
 *    the same charset rule; a base64 SignValue that was not encoded twice has a raw "=" and is left
 *    alone.
 *
 * The first occurrence of a repeated name wins.
 * @param {Buffer} body
 * @param {string} [contentType]  the request's Content-Type (its charset parameter is a hint)
 * @returns {Record<string, string>}
 */
export function parseResultForm(body, contentType = '') {
  /** @type {Map<string, Buffer>} */
  const raw = new Map();
  for (const part of body.toString('latin1').split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = percentDecode(eq === -1 ? part : part.slice(0, eq)).toString('latin1').trim();
    if (name !== '' && !raw.has(name)) raw.set(name, percentDecode(eq === -1 ? '' : part.slice(eq + 1)));
  }
  const declaredCharset = raw.get('EncodingType')?.toString('latin1') ?? /charset=([^;]+)/i.exec(contentType)?.[1] ?? '';
  const hint = declaredCharset.toLowerCase().replace(/[^a-z0-9]/g, '');
  const fields = decodeAll(raw, hint);

  const declared = /^y$/i.test(fields.UrlEncode ?? fields.URLEncode ?? fields.urlEncode ?? '');
  const looksEncoded = ['GoodsName', 'BuyerName', 'ResultMsg', 'fn_name'].some(
    (name) => fields[name] !== undefined && URL_ENCODED.test(fields[name]) && ESCAPE.test(fields[name]),
  );
  if (declared || looksEncoded) {
    /** @type {Map<string, Buffer>} */
    const again = new Map();
    for (const [name, value] of Object.entries(fields)) {
      if (URL_ENCODED.test(value) && /[%+]/.test(value)) again.set(name, percentDecode(value));
    }
    Object.assign(fields, decodeAll(again, hint));
  }
  return fields;
}

/**
 * "%C5%D7+x" -> bytes C5 D7 20 78. Characters that are not escapes are taken as single bytes
 * (the input is either latin1 text of the raw body, or ASCII).
 * @param {string} text
 */
function percentDecode(text) {
  const bytes = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2b) {
      bytes.push(0x20);
    } else if (c === 0x25 && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(c & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/**
 * Decodes every value with one charset (see parseResultForm).
 * @param {Map<string, Buffer>} raw
 * @param {string} hint  the form's EncodingType, lowercased, letters and digits only ("euckr", "utf8")
 * @returns {Record<string, string>}
 */
function decodeAll(raw, hint) {
  let utf8 = hint !== 'euckr';
  if (utf8) {
    for (const value of raw.values()) {
      try {
        utf8Strict.decode(value);
      } catch {
        utf8 = false;
        break;
      }
    }
  }
  /** @type {Record<string, string>} */
  const fields = {};
  for (const [name, value] of raw) fields[name] = utf8 ? value.toString('utf8') : eucKr.decode(value);
  return fields;
}

// ---------------------------------------------------------------------------------------------
// Judging a result
// ---------------------------------------------------------------------------------------------

/**
 * @typedef {import('zod/mini').infer<typeof import('./schemas.mjs').SmartroResultSchema>} SmartroResult
 * @typedef {{ tid: string, approved_at?: string, card_cpny_cd?: string, card_name?: string,
 *   install_month?: string, card_aprv_no?: string }} PaidDetails
 * @typedef {{ kind: 'paid', details: PaidDetails }
 *   | { kind: 'cancelled' }
 *   | { kind: 'failed', code: string, message: string }
 *   | { kind: 'refused', code: string, message: string }} Verdict
 */

/**
 * What a (schema-checked) result means for OUR attempt. Pure: no state is changed here.
 *
 * Approved (ResultCode = the success code of the PayMethod we asked for): SignValue must verify, the
 * MID must be ours, Amt must equal OUR order's amount. Else refused: never paid.
 * Not approved (cancel C001, decline, ...): like Shinhan's cancel/fail URLs it only ends a pending
 * attempt and cannot take money, so no proof is required; but a SignValue that is present must
 * verify and a MID that is present must be ours.
 *
 * @param {SmartroResult} form
 * @param {{ mid: string, merchantKey: string, amount: number, payMethod: string }} expected
 * @returns {Verdict}
 */
export function judgeResult(form, expected) {
  if (form.MID !== undefined && form.MID !== expected.mid) {
    return { kind: 'refused', code: 'mid-mismatch', message: `The result is for MID ${clip(form.MID)}, not ours.` };
  }
  const codes = /** @type {Record<string, string>} */ (SUCCESS_CODES);
  const approved = Object.values(codes).includes(form.ResultCode);
  const signed = form.SignValue !== undefined;
  if ((approved || signed) && !verifiesSignature(form, expected.merchantKey)) {
    return { kind: 'refused', code: 'sign-mismatch', message: 'SignValue does not match: the result is not trusted.' };
  }
  if (!approved) {
    if (form.ResultCode === CANCEL_CODE) return { kind: 'cancelled' };
    return { kind: 'failed', code: form.ResultCode, message: clip(form.ResultMsg || 'The PG reported a failure.') };
  }

  // An approval. From here on, the money has moved at the PG: every refusal needs a human.
  if (!form.TID) return { kind: 'refused', code: 'sign-mismatch', message: 'The approval carries no TID.' };
  if (form.MID === undefined) return { kind: 'refused', code: 'mid-mismatch', message: 'The approval carries no MID.' };
  if (form.PayMethod !== expected.payMethod || codes[expected.payMethod] !== form.ResultCode) {
    return {
      kind: 'refused',
      code: 'paymethod-mismatch',
      message: `Approval ${form.ResultCode} for PayMethod ${clip(form.PayMethod ?? '(none)')}; we asked for ${expected.payMethod}.`,
    };
  }
  if (form.Amt === undefined || Number(form.Amt) !== expected.amount) {
    return {
      kind: 'refused',
      code: 'amount-mismatch',
      message: `The PG approved ${form.Amt ?? '(no Amt)'} KRW but the order is ${expected.amount} KRW.`,
    };
  }
  return {
    kind: 'paid',
    details: {
      tid: form.TID,
      approved_at: form.AuthDate === undefined ? undefined : normalizeAuthDate(form.AuthDate),
      card_cpny_cd: form.fn_cd,
      card_name: form.fn_name,
      install_month: form.CardQuota,
      card_aprv_no: form.AuthCode,
    },
  };
}

/**
 * @param {SmartroResult} form
 * @param {string} merchantKey
 */
function verifiesSignature(form, merchantKey) {
  if (!form.SignValue) return false;
  return sameSignature(signValue({ tid: form.TID ?? '', resultCode: form.ResultCode, merchantKey }), form.SignValue);
}

/**
 * AuthDate "yyMMddHHmmss" (12 digits) or "yyyyMMddHHmmss" -> "YYYY-MM-DD HH:MM:SS" (Korean time), the
 * same form as Shinhan's tx_date. Anything else is kept as sent.
 * @param {string} value
 */
export function normalizeAuthDate(value) {
  const digits = /^\d{12}$/.test(value) ? `20${value}` : value;
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(digits);
  return m ? `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}` : value;
}

// ---------------------------------------------------------------------------------------------
// Receipt API (전표 데이터): server to server ONLY, its apikey is the MerchantKey.
// ---------------------------------------------------------------------------------------------

/**
 * @typedef {import('./pg-fetch.mjs').PgFailure} PgFailure
 * @typedef {{ ok: true, receipt: unknown } | PgFailure} ReceiptResult
 */

/**
 * @param {import('./config.mjs').MerchantConfig} config
 */
export function createSmartroClient(config) {
  return {
    /**
     * POST {SMARTRO_API_BASE}receipt {mid, tid}. The answer's JSON is returned as sent.
     * @param {string} tid
     * @returns {Promise<ReceiptResult>}
     */
    async receipt(tid) {
      const reply = await fetchPgJson(
        new URL('receipt', config.smartroApiBase),
        {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            Accept: 'application/json',
            'Accept-Charset': 'utf-8',
            apikey: config.smartroMerchantKey,
          },
          body: JSON.stringify({ mid: config.smartroMid, tid }),
        },
        { timeoutMs: config.pgTimeoutMs, name: 'The receipt API' },
      );
      if (!reply.ok) return reply; // unreachable, too slow, or not JSON
      const { status, json, text } = reply;
      // Whatever it says, the key must not travel on to the browser.
      if (text.includes(config.smartroMerchantKey)) {
        return { ok: false, code: 'pg-bad-response', message: 'The receipt API answer was not passed on.' };
      }
      if (status < 200 || status > 299) { // an HTTP error status, with JSON
        const said = json && typeof json === 'object' ? pickMessage(/** @type {Record<string, unknown>} */ (json)) : undefined;
        return { ok: false, code: 'pg-refused', message: clip(said ?? `The receipt API answered HTTP ${status}.`) };
      }
      return { ok: true, receipt: json };
    },
  };
}

/** @typedef {ReturnType<typeof createSmartroClient>} SmartroClient */

// ---------------------------------------------------------------------------------------------
// Cross-checking an approval with the receipt API (before it is recorded as paid)
// ---------------------------------------------------------------------------------------------

/**
 * @typedef {{ ok: true }
 *   | { ok: false, code: 'receipt-mismatch' | 'receipt-unverified', message: string }} ReceiptCheck
 *   receipt-mismatch: Smartro answered for this TID and contradicts the result form (another Moid,
 *   another amount, not approved): refuse it. receipt-unverified: no usable answer (unreachable,
 *   timeout, an error status, not a receipt): neither paid nor refused for good; ask again later.
 */

/**
 * What the receipt API says about an approval we are about to record. Pure: no state is changed.
 *
 * SignValue covers only TID and ResultCode, so a genuine approval of a cheap order, posted to
 * ReturnURL with another order's OID and Amt, verifies. The receipt API answers from Smartro's own
 * records: its `moid` and `goodsAmt` are what was really approved for that TID.
 *
 * Required: the answer is a receipt (tid, moid, goodsAmt, stateCd or stateNm) for THIS tid, its
 * `moid` is the attempt's order_no, `goodsAmt` (digits) equals the order's amount as a number, and
 * the state is approved: stateCd "0" (when stateCd is present it decides), else stateNm "승인".
 * ("0" includes partially cancelled payments; right after an approval there are none.)
 *
 * @param {ReceiptResult} answer  what createSmartroClient().receipt(tid) returned
 * @param {{ tid: string, orderNo: string, amount: number }} expected
 * @returns {ReceiptCheck}
 */
export function checkReceipt(answer, expected) {
  if (!answer.ok) {
    return { ok: false, code: 'receipt-unverified', message: `Receipt API (${answer.code}): ${answer.message}` };
  }
  const parsed = SmartroReceiptSchema.safeParse(answer.receipt);
  if (!parsed.success) {
    return { ok: false, code: 'receipt-unverified', message: 'Receipt API: the answer is not a receipt (tid, moid, goodsAmt, stateCd).' };
  }
  const receipt = parsed.data;
  /** @param {string} message @returns {ReceiptCheck} */
  const mismatch = (message) => ({ ok: false, code: 'receipt-mismatch', message: clip(message) });
  if (receipt.tid !== expected.tid) {
    return mismatch(`Receipt API answered for TID ${receipt.tid}, not ${expected.tid}.`);
  }
  const amount = Number(receipt.goodsAmt);
  if (receipt.moid !== expected.orderNo || amount !== expected.amount) {
    return mismatch(
      `Smartro approved TID ${expected.tid} for Moid ${receipt.moid}, ${receipt.goodsAmt} KRW; ` +
        `this result was posted for Moid ${expected.orderNo}, ${expected.amount} KRW (a replayed approval?).`,
    );
  }
  const approved = receipt.stateCd !== undefined ? String(receipt.stateCd).trim() === '0' : receipt.stateNm?.trim() === '승인';
  if (!approved) {
    return mismatch(`Smartro says TID ${expected.tid} is not approved (stateCd ${receipt.stateCd ?? '-'}, stateNm ${receipt.stateNm ?? '-'}).`);
  }
  return { ok: true };
}

/** @param {Record<string, unknown>} json */
function pickMessage(json) {
  for (const name of ['resultMsg', 'ResultMsg', 'message', 'msg', 'error']) {
    if (typeof json[name] === 'string' && json[name]) return /** @type {string} */ (json[name]);
  }
  return undefined;
}
