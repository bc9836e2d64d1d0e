// @ts-check
/**
 * Field validation for the sandbox Shinhan PG, following the tables of
 * shinhan-spg-api.txt (결제 요청 / 결제 승인). Sizes are counted in Unicode code points
 * ("characters"), so a Hangul syllable counts as 1 — an assumption, the document only says "크기".
 */
import { isIP } from 'node:net';
import { RET } from './codes.mjs';

/** @typedef {{ ok: true }} Ok */
/** @typedef {{ ok: false, code: number, msg: string, field?: string }} Fail */

/** pgcodes the sandbox accepts and their minimum approval amount (won), from the document. */
export const MIN_AMOUNT = Object.freeze(/** @type {Record<string, number>} */ ({
  card: 100,
  selpay: 100,
  bizselpay: 100,
  nauthcard: 100,
}));

/** @param {string} s */
export const charLength = (s) => [...s].length;

/**
 * @typedef {object} FieldSpec
 * @property {string} name
 * @property {'string' | 'number'} type
 * @property {boolean} [required]
 * @property {number} [max] maximum size in characters (strings)
 * @property {(value: any, body: Record<string, any>) => (string | undefined)} [check]
 *   returns an error message (ret_code INVALID_VALUE) or undefined
 */

/** @param {unknown} v */
const isAbsent = (v) => v === undefined || v === null;

/**
 * @param {Record<string, any>} body
 * @param {FieldSpec[]} specs
 * @returns {Ok | Fail}
 */
export function validateFields(body, specs) {
  for (const spec of specs) {
    const has = Object.prototype.hasOwnProperty.call(body, spec.name);
    const value = has ? body[spec.name] : undefined;
    if (isAbsent(value) || (spec.required && value === '')) {
      if (spec.required) {
        return { ok: false, code: RET.MISSING_FIELD, field: spec.name, msg: `${spec.name} is required.` };
      }
      continue;
    }
    if (spec.type === 'string') {
      if (typeof value !== 'string') {
        return { ok: false, code: RET.INVALID_TYPE, field: spec.name, msg: `${spec.name} must be a string.` };
      }
      if (spec.max !== undefined) {
        const len = charLength(value);
        if (len > spec.max) {
          return {
            ok: false,
            code: RET.TOO_LONG,
            field: spec.name,
            msg: `${spec.name} is too long (max ${spec.max} characters, got ${len}).`,
          };
        }
      }
    } else {
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
        return { ok: false, code: RET.INVALID_TYPE, field: spec.name, msg: `${spec.name} must be an integer number.` };
      }
    }
    const problem = spec.check?.(value, body);
    if (problem) return { ok: false, code: RET.INVALID_VALUE, field: spec.name, msg: `${spec.name} ${problem}` };
  }
  return { ok: true };
}

/** @param {string} value */
function absoluteHttpUrl(value) {
  try {
    const u = new URL(value);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'must be an absolute http(s) URL.';
    return undefined;
  } catch {
    return 'must be an absolute http(s) URL.';
  }
}

/** @param {string} value */
const hexColor = (value) => (/^[0-9A-Fa-f]{6}$/.test(value) ? undefined : 'must be exactly 6 hex digits (e.g. 5379FF).');

/** @param {number} lo @param {number} hi */
const intRange = (lo, hi) => /** @param {number} v */ (v) =>
  v >= lo && v <= hi ? undefined : `must be between ${lo} and ${hi}.`;

/** @param {readonly (string|number)[]} allowed */
const oneOf = (allowed) => /** @param {string|number} v */ (v) =>
  allowed.includes(v) ? undefined : `must be one of ${allowed.join(', ')}.`;

