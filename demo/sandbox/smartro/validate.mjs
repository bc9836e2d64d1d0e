// @ts-check
/**
 * Request-field rules of the WEBLink payment interface (PC /interfaceURL.jsp and mobile /pay/interfaceURL),
 * from ../../../../shared/pg-docs/README.md (field list gathered from Smartro's sample code) and the guide.
 * Maximum lengths are BYTES of the value as it arrived (after percent-decoding, before charset decoding):
 * a Hangul syllable is 2 bytes on the PC interface (EUC-KR) and 3 on the mobile one (UTF-8).
 */
import { PAGE_ERRORS } from './codes.mjs';

/** @typedef {'pc' | 'mobile'} Interface */

/**
 * @typedef {object} ReceivedField
 * @property {string} value decoded text
 * @property {number} byteLength bytes after percent-decoding
 */

/**
 * @typedef {object} FieldRule
 * @property {string} name
 * @property {number} max maximum length in bytes
 * @property {boolean | ((iface: Interface) => boolean)} [required]
 * @property {(value: string) => (string | undefined)} [check] returns what is wrong (Korean), or undefined
 * @property {Interface} [only] the field exists on this interface only (ignored on the other)
 */

/** @typedef {{ ok: true }} Ok */
/** @typedef {{ ok: false, error: typeof PAGE_ERRORS[string], field: string, message: string }} Fail */

export const PAY_METHODS = Object.freeze(['CARD', 'BANK', 'VBANK', 'CELLPHONE']);

/** @param {readonly string[]} allowed */
const oneOf = (allowed) => /** @param {string} v */ (v) =>
  allowed.includes(v) ? undefined : `${allowed.join(', ')} 중 하나여야 합니다`;

/** @param {string} v */
const digits = (v) => (/^[0-9]+$/.test(v) ? undefined : '숫자만 입력할 수 있습니다');

/** @param {string} v */
function amount(v) {
  if (!/^[0-9]+$/.test(v)) return '숫자만 입력할 수 있습니다';
  return Number(v) > 0 ? undefined : '0보다 커야 합니다';
}

/** @param {string} v */
const alnum = (v) => (/^[A-Za-z0-9]+$/.test(v) ? undefined : '영문과 숫자만 사용할 수 있습니다 (특수문자 불가)');

/** @param {string} v */
function httpUrl(v) {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:' ? undefined : 'http(s) 절대 URL이어야 합니다';
  } catch {
    return 'http(s) 절대 URL이어야 합니다';
  }
}

/**
 * True when y-m-d h:mi:s is a real calendar moment.
 * @param {number} y @param {number} m @param {number} d @param {number} [h] @param {number} [mi] @param {number} [s]
 */
function validMoment(y, m, d, h = 0, mi = 0, s = 0) {
  const t = new Date(Date.UTC(y, m - 1, d, h, mi, s));
  return (
    t.getUTCFullYear() === y &&
    t.getUTCMonth() === m - 1 &&
    t.getUTCDate() === d &&
    t.getUTCHours() === h &&
    t.getUTCMinutes() === mi &&
    t.getUTCSeconds() === s
  );
}

/** @param {string} v yyyyMMddHHmmss */
function ediDate(v) {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(v);
  const n = m ? m.slice(1).map(Number) : [];
  if (!m || !validMoment(n[0], n[1], n[2], n[3], n[4], n[5])) return 'yyyyMMddHHmmss 형식(14자리)이어야 합니다';
  return undefined;
}

/** @param {string} v yyyyMMdd */
function yyyymmdd(v) {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  if (!m || !validMoment(Number(m[1]), Number(m[2]), Number(m[3]))) return 'yyyyMMdd 형식(8자리)이어야 합니다';
  return undefined;
}

/** @param {string} v */
const yn = (v) => oneOf(['Y', 'N'])(v);

/**
 * The fields the sandbox checks, in the order it checks them. Fields not listed are accepted and ignored.
 * @type {FieldRule[]}
 */
