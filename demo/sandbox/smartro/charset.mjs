// @ts-check
/**
 * Bytes <-> text for the sandbox Smartro PG: the form-urlencoded parser that decodes percent-escapes to
 * BYTES and only then to text (EUC-KR on the PC interface, UTF-8 on the mobile one, as Smartro's servers
 * do, guide 6.2 / 6.3), an EUC-KR encoder (Node's TextDecoder knows EUC-KR, but there is no encoder), and
 * the form-urlencoded serialiser used for the RetryURL notification and for UrlEncode=Y.
 *
 * "EUC-KR" here is what Node's TextDecoder('euc-kr') decodes (ICU): plain EUC-KR (KS X 1001, 2,350
 * precomposed Hangul syllables), NOT the Windows-949 / UHC superset that browsers encode for
 * accept-charset="EUC-KR". The 8,822 UHC-only syllables (똠, 힣, ...) therefore decode to mojibake and
 * cannot be encoded - as on a Java server reading "EUC-KR" (Java's EUC-KR is KS X 1001; MS949 is UHC).
 */

/** @typedef {'EUC-KR' | 'UTF-8'} Charset */

/** @type {Map<string, Uint8Array> | null} code point (as a one-char string) -> 2 bytes, built on first use */
let eucKrTable = null;

/** Builds the EUC-KR encoder table by decoding every lead/trail pair once. */
function table() {
  if (eucKrTable) return eucKrTable;
  const decoder = new TextDecoder('euc-kr');
  /** @type {Map<string, Uint8Array>} */
  const map = new Map();
  const pair = new Uint8Array(2);
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x41; trail <= 0xfe; trail++) {
      pair[0] = lead;
      pair[1] = trail;
      const ch = decoder.decode(pair);
      // A valid pair decodes to exactly one BMP character; invalid ones give U+FFFD (and maybe the ASCII trail).
      // (Node's ICU decoder maps a stray 0x81-0xA0 byte to U+0081-U+00A0, so check for >= 0x80 too.)
      if (ch.length !== 1 || ch === '\uFFFD' || ch.charCodeAt(0) < 0x80) continue;
      // WHATWG's encoder uses the first pointer for a code point: keep the first pair seen.
      if (!map.has(ch)) map.set(ch, Uint8Array.of(lead, trail));
    }
  }
  eucKrTable = map;
  return map;
}

/**
 * Encodes text as EUC-KR (WHATWG euc-kr, i.e. Windows-949).
 * @param {string} text
 * @returns {Uint8Array | null} the bytes, or null when some character has no EUC-KR encoding
 *   (an emoji, U+FFFD, a lone surrogate, ...)
 */
export function encodeEucKr(text) {
  const out = new Uint8Array(text.length * 2);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      out[n++] = c;
      continue;
    }
    const bytes = table().get(text[i]);
    if (!bytes) return null; // includes surrogates: EUC-KR has no astral characters
    out[n++] = bytes[0];
    out[n++] = bytes[1];
  }
  return out.slice(0, n);
}

/**
 * Encodes text in a charset. For EUC-KR, characters it cannot hold become `unmappable` (Java's
 * String.getBytes replaces them with '?', which is what the sandbox mimics for its own output).
 * @param {string} text @param {Charset} charset @param {string} [unmappable]
 * @returns {Uint8Array}
 */
export function encodeText(text, charset, unmappable = '?') {
  if (charset === 'UTF-8') return new TextEncoder().encode(text);
  const whole = encodeEucKr(text);
  if (whole) return whole;
  /** @type {number[]} */
  const out = [];
  for (const ch of text) {
    const b = encodeEucKr(ch) ?? encodeEucKr(unmappable) ?? Uint8Array.of(0x3f);
    out.push(...b);
  }
  return Uint8Array.from(out);
}

/**
 * Decodes bytes in a charset, never throwing: bytes that are not valid in the charset become U+FFFD
 * (what a server that reads the body in the wrong charset shows: mojibake).
 * @param {Uint8Array} bytes @param {Charset} charset
 */
