// @ts-check
// Where the bytes of a deflate stream go: decodes a raw deflate stream (what gzip wraps) and charges every
// output byte with the compressed bits spent on it. A literal costs its Huffman code; a match (length +
// distance codes and their extra bits) is shared evenly by the bytes it copies; block headers (the
// Huffman tables) are overhead. The charges add up to the stream's size exactly, so a table built from
// them accounts for every byte of `gzip -9`.

const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** Canonical Huffman code lengths -> a decoding map from (length, code) to symbol. */
function huffman(/** @type {number[]} */ lengths) {
  const count = new Array(16).fill(0);
  for (const l of lengths) if (l) count[l]++;
  const next = new Array(16).fill(0);
  for (let l = 1, code = 0; l < 16; l++) {
    code = (code + count[l - 1]) << 1; // count[0] stays 0: unused symbols have no code
    next[l] = code;
  }
  /** @type {Map<number, number>} */
  const map = new Map();
  lengths.forEach((l, symbol) => {
    if (l) map.set((l << 16) | next[l]++, symbol);
  });
  return map;
}

/**
 * @param {Uint8Array} stream a raw deflate stream (zlib.deflateRawSync)
 * @returns {{ out: Uint8Array, bits: Float64Array, overheadBits: number }} the decoded bytes, the bits
 *   charged to each, and the bits of block headers and end-of-block codes
 */
export function deflateCost(stream) {
  let pos = 0;
  let bit = 0;
  const read = (/** @type {number} */ n) => {
    let v = 0;
    for (let i = 0; i < n; i++) {
      if (pos >= stream.length) throw new Error('deflate stream ended early');
      v |= ((stream[pos] >> bit) & 1) << i;
      if (++bit === 8) {
        bit = 0;
        pos++;
      }
    }
    return v;
  };
  const decode = (/** @type {Map<number, number>} */ map) => {
    let code = 0;
    for (let l = 1; l < 16; l++) {
      code = (code << 1) | read(1);
      const symbol = map.get((l << 16) | code);
      if (symbol !== undefined) return [symbol, l];
    }
    throw new Error('invalid Huffman code');
  };
  /** @type {number[]} */
  const out = [];
  /** @type {number[]} */
  const bits = [];
  let overheadBits = 0;
  /** @type {Map<number, number> | undefined} */ let fixedLit;
  /** @type {Map<number, number> | undefined} */ let fixedDist;
  for (let last = 0; !last; ) {
    const start = pos * 8 + bit;
    last = read(1);
    const type = read(2);
    if (type === 0) {
      if (bit) {
        bit = 0;
        pos++;
      }
      const len = stream[pos] | (stream[pos + 1] << 8);
      pos += 4;
      overheadBits += pos * 8 - start;
      for (let i = 0; i < len; i++) {
        out.push(stream[pos++]);
        bits.push(8);
      }
      continue;
    }
    let lit;
    let dist;
    if (type === 1) {
      fixedLit ??= huffman(Array.from({ length: 288 }, (_, i) => (i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8)));
      fixedDist ??= huffman(new Array(30).fill(5));
      lit = fixedLit;
      dist = fixedDist;
    } else if (type === 2) {
      const hlit = read(5) + 257;
      const hdist = read(5) + 1;
      const hclen = read(4) + 4;
      const codeLengths = new Array(19).fill(0);
      for (let i = 0; i < hclen; i++) codeLengths[CODE_LENGTH_ORDER[i]] = read(3);
      const codes = huffman(codeLengths);
      /** @type {number[]} */
      const lengths = [];
      while (lengths.length < hlit + hdist) {
        const [symbol] = decode(codes);
        if (symbol < 16) lengths.push(symbol);
        else if (symbol === 16) for (let r = read(2) + 3, prev = lengths[lengths.length - 1]; r--; ) lengths.push(prev);
        else for (let r = symbol === 17 ? read(3) + 3 : read(7) + 11; r--; ) lengths.push(0);
      }
      lit = huffman(lengths.slice(0, hlit));
      dist = huffman(lengths.slice(hlit));
    } else {
      throw new Error('invalid deflate block type');
    }
    overheadBits += pos * 8 + bit - start;
    for (;;) {
      const [symbol, length] = decode(lit);
      if (symbol < 256) {
        out.push(symbol);
        bits.push(length);
        continue;
      }
      if (symbol === 256) {
        overheadBits += length;
        break;
      }
      const li = symbol - 257;
      const copy = LENGTH_BASE[li] + read(LENGTH_EXTRA[li]);
      const [ds, dl] = decode(dist);
      const back = DIST_BASE[ds] + read(DIST_EXTRA[ds]);
      const each = (length + LENGTH_EXTRA[li] + dl + DIST_EXTRA[ds]) / copy;
      for (let i = 0; i < copy; i++) {
        out.push(out[out.length - back]);
        bits.push(each);
      }
    }
  }
  // The last byte's unused bits belong to the stream too.
  if (bit) overheadBits += 8 - bit;
  return { out: Uint8Array.from(out), bits: Float64Array.from(bits), overheadBits };
}
