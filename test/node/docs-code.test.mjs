// @ts-check
/**
 * Every fenced code block of README.md and docs/*.md is checked as what it claims to be (issue 24, item 9:
 * "every code block in README and docs runs as pasted"), and every relative link and #anchor resolves.
 * Run after `node scripts/build.mjs` (npm test builds first): the blocks are checked against the built
 * package (dist/: its .d.ts, custom-elements.json, the script-tag files, the server's CLI and environment).
 *
 * By the block's language (the word after the fence; a block without one fails):
 * - js, mjs, cjs, ts, tsx, jsx, and the `<script setup lang="ts">` of a vue block: type-checked together by
 *   one `tsc --noEmit` (strict, checkJs) in a scratch folder inside this checkout whose
 *   node_modules/kpg-checkout points at the checkout, so `kpg-checkout`, `kpg-checkout/server` ... resolve to
 *   the built types as in a shop that installed the tarball. A block whose first line names its file
 *   (`// kpg.js: ...`) is written under that name, and a block importing `./kpg.js` gets the same guide's
 *   kpg.js beside it. A node program whose every console.log line ends with what it prints (`// true`)
 *   is also run, and must print that. What the guides leave to the shop (its database `db`, its login `sessionUser`, an
 *   instance `kpg` made as in "The server") is declared once in SHOP_DECLARATIONS below.
 * - html (and php, whose `<?= ?>` is taken out): parsed by parse5 (no parse error); every `<kpg-*>` element
 *   and attribute exists in dist/custom-elements.json (`...` stands for "the attributes shown above"); every `<script src>` names a file of dist/; every
 *   inline script parses as a classic script. A vue block's template is held to the same elements.
 * - json: parses. ini: KEY=VALUE lines whose keys `optionsFromEnv()` reads (dist/server/env.js).
 * - bash / sh: every `npm run X` (and npm start / test) names a script of package.json, every
 *   `npx kpg-checkout...` a bin of package.json (and its command one the CLI knows), every path into this
 *   repository (src/, test/, scripts/, demo/, docs/, dist/) exists.
 * - http: a request line or header lines (`Name: value`). css: balanced braces, and every `--kpg-*` custom
 *   property is one custom-elements.json documents.
 * - text: output, shapes and trees, not code: counted, not run; but the project layout of docs/architecture.md
 *   is held to the repository (every file and folder it names exists).
 * The byte figures of docs/size-and-speed.md are a table scripts/docs-sizes.mjs generates from dist/: this
 * test holds it to the build, and no other guide repeats a byte figure of the script files.
 * A block preceded by `<!-- docs-code: fragment, <reason> -->` is not checked; the test lists every such
 * block and fails if there are more than MAX_FRAGMENTS or one without a reason.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { parse, parseFragment } from 'parse5';
import { GUIDE as SIZES_GUIDE, sizesTable, tableIn } from '../../scripts/docs-sizes.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAX_FRAGMENTS = 6;

/** The guides: README.md and every docs/*.md, as paths relative to the checkout. */
export const GUIDES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];

/**
 * The fenced blocks of a Markdown text: { lang, code, line (1-based, of the opening fence), fragment }.
 * `fragment` is the reason given by a `<!-- docs-code: fragment, reason -->` line right above the fence.
 * @param {string} text
 */
export function blocksOf(text) {
  const lines = text.split('\n');
  /** @type {{ lang: string, code: string, line: number, fragment: string | undefined }[]} */
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})(.*)$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith(open[1]) && l.trim() === open[1]);
    assert.ok(end > i, `unclosed fence at line ${i + 1}`);
    const marker = /^<!-- docs-code: fragment(?:, *(.*?))? *-->$/.exec(lines[i - 1] ?? '');
    blocks.push({ lang: open[2].trim().split(/\s+/)[0], code: lines.slice(i + 1, end).join('\n'), line: i + 1, fragment: marker ? (marker[1] ?? '') : undefined });
    i = end;
  }
  return blocks;
}

const ALL = GUIDES.flatMap((file) => blocksOf(readFileSync(join(ROOT, file), 'utf8')).map((b) => ({ ...b, file, where: `${file}:${b.line}` })));
const checked = ALL.filter((b) => b.fragment === undefined);
const kind = (/** @type {string} */ lang) => (lang === 'sh' ? 'bash' : lang === 'php' ? 'html' : lang);
/** @param {string} k */
const ofKind = (k) => checked.filter((b) => kind(b.lang) === k);

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

// ------------------------------------------------------------------------------------------ every block

