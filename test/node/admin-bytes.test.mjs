// @ts-check
// The staff console is never part of the buyers' files (issue 23): dist/kpg-admin.js is its own script, and
// the buyers' scripts (dist/kpg-*.js but kpg-admin.js) and ES modules (dist/esm/ outside kpg-admin/) carry
// none of its code. Run after the build, as npm test does.
//  - The module graph: no buyer module imports one of src/kpg-admin/ (dist/esm is src/ compiled file by file,
//    and the script files are bundled from the same entries).
//  - The bytes: every string and template text the console's own modules write (its words, CSS, routes, the
//    staff header...), as the build writes them (ASCII, \uXXXX escapes, whitespace squeezed), is in
//    dist/kpg-admin.js and in none of the buyers' scripts. Text a buyer module writes too, in code or comments
//    ("application/json", "입금 대기") is not the console's and is left out; at least 300 texts are checked.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { parseAst } from 'vite';

/** @param {string} dir @returns {string[]} */
function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const ESM = 'dist/esm';
const ADMIN_ESM = join(ESM, 'kpg-admin');
const adminModules = files(ADMIN_ESM).filter((f) => f.endsWith('.js'));
const buyerModules = files(ESM).filter((f) => f.endsWith('.js') && !f.startsWith(`${ADMIN_ESM}/`));
const buyerScripts = readdirSync('dist')
  .filter((f) => /^kpg-.*\.js$/.test(f) && f !== 'kpg-admin.js')
  .map((f) => join('dist', f));

/** @param {unknown} node @param {(node: any) => void} visit */
function walk(node, visit) {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach((n) => walk(n, visit));
  visit(node);
  for (const [key, value] of Object.entries(node)) if (key !== 'parent') walk(value, visit);
}

/** Relative imports and re-exports of an ES module (static and dynamic). */
function importsOf(/** @type {string} */ file) {
  /** @type {string[]} */
  const out = [];
  walk(parseAst(readFileSync(file, 'utf8')), (n) => {
    const source = n.type === 'ImportDeclaration' || n.type === 'ExportNamedDeclaration' || n.type === 'ExportAllDeclaration' || n.type === 'ImportExpression' ? n.source : null;
    if (source?.type === 'Literal' && typeof source.value === 'string' && source.value.startsWith('.')) out.push(resolve(dirname(file), source.value));
  });
  return out;
}

/** Strings and template texts a module writes, import specifiers aside. */
function textsOf(/** @type {string} */ file) {
  /** @type {string[]} */
  const out = [];
  /** @type {Set<unknown>} */
  const specifiers = new Set();
  walk(parseAst(readFileSync(file, 'utf8')), (n) => {
    if (n.source) specifiers.add(n.source);
    if (n.type === 'Literal' && typeof n.value === 'string' && !specifiers.has(n)) out.push(n.value);
    if (n.type === 'TemplateElement') out.push(n.value.cooked ?? n.value.raw);
  });
  return out;
}

/**
 * As a text appears in a shipped script: non-ASCII as \uXXXX (vite.config.ts asciiOnly), and compared without
 * whitespace (the template minifier squeezes CSS and markup), cut at quotes (a bundler may re-quote a string,
 * escaping a quote inside it) into the pieces long enough to mean something.
 */
function pieces(/** @type {string} */ text) {
  const ascii = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return ascii
    .replace(/\s+/g, '')
    .split(/["'`]+/)
    .filter((p) => p.length >= 10);
}
const squeeze = (/** @type {string} */ code) =>
  code
    .replace(/\s+/g, '')
    .replace(/\\(?=["'`])/g, '')
    .replace(/["'`]+/g, '\u0000');

test("no buyer module imports the console's (the ES modules and the scripts bundled from the same sources)", () => {
  assert.ok(adminModules.length >= 5, `only ${adminModules.length} console modules in ${ADMIN_ESM}: build first`);
  const admin = new Set(adminModules.map((f) => resolve(f)));
  /** @type {string[]} */
  const offending = [];
  for (const file of buyerModules) {
    for (const target of importsOf(file)) if (admin.has(target)) offending.push(`${file} imports ${relative('.', target)}`);
  }
  assert.deepEqual(offending, []);
});

test("none of the console's own texts (words, CSS, routes, header) is in a buyer's script, and (nearly) all of them are in dist/kpg-admin.js", () => {
  // What buyer modules write themselves, in code, strings or comments ("입금 대기", "</section>", the
  // protocol's `account_no`): shared words, not the console's bytes.
  const buyerSource = buyerModules.map((f) => squeeze(readFileSync(f, 'utf8').replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))).join('\u0000');
  const own = [...new Set(adminModules.flatMap((f) => textsOf(f).flatMap(pieces)))].filter((p) => !buyerSource.includes(p));
  assert.ok(own.length >= 300, `only ${own.length} texts to check`);
  // The comparison is the one the build makes: the console's own script carries (nearly) every one of them
  // (a text the minifier folded into another expression may not survive whole).
  const shipped = squeeze(readFileSync('dist/kpg-admin.js', 'utf8'));
  const missing = own.filter((p) => !shipped.includes(p));
  assert.ok(missing.length <= own.length * 0.05, `${missing.length} of ${own.length} texts are not in dist/kpg-admin.js either, e.g. ${missing.slice(0, 5).join(' | ')}`);
  const checked = own.filter((p) => !missing.includes(p));
  // The buyers' ES modules are the first test's (no import of the console); here, what is bundled from them.
  for (const file of buyerScripts) {
    const code = squeeze(readFileSync(file, 'utf8'));
    const found = checked.filter((p) => code.includes(p));
    assert.deepEqual(found.slice(0, 5), [], `${file} carries ${found.length} of the console's ${checked.length} texts`);
  }
  assert.ok(buyerScripts.includes('dist/kpg-checkout.js') && buyerScripts.includes('dist/kpg-shinhan.js') && buyerScripts.includes('dist/kpg-smartro.js'), `buyer scripts: ${buyerScripts}`);
});
