// @ts-check
// node scripts/trims.mjs: what the two-stage split costs in compression, and
// what trims the issue asked about would save, each measured on a real build of both PGs' stages
// (scripts/stages.mjs) with the change applied to the sources as they are compiled. Nothing here changes
// what ships: it prints the figures docs/size-and-speed.md quotes.
//
// 1. Compression lost across files: gzip -9 of the two stages apart, of the same bytes as one stream, and of
//    the PG's one-file build (both stages in one IIFE, as kpg-checkout.js is for both PGs).
// 2. Trims, each against the stages as they are:
//    - developer messages (taken: src/messages.ts, in full only in kpg-checkout.dev.js): every message text
//      left in the production files emptied (the `what` of a request, zod's issue words): what remains;
//    - `static properties` without attribute names (derived from the property names instead: the saving
//      before the few bytes a camelCase to kebab-case rule would cost);
//    - English words in a second file (all English text of the elements left out: what `lang="en"` costs);
//    - zod shapes: one helper for the optional-and-nullable fields of card-list and Smartro's receipt
//      (`maybe(x)` for each `z.optional(z.nullable(x))`, one shared schema for the number-like ones).
// 3. The floor of a Shinhan checkout: the second stage without each feature in turn (card picker, receipt,
//    consent step), what each costs of the 32 KB target.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import MagicString from 'magic-string';
import { buildStages } from './stages.mjs';

const gz = (/** @type {Buffer | string} */ b) => gzipSync(b, { level: 9 }).length;

/**
 * A Vite plugin rewriting the widget's TypeScript sources before they are compiled: `edit(node, out)` for
 * every AST node.
 * @param {string} name @param {(node: any, out: MagicString, code: string) => void} edit
 */
function rewrite(name, edit) {
  return {
    name,
    enforce: /** @type {const} */ ('pre'),
    /** @param {string} code @param {string} id */
    async transform(code, id) {
      if (!/\/src\/.*\.ts$/.test(id) || id.includes('/src/server/')) return null;
      const { parseAst } = await import('vite');
      const out = new MagicString(code);
      const visit = (/** @type {any} */ node) => {
        if (!node || typeof node !== 'object') return;
        if (Array.isArray(node)) return node.forEach(visit);
        if (typeof node.type === 'string') edit(node, out, code);
        for (const [key, value] of Object.entries(node)) if (key !== 'parent') visit(value);
      };
      visit(parseAst(code, /** @type {never} */ ({ lang: 'ts' })));
      return out.hasChanged() ? { code: out.toString(), map: out.generateMap({ hires: true }) } : null;
    },
  };
}

const isText = (/** @type {any} */ n) => n && (n.type === 'TemplateLiteral' || (n.type === 'Literal' && typeof n.value === 'string'));
/** The node's source span (the AST may count from the template's delimiters or inside them: both work). */
const blank = (/** @type {MagicString} */ out, /** @type {any} */ n) => {
  try {
    out.overwrite(n.start, n.end, "''");
  } catch {
    /* already rewritten inside a larger span */
  }
};

/** Developer messages: `message:` of every error detail, and what warnOnce / invalidConfig / console / Error say. */
const developerMessages = rewrite('trim-developer-messages', (node, out) => {
  if (node.type === 'Property' && (node.key?.name === 'message' || node.key?.value === 'message') && isText(node.value)) blank(out, node.value);
  const callee = node.type === 'CallExpression' || node.type === 'NewExpression' ? node.callee : null;
  const name = callee?.type === 'Identifier' ? callee.name : callee?.type === 'MemberExpression' ? `${callee.object?.name}.${callee.property?.name}` : '';
  if (['warnOnce', 'invalidConfig', 'invalidField', 'badReceipt', 'failed', 'console.error', 'console.warn', 'TypeError', 'Error', 'DOMException'].includes(name)) {
    for (const arg of node.arguments ?? []) if (isText(arg) && (arg.type === 'TemplateLiteral' || arg.value.length > 24)) blank(out, arg);
  }
});

/** `attribute: 'session-url'` in `static properties`: the attribute named by a rule instead. */
const attributeNames = rewrite('trim-attribute-names', (node, out) => {
  if (node.type === 'Property' && node.key?.name === 'attribute' && isText(node.value)) blank(out, node.value);
});

/** The English half of every `KO` / `EN` pair: `const EN = {...}` emptied. */
const english = rewrite('trim-english', (node, out) => {
  if (node.type === 'VariableDeclarator' && node.id?.name === 'EN' && node.init?.type === 'ObjectExpression') out.overwrite(node.init.start, node.init.end, '{} as never');
});

/** schemas.ts with `maybe(x)` for every `z.optional(z.nullable(x))`. */
const zodShapes = {
  name: 'trim-zod-shapes',
  enforce: /** @type {const} */ ('pre'),
  /** @param {string} code @param {string} id */
  transform(code, id) {
    if (!id.endsWith('/src/schemas.ts')) return null;
    const open = 'z.optional(z.nullable(';
    let out = '';
    let i = 0;
    for (let j = code.indexOf(open); j >= 0; j = code.indexOf(open, i)) {
      let k = j + open.length;
      for (let depth = 1; depth > 0; k++) depth += code[k] === '(' ? 1 : code[k] === ')' ? -1 : 0;
      out += `${code.slice(i, j)}maybe(${code.slice(j + open.length, k - 1)})`;
      i = k + 1; // the outer call's closing parenthesis
    }
    out += code.slice(i);
    out = out.replace(/maybe\(NumberLike\)/g, 'MaybeNumber');
    out = out.replace('const NumberLike = ', 'const maybe = (s: any) => z.optional(z.nullable(s));\nconst NumberLike = ');
    out = out.replace(/(const NumberLike = [^\n]*\n)/, '$1const MaybeNumber = maybe(NumberLike);\n');
    return { code: out, map: null };
  },
};

