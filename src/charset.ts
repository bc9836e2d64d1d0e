/**
 * Byte lengths and encodability in the charset a form is sent in. Browsers have no EUC-KR encoder API,
 * but they decode EUC-KR: decoding every two-byte sequence once gives exactly the set of characters the
 * browser's own EUC-KR encoder (the WHATWG one, i.e. Windows-949: all 11,172 Hangul syllables, KS X 1001
 * hanja and symbols) can send. A character outside it would be sent silently as the text `&#NNNNN;`.
 */

/** Every character the browser's EUC-KR encoder can send -> true when it is outside KS X 1001. */
let eucKr: Map<string, boolean> | null = null;

function eucKrCharacters(): Map<string, boolean> {
  if (eucKr) return eucKr;
  const bytes: number[] = [];
  const pairs: Array<[number, number]> = [];
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x41; trail <= 0xfe; trail++) {
      bytes.push(lead, trail, 0x0a);
      pairs.push([lead, trail]);
    }
  }
  eucKr = new Map();
  // An invalid pair decodes to U+FFFD (plus its trail byte when ASCII), so only one-character lines count.
  const lines = new TextDecoder('euc-kr').decode(new Uint8Array(bytes)).split('\n');
  lines.forEach((line, i) => {
    const [lead, trail] = pairs[i] ?? [0, 0];
    // KS X 1001 (strict EUC-KR) uses 0xA1-0xFE for both bytes; the rest is Windows-949's extension.
    if (line.length === 1 && line !== '\ufffd') eucKr!.set(line, lead < 0xa1 || trail < 0xa1);
  });
  return eucKr;
}

/**
 * Characters of `text` the browser sends in Windows-949's extension of EUC-KR (e.g. 똠, 햏): a server that
 * reads strict EUC-KR (KS X 1001) shows them garbled.
 */
export function outsideKsX1001(text: string): string[] {
  return [...text].filter((ch) => eucKrCharacters().get(ch) === true);
}

export type FormCharset = 'EUC-KR' | 'UTF-8';

export type ByteCount = { ok: true; bytes: number } | { ok: false; character: string };

/** How many bytes `text` takes in `charset`, or the first character that charset cannot hold. */
export function byteLength(text: string, charset: FormCharset): ByteCount {
  if (charset === 'UTF-8') {
    for (const ch of text) {
      // A lone surrogate cannot be sent either (it would become U+FFFD).
      if (ch.length === 1 && ch >= '\ud800' && ch <= '\udfff') return { ok: false, character: ch };
    }
    return { ok: true, bytes: new TextEncoder().encode(text).length };
  }
  let bytes = 0;
  for (const ch of text) {
    if (ch < '\x80') bytes += 1;
    else if (eucKrCharacters().has(ch)) bytes += 2;
    else return { ok: false, character: ch };
  }
  return { ok: true, bytes };
}

/** `&#128512;` for 😀: what the browser would put in the form instead of the character. */
export function ncr(character: string): string {
  return `&#${character.codePointAt(0)};`;
}