test('every block of README.md and docs/*.md says what it is, in a language this test checks', () => {
  const known = new Set(['js', 'mjs', 'cjs', 'ts', 'tsx', 'jsx', 'vue', 'html', 'php', 'json', 'ini', 'bash', 'sh', 'http', 'css', 'text']);
  assert.ok(ALL.length >= 60, `found ${ALL.length} blocks: the extraction broke`);
  assert.deepEqual(ALL.filter((b) => !known.has(b.lang)).map((b) => `${b.where}: "${b.lang}"`), []);
});

test(`the blocks marked as fragments are few (at most ${MAX_FRAGMENTS}) and each says why`, (t) => {
  const fragments = ALL.filter((b) => b.fragment !== undefined);
  for (const b of fragments) t.diagnostic(`fragment ${b.where} (${b.lang}): ${b.fragment}`);
  /** @type {Map<string, number>} */
  const byKind = new Map();
  for (const b of checked) byKind.set(kind(b.lang), (byKind.get(kind(b.lang)) ?? 0) + 1);
  const counts = [...byKind].map(([k, n]) => `${k} ${n}`);
  t.diagnostic(`${ALL.length} blocks: ${counts.join(', ')}, ${fragments.length} fragments`);
  assert.ok(fragments.length <= MAX_FRAGMENTS, `${fragments.length} fragments`);
  assert.deepEqual(fragments.filter((b) => !b.fragment).map((b) => b.where), [], 'a fragment without a reason');
});

// ------------------------------------------------------------------------------- TypeScript and JavaScript

/** What the guides leave to the shop, declared once for every block (a block defining one shadows it). */
const SHOP_DECLARATIONS = `import type { KpgServer, KpgServerOptions, ShinhanOptions, SmartroOptions } from 'kpg-checkout/server';
declare global {
  /** An instance made as in docs/server.md (kpg.js). */
  const kpg: KpgServer;
  /** \`createKpgServer({ ...options, more })\`: the rest of a shop's options, as kpg.js in docs/server.md sets them. */
  const options: KpgServerOptions;
  /** A shop's PG credentials (\`{ ...credentials, pgcodes }\`), as kpg.js reads them from the environment. */
  const credentials: ShinhanOptions & SmartroOptions;
  /** The Smartro options of kpg.js. */
  const smartroOptions: SmartroOptions;
  /** The shop's own database: its orders, and the events it has handled (docs/server.md's kpg.js). */
  const db: {
    orders: { find(id: string): Promise<{ total: number, title: string, userId: string, userName: string, tel: string, email: string, ci: string } | undefined> };
    transaction<T>(work: (tx: { handledEvents: { insertIfNew(id: string): Promise<boolean> }, orders: { ship(orderId: string, how: { tid: string }): Promise<void> } }) => Promise<T>): Promise<T>;
  };
  /** The shop's login: the user of a request's cookie. */
  function sessionUser(cookie: string | null): Promise<{ id: string, name: string, isStaff: boolean } | undefined>;
  /** The shop's admin login: the admin of a request's cookie. */
  function adminUser(cookie: string | null): Promise<{ login: string } | undefined>;
}
export {};
`;

const SCRIPT_KINDS = new Set(['js', 'mjs', 'cjs', 'ts', 'tsx', 'jsx']);

/** The file name a block gives itself on its first line (`// kpg.js: ...`), if any. @param {string} code */
const ownName = (code) => /^\/\/ ([\w.-]+\.(?:m?[jt]sx?|cjs))\b/.exec(code)?.[1];

