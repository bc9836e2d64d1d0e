/**
 * Smartro WEBLink forms: reading the result form (ReturnURL / RetryURL), whose charset is not announced,
 * and fitting request values into their byte lengths. Pure functions.
 */

import { eucKrHolds } from './euc-kr.js';

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const eucKr = new TextDecoder('euc-kr');
const ESCAPE = /%[0-9A-Fa-f]{2}/;
/** What URL-encoded text can contain (Java URLEncoder or encodeURIComponent output). */
const URL_ENCODED = /^(?:[A-Za-z0-9.*_~!'()+-]|%[0-9A-Fa-f]{2})*$/;

/**
 * Decodes an application/x-www-form-urlencoded body whose charset is not announced.
 *
 * 1. Split the raw bytes on "&" and "="; percent-decode each part to BYTES ("+" is a space).
 * 2. One charset for the whole body: UTF-8 if every value is valid UTF-8, else EUC-KR (Smartro's PC server
 *    is EUC-KR, guide 6.2; mobile UTF-8, 6.3). `EncodingType=euckr` or a Content-Type `charset=EUC-KR`
 *    forces EUC-KR (a lone "표", C7 A5, is valid UTF-8).
 * 3. UrlEncode=Y (the guide spells it URLEncode, 6.4) percent-encodes values once more: decode again when
 *    the form says so, or when a Korean text field is still ASCII full of %XX escapes. Only values that look
 *    URL-encoded are decoded again; a base64 SignValue that was not encoded twice keeps its "+" and "=".
 *
 * The first occurrence of a repeated name wins.
 */
export function parseResultForm(body: Uint8Array, contentType = ''): Record<string, string> {
  const raw = new Map<string, Uint8Array>();
  for (const part of Buffer.from(body).toString('latin1').split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = Buffer.from(percentDecode(eq === -1 ? part : part.slice(0, eq))).toString('latin1').trim();
    if (name !== '' && !raw.has(name)) raw.set(name, percentDecode(eq === -1 ? '' : part.slice(eq + 1)));
  }
  const encodingType = raw.get('EncodingType');
  const declared = encodingType ? Buffer.from(encodingType).toString('latin1') : (/charset=([^;]+)/i.exec(contentType)?.[1] ?? '');
  const hint = declared.toLowerCase().replace(/[^a-z0-9]/g, '');
  const fields = decodeAll(raw, hint);

  const says = /^y$/i.test(fields.UrlEncode ?? fields.URLEncode ?? fields.urlEncode ?? '');
  const looks = ['GoodsName', 'BuyerName', 'ResultMsg', 'fn_name'].some(
    (name) => fields[name] !== undefined && URL_ENCODED.test(fields[name]) && ESCAPE.test(fields[name]),
  );
  if (says || looks) {
    const again = new Map<string, Uint8Array>();
    for (const [name, value] of Object.entries(fields)) {
      if (URL_ENCODED.test(value) && /[%+]/.test(value)) again.set(name, percentDecode(value));
    }
    Object.assign(fields, decodeAll(again, hint));
  }
  return fields;
}

/** "%C5%D7+x" -> bytes C5 D7 20 78; other characters are single bytes (latin1 text of the raw body, or ASCII). */
function percentDecode(value: string): Uint8Array {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x2b) bytes.push(0x20);
    else if (c === 0x25 && /^[0-9A-Fa-f]{2}$/.test(value.slice(i + 1, i + 3))) {
      bytes.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c & 0xff);
  }
  return Uint8Array.from(bytes);
}

function decodeAll(raw: Map<string, Uint8Array>, hint: string): Record<string, string> {
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
  const fields: Record<string, string> = {};
  for (const [name, value] of raw) fields[name] = utf8 ? Buffer.from(value).toString('utf8') : eucKr.decode(value);
  return fields;
}

/**
 * `value` as a form field can carry it in the charset the form is sent in, cut to at most `maxBytes` bytes of
 * that charset, never inside a character (EUC-KR: ASCII 1 byte, Hangul 2; UTF-8: Hangul 3). A character the
 * browser cannot send in that charset becomes "?", as a Java or PHP encoder writes it: in EUC-KR (the PC form)
 * an emoji in a product name, which a browser would post as the text `&#127873;` (the widget refuses such a
 * form, so a shop whose product names have emoji could not be paid on PC); in UTF-8 a lone surrogate.
 */
export function fitBytes(value: string, maxBytes: number, charset: 'euc-kr' | 'utf-8'): string {
  let out = '';
  let size = 0;
  for (const ch of value) {
    const char = charset === 'utf-8' ? (isLoneSurrogate(ch) ? '?' : ch) : browserSendsEucKr(ch) ? ch : '?';
    const bytes = charset === 'utf-8' ? Buffer.byteLength(char, 'utf8') : char.charCodeAt(0) < 0x80 ? 1 : 2;
    if (size + bytes > maxBytes) break;
    out += char;
    size += bytes;
  }
  return out;
}

/**
 * What a browser's EUC-KR encoder (WHATWG's, which is Windows-949) sends as bytes: ASCII, KS X 1001, and the
 * 8,822 Hangul syllables Windows-949 adds (똠, 햏: sent as their 2 bytes, which the widget warns a strict
 * EUC-KR reader may show garbled; the 11,172 syllables U+AC00-U+D7A3 in all). Windows-949 adds nothing else.
 */
function browserSendsEucKr(ch: string): boolean {
  return (ch >= '\uac00' && ch <= '\ud7a3') || eucKrHolds(ch);
}

function isLoneSurrogate(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return ch.length === 1 && code >= 0xd800 && code <= 0xdfff;
}

/** Korean time as yyyyMMddHHmmss (ediDate). Korea has no daylight saving time: always UTC+9. */
export function kstTimestamp(date: Date): string {
  const kst = new Date(date.getTime() + 9 * 3600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${kst.getUTCFullYear()}${pad(kst.getUTCMonth() + 1)}${pad(kst.getUTCDate())}${pad(kst.getUTCHours())}${pad(kst.getUTCMinutes())}${pad(kst.getUTCSeconds())}`;
}

/**
 * AuthDate "yyMMddHHmmss" or "yyyyMMddHHmmss" -> "YYYY-MM-DD HH:MM:SS" (Korean time); anything else is no
 * time (null): the form's AuthDate is unsigned, and a text in its place is never shown as when a payment was made.
 */
export function normalizeAuthDate(value: string): string | null {
  const digits = /^\d{12}$/.test(value) ? `20${value}` : value;
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(digits);
  return m ? `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}` : null;
}
