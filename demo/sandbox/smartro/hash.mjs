// @ts-check
/**
 * Smartro WEBLink hashes (../../../../shared/pg-docs/README.md, guide 6.7). Both are
 * base64( md5_hex(...) ): the 32-character LOWER-CASE hex string of the MD5 is what gets base64-encoded
 * (so the result is 44 characters), not the 16 raw digest bytes.
 */
import { createHash } from 'node:crypto';

/** @param {string} text @returns {string} 32 lower-case hex digits (input as UTF-8) */
export const md5Hex = (text) => createHash('md5').update(text, 'utf8').digest('hex');

/** @param {string} text */
const b64md5hex = (text) => Buffer.from(md5Hex(text), 'utf8').toString('base64');

/**
 * EncryptData of a payment request: base64(md5_hex(ediDate + MID + Amt + MerchantKey)).
 * @param {{ ediDate: string, mid: string, amt: string | number, merchantKey: string }} p
 */
export function encryptData({ ediDate, mid, amt, merchantKey }) {
  return b64md5hex(`${ediDate}${mid}${amt}${merchantKey}`);
}

/**
 * SignValue of a result: base64(md5_hex(TID[0:10] + ResultCode + TID[10:15] + MerchantKey + TID[15:30])).
 * @param {{ tid: string, resultCode: string, merchantKey: string }} p
 */
export function signValue({ tid, resultCode, merchantKey }) {
  return b64md5hex(`${tid.slice(0, 10)}${resultCode}${tid.slice(10, 15)}${merchantKey}${tid.slice(15, 30)}`);
}
