// @ts-check
/**
 * The money rules of the sandbox Shinhan PG's cancels (v1.0/payments/cancel, v1.0/payments/cancel/partial,
 * and the admin page's cancels), as pure functions over a payment's record, so that the API, the admin page
 * and confirm-info read one truth. shinhan-spg-api.txt lines 373-454 are the spec; every rule it leaves
 * open is marked ASSUMPTION here and in README.md ("Cancels").
 */
import { isIP } from 'node:net';

/**
 * One cancel the PG made (the API's or the admin page's).
 * @typedef {object} CancelRecord
 * @property {string} cid (취소)승인 번호, the answer's `cid`
 * @property {'full' | 'partial'} kind which API (the admin page: full or partial as staff chose)
 * @property {'api' | 'admin'} via
 * @property {number} requested the amount asked
 * @property {number} amount the amount processed (the promotion rule can make it differ, document line 414)
 * @property {number} taxfreeAmount partial only (0 otherwise)
 * @property {number} taxAmount partial only: as sent, else ((amount - taxfree_amount) / 11) rounded
 * @property {string} reason cncl_rsn
 * @property {number} at sandbox-clock ms
 * @property {string} txDate "YYYY-MM-DD HH:MM:SS" (Korea time), the answer's `tx_date`
 * @property {{ bank_cd: string, bank_acct_no: string, bank_name: string } | null} refundAccount a deposited virtual account's refund account
 */

/**
 * A card-company promotion applied at confirm (card-list's prmt_list: "prmt_cndi_amt 이상 prmt_amt 할인"):
 * the buyer paid `amount - discount`.
 * @typedef {{ threshold: number, discount: number }} Promotion
 */

/**
 * What the buyer can still get back: the approved amount, less the promotion discount, less every cancel.
 * @param {{ request: Record<string, any>, discountAmount: number, cancels: CancelRecord[] }} p
 */
export function balanceOf(p) {
  return p.request.amount - p.discountAmount - p.cancels.reduce((sum, c) => sum + c.amount, 0);
}

/**
 * confirm-info's tx_stat: 1 승인 (nothing cancelled), 2 취소 (nothing left), 3 부분취소 (some cancelled, some left).
 * @param {{ request: Record<string, any>, discountAmount: number, cancels: CancelRecord[] }} p
 * @returns {1 | 2 | 3}
 */
export function txStat(p) {
  if (p.cancels.length === 0) return 1;
  return balanceOf(p) <= 0 ? 2 : 3;
}

/**
 * The partial-cancel amount the PG processes (document line 414, reproduced as written): on a promotion
 * payment, a partial cancel SMALLER than the promotion's threshold cancels the whole remaining balance;
 * otherwise the amount asked, but never more than the balance ("5천원씩 2회 부분 취소 요청하면, 첫번째 부분
 * 취소는 5천원 처리, 두번째 부분 취소는 4천원이 처리됩니다": a second 5,000 on a 4,000 balance is processed as
 * 4,000, not refused). Without a promotion: the amount asked; more than the balance is refused (null).
 * @param {{ asked: number, balance: number, promotion: Promotion | null }} p
 * @returns {number | null}
 */
export function processedPartialAmount({ asked, balance, promotion }) {
  if (promotion) return asked < promotion.threshold ? balance : Math.min(asked, balance);
  return asked <= balance ? asked : null;
}

/**
 * The tax_amount default of cancel/partial (document line 425): "((amount - taxfree_amount) / 11) 계산식을 적용,
 * 소수점 이하 반올림". (x / 11 for a whole x never ends in exactly .5, so half-up and half-even agree.)
 * @param {number} amount @param {number} taxfree
 */
export const defaultTaxAmount = (amount, taxfree) => Math.round((amount - taxfree) / 11);

/** @param {string} v */
const ipAddress = (v) => (isIP(v) ? undefined : 'must be an IPv4 or IPv6 address.');
/** @param {string} v */
const digits = (v) => (/^\d+$/.test(v) ? undefined : 'must be digits only.');

/**
 * v1.0/payments/cancel (document lines 377-387). bank_cd / bank_acct_no / bank_name "(가상계좌용)": the sandbox
 * requires them for a deposited virtual account (ASSUMPTION, the document marks them 선택) and checks them as digits
 * (bank_cd 3, bank_acct_no up to 14) and a holder name (bank_name, 계좌주명).
 * @type {import('./validate.mjs').FieldSpec[]}
 */
export const CANCEL_FIELDS = [
  { name: 'client_id', type: 'string', required: true, max: 10 },
  { name: 'user_id', type: 'string', required: true, max: 50 },
  { name: 'tid', type: 'string', required: true, max: 50 },
  { name: 'amount', type: 'number', required: true, check: (v) => (v > 0 ? undefined : 'must be positive.') },
  { name: 'cncl_rsn', type: 'string', required: true, max: 100 },
  { name: 'ip_addr', type: 'string', required: true, max: 50, check: ipAddress },
  { name: 'bank_cd', type: 'string', max: 3, check: (v) => (/^\d{3}$/.test(v) ? undefined : 'must be 3 digits.') },
  { name: 'bank_acct_no', type: 'string', max: 14, check: digits },
  { name: 'bank_name', type: 'string', max: 20 },
];

/**
 * v1.0/payments/cancel/partial (document lines 418-428): no refund-account fields. The table's columns are
 * shifted on the two tax rows and mark neither 필수: optional here.
 * @type {import('./validate.mjs').FieldSpec[]}
 */
export const PARTIAL_CANCEL_FIELDS = [
  { name: 'client_id', type: 'string', required: true, max: 10 },
  { name: 'user_id', type: 'string', required: true, max: 50 },
  { name: 'tid', type: 'string', required: true, max: 50 },
  { name: 'amount', type: 'number', required: true, check: (v) => (v > 0 ? undefined : 'must be positive.') },
  {
    name: 'taxfree_amount',
    type: 'number',
    check: (v, body) => (v >= 0 && v <= body.amount ? undefined : 'must be between 0 and amount.'),
  },
  {
    name: 'tax_amount',
    type: 'number',
    check: (v, body) => (v >= 0 && v <= body.amount - (body.taxfree_amount ?? 0) ? undefined : 'must be between 0 and amount - taxfree_amount.'),
  },
  { name: 'cncl_rsn', type: 'string', required: true, max: 100 },
  { name: 'ip_addr', type: 'string', required: true, max: 50, check: ipAddress },
];