/** @type {FieldSpec[]} payments/request, 공통필수영역 then the optional fields the sandbox understands */
export const REQUEST_FIELDS = [
  { name: 'pgcode', type: 'string', required: true, max: 10, check: oneOf(Object.keys(MIN_AMOUNT)) },
  { name: 'client_id', type: 'string', required: true, max: 10 },
  { name: 'user_id', type: 'string', required: true, max: 50 },
  { name: 'user_name', type: 'string', required: true, max: 20 },
  { name: 'order_no', type: 'string', required: true, max: 50 },
  // The document lists 2 and 3 (복합 결제) too; the sandbox only does 1 (단일 결제).
  { name: 'pay_type', type: 'number', required: true, check: oneOf([1]) },
  {
    name: 'device_type',
    type: 'number',
    required: true,
    check: (v, body) => {
      if (v !== 1 && v !== 2) return 'must be 1 (mobile) or 2 (PC).';
      // "법인은 PC전용" (bizselpay example): corporate window is PC only.
      if (body.pgcode === 'bizselpay' && v !== 2) return 'must be 2 (PC) for bizselpay.';
      return undefined;
    },
  },
  { name: 'amount', type: 'number', required: true, check: (v) => (v > 0 ? undefined : 'must be positive.') },
  { name: 'product_name', type: 'string', required: true, max: 50 },
  { name: 'return_url', type: 'string', required: true, max: 255, check: absoluteHttpUrl },
  { name: 'cancel_url', type: 'string', required: true, max: 255, check: absoluteHttpUrl },
  { name: 'fail_url', type: 'string', required: true, max: 255, check: absoluteHttpUrl },
  {
    name: 'param_ispt_hash',
    type: 'string',
    required: true,
    max: 1000,
    check: (v) => (/^[0-9A-Fa-f]{64}$/.test(v) ? undefined : 'must be a sha256 hex digest (64 hex digits).'),
  },
  // 공통부가영역 (optional)
  { name: 'user_ci', type: 'string', max: 88 },
  {
    name: 'taxfree_amount',
    type: 'number',
    check: (v, body) => (v >= 0 && v <= body.amount ? undefined : 'must be between 0 and amount.'),
  },
  {
    name: 'tax_amount',
    type: 'number',
    check: (v, body) => (v >= 0 && v <= body.amount ? undefined : 'must be between 0 and amount.'),
  },
  {
    name: 'cup_return_deposit',
    type: 'number',
    check: (v, body) =>
      v >= 0 && v + (body.taxfree_amount ?? 0) <= body.amount
        ? undefined
        : 'must be >= 0 and taxfree_amount + cup_return_deposit must not exceed amount.',
  },
  { name: 'card_cpny_cd', type: 'string', max: 10 },
  {
    name: 'install_month',
    type: 'string',
    max: 2,
    check: (v) => (/^(0[0-9]|1[0-2])$/.test(v) ? undefined : 'must be "00" to "12".'),
  },
  { name: 'inst_type', type: 'number', check: intRange(1, 8) },
  { name: 'email_flag', type: 'string', max: 1, check: oneOf(['Y', 'N']) },
  { name: 'email_addr', type: 'string', max: 50 },
  { name: 'main_color', type: 'string', max: 6, check: hexColor },
  { name: 'point_color', type: 'string', max: 6, check: hexColor },
  { name: 'custom_parameter', type: 'string', max: 1000 },
  { name: 'card_purpost_type', type: 'number', check: intRange(1, 4) },
  { name: 'app_return_url', type: 'string', max: 100 },
  { name: 'app_cancel_url', type: 'string', max: 100 },
];

/**
 * mobile_no is 11 in the 카드/개인 tables and 13 in the 법인 table.
 * @param {Record<string, any>} body
 * @returns {FieldSpec}
 */
const mobileNoSpec = (body) => ({ name: 'mobile_no', type: 'string', max: body.pgcode === 'bizselpay' ? 13 : 11 });

/**
 * Validates a payments/request body (already known to be a plain object).
 * Does not look at merchants, hashes or duplicates.
 * @param {Record<string, any>} body
 * @returns {Ok | Fail}
 */
export function validatePaymentRequest(body) {
  const r = validateFields(body, [...REQUEST_FIELDS, mobileNoSpec(body)]);
  if (!r.ok) return r;
  const min = MIN_AMOUNT[body.pgcode];
  if (body.amount < min) {
    return {
      ok: false,
      code: RET.AMOUNT_TOO_SMALL,
      field: 'amount',
      msg: `amount must be at least ${min} won for pgcode ${body.pgcode}.`,
    };
  }
  return { ok: true };
}

/** @type {FieldSpec[]} payments/confirm */
export const CONFIRM_FIELDS = [
  { name: 'client_id', type: 'string', required: true, max: 10 },
  { name: 'order_no', type: 'string', required: true, max: 50 },
  { name: 'confirm_token', type: 'string', required: true, max: 50 },
  {
    name: 'ip_addr',
    type: 'string',
    required: true,
    max: 50,
    check: (v) => (isIP(v) ? undefined : 'must be an IPv4 or IPv6 address.'),
  },
];

/** @type {FieldSpec[]} card-list query (GET v1.0/payments/info/card-list) */
/** GET v1.0/payments/confirm-info?client_id=&order_no= (결제 거래정보 조회). */
export const CONFIRM_INFO_FIELDS = [
  { name: 'client_id', type: 'string', required: true, max: 10 },
  { name: 'order_no', type: 'string', required: true, max: 50 },
];

export const CARD_LIST_FIELDS = [
  { name: 'client_id', type: 'string', required: true, max: 10 },
  { name: 'pgcode', type: 'string', required: true, max: 10, check: oneOf(Object.keys(MIN_AMOUNT)) },
];

/**
 * `YYYY-MM-DD` that is a real calendar date.
 * @param {string} v
 */
function isoDate(v) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (m) {
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    if (d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3])) {
      return undefined;
    }
  }
  return 'must be a date YYYY-MM-DD.';
}

/**
 * receipt/info query (GET v1.0/receipt/info/{tid}). The query string carries text, so `amunt` (the table's
 * number) is checked as decimal digits and converted by the caller. `tid` is the path segment.
 * @type {FieldSpec[]}
 */
export const RECEIPT_INFO_FIELDS = [
  { name: 'tid', type: 'string', required: true, max: 50 },
  { name: 'client_id', type: 'string', required: true, max: 10 },
  { name: 'amunt', type: 'number', required: true },
  { name: 'tx_ymd', type: 'string', required: true, max: 10, check: isoDate },
];