export const FIELD_RULES = [
  { name: 'PayMethod', max: 10, check: oneOf(PAY_METHODS) },
  { name: 'GoodsCnt', max: 2, check: digits },
  { name: 'GoodsName', max: 80, required: true },
  { name: 'Amt', max: 12, required: true, check: amount },
  { name: 'Moid', max: 64, required: true, check: alnum },
  { name: 'MID', max: 10, required: true },
  { name: 'ReturnURL', max: 200, required: true, check: httpUrl },
  { name: 'RetryURL', max: 200, check: httpUrl },
  { name: 'StopURL', max: 200, required: (iface) => iface === 'mobile', check: httpUrl, only: 'mobile' },
  { name: 'mallUserID', max: 10, only: 'pc' },
  { name: 'mallUserID', max: 20, only: 'mobile' },
  { name: 'BuyerName', max: 30 },
  { name: 'BuyerTel', max: 30 },
  { name: 'BuyerEmail', max: 60 },
  { name: 'BuyerAddr', max: 100 },
  { name: 'BuyerPostNo', max: 6 },
  { name: 'UserIP', max: 20 },
  { name: 'MallIP', max: 20 },
  { name: 'VbankExpDate', max: 8, check: yyyymmdd },
  { name: 'EncryptData', max: 100, required: true },
  { name: 'ediDate', max: 14, required: true, check: ediDate },
  { name: 'MallResultFWD', max: 1, check: yn },
  { name: 'TransType', max: 1, check: oneOf(['0', '1']) },
  { name: 'EncodingType', max: 5, check: oneOf(['euckr', 'utf8']) },
  { name: 'UrlEncode', max: 1, check: yn },
  { name: 'URLEncode', max: 1, check: yn },
  { name: 'OpenType', max: 2, check: (v) => (/^[A-Z]{2}$/.test(v) ? undefined : '영문 대문자 2자리(KR, EN, ...)여야 합니다') },
  { name: 'MallReserved', max: 500 },
  { name: 'clientType', max: 3, check: oneOf(['WEB', 'APP', 'HYB']), only: 'mobile' },
  { name: 'urlScheme', max: 200, only: 'mobile' },
];

/**
 * Checks the received fields (first occurrence of each name) against FIELD_RULES. Does not look at the
 * MID's registration, EncryptData or duplicates.
 * @param {Map<string, ReceivedField>} fields
 * @param {Interface} iface
 * @returns {Ok | Fail}
 */
export function validateRequestFields(fields, iface) {
  const unit = iface === 'pc' ? 'EUC-KR' : 'UTF-8';
  for (const rule of FIELD_RULES) {
    if (rule.only && rule.only !== iface) continue;
    const f = fields.get(rule.name);
    const required = typeof rule.required === 'function' ? rule.required(iface) : Boolean(rule.required);
    if (!f || f.value === '') {
      if (required) {
        return {
          ok: false,
          error: PAGE_ERRORS.MISSING_FIELD,
          field: rule.name,
          message: `필수 파라미터 ${rule.name} 값이 없습니다.`,
        };
      }
      continue;
    }
    if (f.byteLength > rule.max) {
      return {
        ok: false,
        error: PAGE_ERRORS.TOO_LONG,
        field: rule.name,
        message: `${rule.name} 값이 너무 깁니다: 최대 ${rule.max}바이트, 받은 값 ${f.byteLength}바이트 (${unit}).`,
      };
    }
    const problem = rule.check?.(f.value);
    if (problem) {
      return { ok: false, error: PAGE_ERRORS.INVALID_VALUE, field: rule.name, message: `${rule.name}: ${problem}.` };
    }
  }
  const a = fields.get('UrlEncode')?.value;
  const b = fields.get('URLEncode')?.value;
  if (a && b && a !== b) {
    return {
      ok: false,
      error: PAGE_ERRORS.INVALID_VALUE,
      field: 'UrlEncode',
      message: 'UrlEncode와 URLEncode 값이 서로 다릅니다.',
    };
  }
  return { ok: true };
}