/**
 * A feature left out of the second stage: `file`'s module replaced by `code` as it is built (the floor: what
 * each feature a Shinhan checkout carries costs; nothing here is shipped).
 * @param {string} name @param {string} file @param {string} code
 */
const without = (name, file, code) => ({
  name,
  enforce: /** @type {const} */ ('pre'),
  /** @param {string} id */
  load: (id) => (id.endsWith(file) ? code : null),
});
/** The features of a Shinhan checkout's second stage, each left out in turn (the PGs' stage-2 entries import them). */
const FEATURES = [
  ['the card picker (<kpg-card-picker>, the card list, its CSS)', without('no-picker', '/src/entries/card-picker.ts', 'export {};')],
  ['the receipt (<kpg-receipt>, the slip)', without('no-receipt', '/src/entries/receipt.ts', 'export {};')],
  ['the consent step (<kpg-terms>, its dialog, schema and words)', without('no-terms', '/src/kpg-terms/step.ts', 'export const termsStep = undefined;')],
];

async function measure(/** @type {'shinhan' | 'smartro'} */ pg, /** @type {any[]} */ plugins = []) {
  const out = mkdtempSync(join(tmpdir(), 'kpg-trims-'));
  try {
    await buildStages({ pg, outDir: out, logLevel: 'error', plugins });
    const first = readFileSync(join(out, `kpg-${pg}.js`));
    const second = readFileSync(join(out, `kpg-${pg}.stage2.js`));
    return { first: gz(first), second: gz(second), total: gz(first) + gz(second), joined: gz(Buffer.concat([first, Buffer.from('\n'), second])) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The PG's one-file build: both of its stages in one IIFE (what kpg-checkout.js is for both PGs). */
async function oneFile(/** @type {'shinhan' | 'smartro'} */ pg) {
  const { build } = await import('vite');
  const entry = resolve(`kpg-${pg}-one.js`);
  const result = await build({
    configFile: resolve('vite.config.ts'),
    mode: 'stage',
    logLevel: 'error',
    plugins: [
      {
        name: 'kpg-one-file',
        enforce: 'pre',
        // Both entries keep their side effects (registering, defining), whatever package.json's `sideEffects` says.
        resolveId: (/** @type {string} */ id) =>
          id === entry ? `\0${entry}` : id.endsWith(`src/kpg-${pg}.stage2.ts`) || id.endsWith(`src/kpg-${pg}.ts`) ? { id, moduleSideEffects: true } : null,
        load: (/** @type {string} */ id) =>
          id === `\0${entry}` ? `import ${JSON.stringify(resolve(`src/kpg-${pg}.stage2.ts`))};\nexport * from ${JSON.stringify(resolve(`src/kpg-${pg}.ts`))};\n` : null,
      },
    ],
    build: { write: false, lib: { entry, formats: ['iife'], name: 'KpgCheckout', fileName: () => 'one.js' } },
  });
  const chunk = /** @type {any} */ ([result].flat()[0]).output[0];
  return gz(chunk.code);
}

const fmt = (/** @type {number} */ n) => n.toLocaleString('en-US');
const delta = (/** @type {number} */ n) => `${n <= 0 ? '' : '+'}${fmt(n)}`;

for (const pg of /** @type {const} */ (['shinhan', 'smartro'])) {
  const base = await measure(pg);
  const one = await oneFile(pg);
  console.log(`\nkpg-${pg}.js + kpg-${pg}.stage2.js (gzip -9)`);
  console.log(`  first stage ${fmt(base.first)} B + second stage ${fmt(base.second)} B = ${fmt(base.total)} B`);
  console.log(`  the same bytes as one gzip stream: ${fmt(base.joined)} B (lost across files: ${fmt(base.total - base.joined)} B)`);
  console.log(`  one file, both stages in one IIFE: ${fmt(one)} B (two stages cost ${delta(base.total - one)} B over it)`);
  for (const [name, plugin] of /** @type {const} */ ([
    ['developer message text left in the production files (request names, zod issue words)', developerMessages],
    ['static properties without attribute names', attributeNames],
    ['English in a second file', english],
    ['zod shapes: one helper for optional-and-nullable fields', zodShapes],
  ])) {
    const t = await measure(pg, [plugin]);
    console.log(`  trim: ${name}: first stage ${delta(t.first - base.first)} B, second ${delta(t.second - base.second)} B, total ${delta(t.total - base.total)} B`);
  }
  if (pg !== 'shinhan') continue;
  for (const [name, plugin] of FEATURES) {
    const t = await measure(pg, [plugin]);
    console.log(`  without ${name}: second stage ${delta(t.second - base.second)} B, total ${fmt(t.total)} B`);
  }
}