test('every js / ts / tsx block (and a vue block\'s script) type-checks against the built package', (t) => {
  assert.ok(existsSync(join(ROOT, 'dist/server/index.d.ts')), 'run node scripts/build.mjs first');
  const scratch = mkdtempSync(join(ROOT, 'test/node/.docs-code-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));
  mkdirSync(join(scratch, 'node_modules'));
  symlinkSync(ROOT, join(scratch, 'node_modules/kpg-checkout'), 'dir');
  writeFileSync(join(scratch, 'shop.d.mts'), SHOP_DECLARATIONS); // .mts: never a test/**/*.ts of the project's own tsconfig
  /** @type {Map<string, string>} file in the scratch folder -> where the block is */
  const origin = new Map();
  const scripts = checked.filter((b) => SCRIPT_KINDS.has(b.lang) || b.lang === 'vue');
  const dirOf = (/** @type {typeof checked[number]} */ b) => `b${String(scripts.indexOf(b)).padStart(2, '0')}`;
  for (const b of scripts) {
    const dir = dirOf(b);
    mkdirSync(join(scratch, dir));
    let code = b.code;
    let name = ownName(code) ?? `block.${b.lang === 'ts' ? 'mts' : b.lang}`;
    if (b.lang === 'vue') {
      const script = /<script setup lang="ts">\n([\s\S]*?)<\/script>/.exec(code);
      assert.ok(script, `${b.where}: a vue block has a <script setup lang="ts">`);
      code = script[1];
      name = 'component.mts';
    }
    writeFileSync(join(scratch, dir, name), code);
    origin.set(`${dir}/${name}`, b.where);
    // A block importing a sibling file (`./kpg.js`) gets the block of the same guide that names itself so.
    for (const m of code.matchAll(/from '\.\/([\w.-]+)'/g)) {
      const sibling = scripts.find((s) => s.file === b.file && ownName(s.code) === m[1]);
      assert.ok(sibling, `${b.where}: imports ./${m[1]}, which no block of ${b.file} is`);
      writeFileSync(join(scratch, dir, m[1]), `export * from '../${dirOf(sibling)}/${m[1]}';\n`);
    }
  }
  // Next.js's `@/lib/kpg`: the guide's kpg.js, where a Next.js project keeps it.
  const kpgJs = scripts.find((s) => s.file === 'docs/server.md' && ownName(s.code) === 'kpg.js');
  assert.ok(kpgJs, 'docs/server.md has its kpg.js');
  mkdirSync(join(scratch, 'lib'));
  writeFileSync(join(scratch, 'lib/kpg.js'), `export * from '../${dirOf(kpgJs)}/kpg.js';\n`);
  const compilerOptions = {
    target: 'ES2022',
    module: 'preserve',
    moduleResolution: 'bundler',
    lib: ['ES2023', 'DOM', 'DOM.Iterable'],
    types: ['node', 'jquery'],
    typeRoots: [join(ROOT, 'node_modules/@types')],
    allowJs: true,
    checkJs: true,
    strict: true,
    noImplicitAny: false,
    jsx: 'react-jsx',
    moduleDetection: 'force',
    skipLibCheck: true,
    noEmit: true,
    paths: { '@/lib/*': ['./lib/*'] },
  };
  // Two programs: TypeScript strictly; JavaScript (what runs untyped in a shop) without strictNullChecks,
  // so `process.env.X` (string | undefined) passes where the options want a string, as it does at run time.
  writeFileSync(join(scratch, 'tsconfig.ts.json'), JSON.stringify({ compilerOptions, include: ['shop.d.mts', '*/*.mts', '*/*.tsx'] }));
  writeFileSync(join(scratch, 'tsconfig.js.json'), JSON.stringify({ compilerOptions: { ...compilerOptions, strictNullChecks: false }, include: ['shop.d.mts', '*/*.js', '*/*.mjs', '*/*.cjs'] }));
  t.diagnostic(`${scripts.length} blocks type-checked: ${scripts.filter((b) => !/^(js|mjs|cjs)$/.test(b.lang)).length} as TypeScript (strict), the rest as JavaScript (strict but for null checks)`);
  /** @type {string[]} */
  const errors = [];
  for (const config of ['tsconfig.ts.json', 'tsconfig.js.json']) {
    let out = '';
    try {
      execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(scratch, config), '--pretty', 'false'], { encoding: 'utf8', cwd: scratch });
    } catch (e) {
      out = /** @type {{ stdout: string }} */ (e).stdout;
      assert.ok(out, String(e));
    }
    // Each error, named by the guide and block it came from.
    for (const l of out.split('\n').filter((l) => /error TS\d+/.test(l))) errors.push(`${origin.get(/^([^(]+)\(/.exec(l)?.[1] ?? '') ?? '?'}: ${l}`);
  }
  assert.deepEqual(errors, []);
});