export function decodeText(bytes, charset) {
  return new TextDecoder(charset === 'UTF-8' ? 'utf-8' : 'euc-kr', { ignoreBOM: true }).decode(bytes);
}

/**
 * Percent-decodes one application/x-www-form-urlencoded name or value to BYTES ('+' is a space,
 * '%XX' a byte, anything else - including a '%' not followed by two hex digits - is kept as is).
 * @param {Uint8Array} raw
 * @returns {Uint8Array}
 */
export function percentDecodeBytes(raw) {
  const out = new Uint8Array(raw.length);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i];
    if (b === 0x2b) {
      out[n++] = 0x20;
    } else if (b === 0x25 && i + 2 < raw.length && isHex(raw[i + 1]) && isHex(raw[i + 2])) {
      out[n++] = (hexVal(raw[i + 1]) << 4) | hexVal(raw[i + 2]);
      i += 2;
    } else {
      out[n++] = b;
    }
  }
  return out.slice(0, n);
}

/** @param {number} b */
const isHex = (b) => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
/** @param {number} b */
const hexVal = (b) => (b <= 0x39 ? b - 0x30 : (b | 0x20) - 0x61 + 10);

/**
 * @typedef {object} FormField
 * @property {string} name decoded name
 * @property {string} value decoded value
 * @property {number} byteLength length of the value in bytes after percent-decoding (before charset decoding)
 */

/**
 * Parses an application/x-www-form-urlencoded body: split on '&' and the first '=', percent-decode to
 * bytes, then decode the bytes in `charset`.
 * @param {Uint8Array} body @param {Charset} charset
 * @returns {FormField[]} in body order (duplicates kept)
 */
export function parseFormBytes(body, charset) {
  /** @type {FormField[]} */
  const fields = [];
  let start = 0;
  for (let i = 0; i <= body.length; i++) {
    if (i < body.length && body[i] !== 0x26) continue;
    const part = body.subarray(start, i);
    start = i + 1;
    if (part.length === 0) continue;
    const eq = part.indexOf(0x3d);
    const rawName = eq === -1 ? part : part.subarray(0, eq);
    const rawValue = eq === -1 ? new Uint8Array(0) : part.subarray(eq + 1);
    const valueBytes = percentDecodeBytes(rawValue);
    fields.push({
      name: decodeText(percentDecodeBytes(rawName), charset),
      value: decodeText(valueBytes, charset),
      byteLength: valueBytes.length,
    });
  }
  return fields;
}

/**
 * Percent-encodes text the way Java's URLEncoder.encode(text, charset) does (Smartro's servers are
 * Java): ASCII letters, digits and `.-*_` stay, a space becomes '+', every other byte %XX (upper case).
 * Characters the charset cannot hold become '?' (as Java's encoder does).
 * @param {string} text @param {Charset} charset
 */
export function urlEncode(text, charset) {
  let out = '';
  for (const b of encodeText(text, charset)) {
    if (
      (b >= 0x30 && b <= 0x39) ||
      (b >= 0x41 && b <= 0x5a) ||
      (b >= 0x61 && b <= 0x7a) ||
      b === 0x2e ||
      b === 0x2d ||
      b === 0x2a ||
      b === 0x5f
    ) {
      out += String.fromCharCode(b);
    } else if (b === 0x20) {
      out += '+';
    } else {
      out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

/**
 * Serialises fields as an application/x-www-form-urlencoded body in `charset` (server-to-server posts).
 * @param {Record<string, string>} fields @param {Charset} charset
 */
export function formEncode(fields, charset) {
  return Object.entries(fields)
    .map(([k, v]) => `${urlEncode(k, charset)}=${urlEncode(v, charset)}`)
    .join('&');
}

/**
 * Byte length of text in a charset (unmappable characters count as one '?').
 * @param {string} text @param {Charset} charset
 */
export const byteLength = (text, charset) => encodeText(text, charset).length;
