/**
 * EUC-KR bytes for text the server SENDS to Smartro (its cancel module's CancelMSG). Node decodes EUC-KR but
 * has no encoder: the table is the inverse of `TextDecoder('euc-kr')`, built once on first use (every lead
 * and trail byte pair, about 24,000 decodes). That decoder is strict KS X 1001 (the 2,350 common Hangul
 * syllables, not Windows-949's extra 8,822), like a Java server reading "EUC-KR": a character it lacks
 * (똠, an emoji) is sent as "?".
 */

let table: Map<string, number> | undefined;

function build(): Map<string, number> {
  const decoder = new TextDecoder('euc-kr');
  const map = new Map<string, number>();
  const pair = new Uint8Array(2);
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x41; trail <= 0xfe; trail++) {
      pair[0] = lead;
      pair[1] = trail;
      const ch = decoder.decode(pair);
      if (ch.length !== 1 || ch === '\uFFFD' || ch.charCodeAt(0) < 0x80) continue;
      if (!map.has(ch)) map.set(ch, (lead << 8) | trail);
    }
  }
  return map;
}

/** Whether EUC-KR (KS X 1001, as read here) holds the one character `ch`: ASCII, or a pair of its table. */
export function eucKrHolds(ch: string): boolean {
  if (ch.length === 1 && ch.charCodeAt(0) < 0x80) return true;
  table ??= build();
  return table.has(ch);
}

/** `text` in EUC-KR; characters EUC-KR lacks become `replacement` (ASCII). */
export function encodeEucKr(text: string, replacement = '?'): Uint8Array {
  table ??= build();
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (code < 0x80) out.push(code);
    else {
      const pair = table.get(ch);
      if (pair === undefined) for (const b of Buffer.from(replacement, 'latin1')) out.push(b);
      else out.push(pair >> 8, pair & 0xff);
    }
  }
  return Uint8Array.from(out);
}

/** PHP's urlencode() of bytes: letters, digits and "-_." stay, a space is "+", every other byte %XX. */
export function phpUrlencode(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2d || b === 0x5f || b === 0x2e) out += String.fromCharCode(b);
    else if (b === 0x20) out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** percent-decoding ("+" a space) to bytes, then EUC-KR: what the samples' urldecode() of an answer value gives. */
export function urldecodeEucKr(value: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x2b) bytes.push(0x20);
    else if (c === 0x25 && /^[0-9A-Fa-f]{2}$/.test(value.slice(i + 1, i + 3))) {
      bytes.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c & 0xff);
  }
  return new TextDecoder('euc-kr').decode(Uint8Array.from(bytes));
}