test('a node program whose every console.log says what it prints (`// 3.1.0 29 paths`) prints that, run as pasted', () => {
  const scratch = mkdtempSync(join(ROOT, 'test/node/.docs-code-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));
  mkdirSync(join(scratch, 'node_modules'));
  symlinkSync(ROOT, join(scratch, 'node_modules/kpg-checkout'), 'dir');
  const programs = checked.filter((b) => {
    const logs = b.code.split('\n').filter((l) => /^console\.log\(/.test(l));
    return /^(js|mjs)$/.test(b.lang) && /^import .* from 'node:/m.test(b.code) && logs.length > 0 && logs.every((l) => /\); \/\/ \S/.test(l));
  });
  assert.ok(programs.length >= 1, 'docs/server.md\'s openapi program is one');
  for (const b of programs) {
    const file = join(scratch, `${programs.indexOf(b)}.mjs`);
    writeFileSync(file, b.code);
    const said = b.code.split('\n').filter((l) => /^console\.log\(/.test(l)).map((l) => l.replace(/^.*\); \/\/ /, ''));
    const printed = execFileSync(process.execPath, [file], { encoding: 'utf8', cwd: scratch, timeout: 60_000 }).trimEnd().split('\n');
    assert.deepEqual(printed, said, b.where);
  }
});

// --------------------------------------------------------------------------------------------------- html

/** Every element kpg-checkout defines, with its declared attributes (dist/custom-elements.json). */
function manifest() {
  const cem = JSON.parse(readFileSync(join(ROOT, 'dist/custom-elements.json'), 'utf8'));
  /** @type {Map<string, Set<string>>} */
  const tags = new Map();
  /** @type {Set<string>} */
  const cssProperties = new Set();
  for (const m of cem.modules)
    for (const d of m.declarations ?? []) {
      if (d.tagName) tags.set(d.tagName, new Set((d.attributes ?? []).map((/** @type {{ name: string }} */ a) => a.name)));
      for (const p of d.cssProperties ?? []) cssProperties.add(p.name);
    }
  return { tags, cssProperties };
}
const GLOBAL_ATTRIBUTES = /^(id|class|style|hidden|slot|title|dir|tabindex|role|inert|part|is|aria-.+|data-.+|on.+)$/;

test('every html block parses, and its <kpg-*> elements, their attributes and its script files exist', () => {
  const { tags } = manifest();
  /** @type {string[]} */
  const problems = [];
  const blocks = [...ofKind('html'), ...ofKind('vue')];
  assert.ok(blocks.length >= 8);
  for (const b of blocks) {
    let html = b.lang === 'php' ? b.code.replace(/<\?=?[\s\S]*?\?>/g, 'x') : b.code;
    if (b.lang === 'vue') html = /<template>([\s\S]*)<\/template>/.exec(html)?.[1] ?? '';
    /** @type {string[]} */
    const errors = [];
    const onParseError = (/** @type {{ code: string, startLine: number }} */ e) => void errors.push(`${e.code} (line ${e.startLine})`);
    const isDocument = /^\s*(<!--[\s\S]*?-->\s*)*<!doctype/i.test(html);
    const options = /** @type {any} */ ({ onParseError }); // parse5 6 reports parse errors through it
    const tree = isDocument ? parse(html, options) : parseFragment(html, options);
    // A vue template's self-closed custom element is Vue's, not HTML's.
    for (const e of errors) if (!(b.lang === 'vue' && e.startsWith('non-void-html-element-start-tag-with-trailing-solidus'))) problems.push(`${b.where}: parse error ${e}`);
    /** @param {any} node */
    const walk = (node) => {
      if (node.tagName?.startsWith('kpg-')) {
        const declared = tags.get(node.tagName);
        if (!declared) problems.push(`${b.where}: <${node.tagName}> is not an element of dist/custom-elements.json`);
        for (const { name } of node.attrs) {
          const attr = b.lang === 'vue' ? name.replace(/^:/, '') : name;
          if (b.lang === 'vue' && (attr.startsWith('@') || attr.startsWith('v-'))) continue;
          if (declared && !declared.has(attr) && !GLOBAL_ATTRIBUTES.test(attr) && attr !== '...') problems.push(`${b.where}: <${node.tagName} ${attr}> is not a declared attribute`);
        }
      }
      if (node.tagName === 'script') {
        const src = node.attrs.find((/** @type {{ name: string }} */ a) => a.name === 'src')?.value;
        if (src) {
          if (!existsSync(join(ROOT, 'dist', posix.basename(src)))) problems.push(`${b.where}: <script src="${src}">: no dist/${posix.basename(src)}`);
        } else {
          const code = node.childNodes.map((/** @type {{ value?: string }} */ c) => c.value ?? '').join('');
          try {
            new vm.Script(code);
          } catch (e) {
            problems.push(`${b.where}: inline script: ${/** @type {Error} */ (e).message}`);
          }
        }
      }
      for (const child of node.content?.childNodes ?? node.childNodes ?? []) walk(child);
    };
    walk(tree);
  }
  assert.deepEqual(problems, []);
});

// ------------------------------------------------------------------------------ json, ini, http, css, bash

test('every json block parses', () => {
  for (const b of ofKind('json')) assert.doesNotThrow(() => JSON.parse(b.code), b.where);
});

test('every ini block is KEY=VALUE lines, each key one optionsFromEnv() reads', () => {
  const env = readFileSync(join(ROOT, 'dist/server/env.js'), 'utf8');
  for (const b of ofKind('ini'))
    for (const line of b.code.split('\n').filter((l) => l && !l.startsWith('#'))) {
      const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
      assert.ok(m, `${b.where}: "${line}" is not KEY=VALUE`);
      assert.match(env, new RegExp(`\\b${m[1]}\\b`), `${b.where}: optionsFromEnv() does not read ${m[1]}`);
    }
});

test('every http block is a request line or header lines', () => {
  for (const b of ofKind('http')) {
    const [head] = b.code.split('\n\n');
    head.split('\n').forEach((line, i) => {
      if (i === 0 && /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \/\S* HTTP\/1\.1$/.test(line)) return;
      if (/^\s/.test(line) && i > 0) return; // a folded continuation
      assert.match(line, /^[A-Za-z][A-Za-z0-9-]*: \S/, `${b.where}: "${line}"`);
    });
  }
});

test('every css block has balanced braces and only documented --kpg-* properties', () => {
  const { cssProperties } = manifest();
  for (const b of ofKind('css')) {
    assert.equal((b.code.match(/\{/g) ?? []).length, (b.code.match(/\}/g) ?? []).length, b.where);
    for (const [name] of b.code.matchAll(/--kpg-[\w-]+/g)) assert.ok(cssProperties.has(name), `${b.where}: ${name} is not in custom-elements.json`);
  }
});

test('every bash block names npm scripts, bins and commands that exist, and repository paths that exist', () => {
  const cli = readFileSync(join(ROOT, 'dist/server/cli.js'), 'utf8');
  const sandboxCli = readFileSync(join(ROOT, pkg.bin['kpg-checkout']), 'utf8');
  /** @type {string[]} */
  const problems = [];
  const blocks = ofKind('bash');
  assert.ok(blocks.length >= 8);
  for (const b of blocks)
    for (const raw of b.code.split('\n')) {
      const line = raw.replace(/(^|\s)#.*$/, '');
      for (const m of line.matchAll(/\bnpm (?:run(?:-script)?\s+([\w:.-]+)|(start|test)\b)/g)) {
        const script = m[1] ?? m[2];
        if (!pkg.scripts[script]) problems.push(`${b.where}: npm run ${script}: no such script in package.json`);
      }
      for (const m of line.matchAll(/\bnpx (kpg-checkout(?:-server)?)(?:\s+([a-z][\w-]*))?/g)) {
        if (!pkg.bin[m[1]]) problems.push(`${b.where}: npx ${m[1]}: no such bin in package.json`);
        else if (m[2] && !(m[1] === 'kpg-checkout' ? sandboxCli : cli).includes(`'${m[2]}'`)) problems.push(`${b.where}: ${m[1]} has no command ${m[2]}`);
      }
      for (const [path] of line.matchAll(/(?<![\w./-])(?:src|test|scripts|demo|docs|dist)\/[\w./\[\]-]*[\w\]]/g))
        if (!existsSync(join(ROOT, path))) problems.push(`${b.where}: ${path} does not exist`);
    }
  assert.deepEqual(problems, []);
});

test('the project layout of docs/architecture.md names files and folders that exist', () => {
  const layout = checked.filter((b) => b.file === 'docs/architecture.md' && b.lang === 'text');
  assert.ok(layout.length >= 1, 'docs/architecture.md has its layout block');
  /** @type {string[]} */
  const missing = [];
  let count = 0;
  for (const b of layout) {
    let folder = '';
    for (const line of b.code.split('\n')) {
      // `src/a.ts, b.ts   what they are` (b.ts beside a.ts), or `  c.ts   what it is` inside the folder above.
      const m = /^( *)(\S.*?)(?: {2,}|$)/.exec(line);
      if (!m || (m[1].length > 0 && m[1].length > 2)) continue;
      const names = m[2].split(', ');
      if (!names.every((n) => /^[\w.*/-]+$/.test(n))) continue;
      const base = m[1] ? folder : posix.dirname(names[0].replace(/\/$/, '/x'));
      if (!m[1] && names[0].endsWith('/')) folder = names[0];
      names.forEach((n, i) => {
        const path = m[1] ? posix.join(folder, n) : i === 0 ? n : posix.join(base, n);
        if (path.includes('*')) return;
        count++;
        if (!existsSync(join(ROOT, path))) missing.push(`${b.where}: ${path}`);
      });
    }
  }
  assert.ok(count >= 40, `found ${count} paths: the extraction broke`);
  assert.deepEqual(missing, []);
});

// ------------------------------------------------------------------------------------------ the figures

test('the byte figures of docs/size-and-speed.md are what the build weighs (node scripts/docs-sizes.mjs)', () => {
  const inGuide = tableIn(readFileSync(SIZES_GUIDE, 'utf8'));
  assert.ok(inGuide, 'docs/size-and-speed.md has its generated table');
  assert.equal(inGuide, sizesTable(), 'docs/size-and-speed.md: run node scripts/docs-sizes.mjs --write after the build');
});

test('no guide but docs/size-and-speed.md gives a byte figure of the script files: they link there', () => {
  /** @type {string[]} */
  const found = [];
  for (const file of GUIDES.filter((f) => f !== 'docs/size-and-speed.md'))
    readFileSync(join(ROOT, file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (/kpg-(checkout|shinhan|smartro|return|admin)[\w.]*\.js|first stage|second stage/.test(line) && /\b\d+(\.\d+)? ?KB\b|\b\d{1,3}(,\d{3})* B\b/.test(line)) found.push(`${file}:${i + 1}: ${line}`);
      });
  assert.deepEqual(found, []);
});

// ---------------------------------------------------------------------------------------- links, anchors

/**
 * GitHub's anchor for a heading: its text as rendered (code spans and links reduced to their text),
 * lower-cased, punctuation dropped (letters, marks, numbers, `_`, `-` and spaces stay), spaces to `-`.
 * @param {string} heading
 */
export function slug(heading) {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a Markdown file: its headings' slugs (a repeated one gets -1, -2 ...) and explicit ids. @param {string} text */
export function anchorsOf(text) {
  const anchors = new Set();
  /** @type {Map<string, number>} */
  const seen = new Map();
  let fence = false;
  for (const line of text.split('\n')) {
    if (/^```/.test(line)) fence = !fence;
    if (fence) continue;
    const h = /^#{1,6} (.*)$/.exec(line);
    if (h) {
      const base = slug(h[1].trim());
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      anchors.add(n ? `${base}-${n}` : base);
    }
    for (const m of line.matchAll(/<a (?:id|name)="([^"]+)"/g)) anchors.add(m[1]);
  }
  return anchors;
}

/** The links of a Markdown file outside code (fenced blocks and code spans): [text](target), src=, href=. @param {string} text */
export function linksOf(text) {
  const prose = text.replace(/^(`{3,}).*\n[\s\S]*?^\1$/gm, '').replace(/`[^`]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)|\b(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? m[2]);
}

test('every relative link and #anchor of README.md and docs/*.md resolves (GitHub\'s anchor rules)', () => {
  /** @type {string[]} */
  const broken = [];
  let count = 0;
  for (const file of GUIDES) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const link of linksOf(text)) {
      if (/^[a-z]+:/i.test(link)) continue;
      count++;
      const [path, anchor] = link.split('#');
      const target = path ? posix.normalize(posix.join(posix.dirname(file), path)) : file;
      if (!existsSync(join(ROOT, target))) {
        broken.push(`${file}: ${link}: no ${target}`);
        continue;
      }
      if (anchor !== undefined && !anchorsOf(readFileSync(join(ROOT, target), 'utf8')).has(decodeURIComponent(anchor))) broken.push(`${file}: ${link}: no #${anchor} in ${target}`);
    }
  }
  assert.ok(count >= 50, `found ${count} links: the extraction broke`);
  assert.deepEqual(broken, []);
});

test('GitHub\'s anchors, as this test computes them', () => {
  assert.equal(slug("The PG's terms, the buyer's consent, `user_ci`, contact and escrow"), 'the-pgs-terms-the-buyers-consent-user_ci-contact-and-escrow');
  assert.equal(slug('The server: `kpg-checkout/server`'), 'the-server-kpg-checkoutserver');
  assert.equal(slug('Cancels and refunds (결제취소)'), 'cancels-and-refunds-결제취소');
  assert.equal(slug('Frameworks: React 19, Vue 3, Next.js, jQuery'), 'frameworks-react-19-vue-3-nextjs-jquery');
  assert.deepEqual([...anchorsOf('# A\n## A\n```\n# not a heading\n```\n## A')], ['a', 'a-1', 'a-2']);
});
