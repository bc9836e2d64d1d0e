// @ts-check
// Source map `mappings` as arrays, and back (base64 VLQ, https://sourcemaps.info/spec.html).

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * @param {string} mappings
 * @returns {number[][][]} per generated line, its segments with ABSOLUTE values:
 *   [column] or [column, source, sourceLine, sourceColumn] or [..., name]
 */
export function decodeMappings(mappings) {
  /** @type {number[][][]} */
  const lines = [[]];
  const state = [0, 0, 0, 0, 0];
  /** @type {number[]} */
  let fields = [];
  let value = 0;
  let shift = 0;
  const flush = () => {
    if (!fields.length) return;
    const segment = fields.map((f, i) => (state[i] += f));
    lines[lines.length - 1].push(segment);
    fields = [];
  };
  for (const c of mappings) {
    if (c === ',' || c === ';') {
      flush();
      if (c === ';') {
        lines.push([]);
        state[0] = 0;
      }
      continue;
    }
    const digit = B64.indexOf(c);
    if (digit < 0) throw new Error(`invalid source map character ${c}`);
    value += (digit & 31) << shift;
    shift += 5;
    if (!(digit & 32)) {
      fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  flush();
  return lines;
}

/** @param {number[][][]} lines (as decodeMappings returns them) */
export function encodeMappings(lines) {
  const state = [0, 0, 0, 0, 0];
  const vlq = (/** @type {number} */ n) => {
    let v = n < 0 ? (-n << 1) | 1 : n << 1;
    let out = '';
    do {
      let digit = v & 31;
      v >>>= 5;
      if (v) digit |= 32;
      out += B64[digit];
    } while (v);
    return out;
  };
  return lines
    .map((segments) => {
      state[0] = 0;
      return segments
        .map((segment) =>
          segment
            .map((value, i) => {
              const delta = value - state[i];
              state[i] = value;
              return vlq(delta);
            })
            .join(''),
        )
        .join(',');
    })
    .join(';');
}
