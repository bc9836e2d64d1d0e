// @ts-check
// The developer messages' one table (src/messages.ts): docs/errors.md is generated from it and current,
// every message the sources say is in it with what to fix, every kpg-error code has its lines, and the
// built files carry the sentences only in the development build (run after the build).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { errorsDoc, loadMessages, template } from '../../scripts/errors-doc.mjs';

const { TEXTS, FIXES } = await loadMessages();

/** Every .ts file of the widget (the server and the staff console have their own errors). */
function sources(dir = 'src') {
  /** @type {string[]} */
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!['server', 'kpg-admin'].includes(name)) out.push(...sources(path));
    } else if (path.endsWith('.ts')) out.push(path);
  }
  return out;
}

test('docs/errors.md is what node scripts/errors-doc.mjs writes from src/messages.ts', async () => {
  assert.equal(readFileSync('docs/errors.md', 'utf8'), await errorsDoc(), 'run node scripts/errors-doc.mjs');
});

test('every message has its sentence and what to fix, and every one is said somewhere', () => {
  assert.deepEqual(Object.keys(FIXES).sort(), Object.keys(TEXTS).sort());
  for (const [id, [kind, fix]] of Object.entries(FIXES)) {
    assert.match(id, /^[a-z0-9]+(-[a-z0-9]+)*$/, `${id}: an anchor of docs/errors.md`);
    assert.ok(kind && fix.length > 20, `${id}: where it goes and what to fix`);
    assert.ok(template(TEXTS[id]).length > 10, `${id}: a sentence`);
  }
  const said = new Set();
  for (const file of sources()) {
    if (file === 'src/messages.ts') continue;
    const text = readFileSync(file, 'utf8');
    for (const [, id] of text.matchAll(/\b(?:say|tell)\('([^']+)'/g)) {
      assert.ok(id in TEXTS, `${file} says '${id}', which src/messages.ts does not have`);
      said.add(id);
    }
  }
  assert.deepEqual(Object.keys(TEXTS).filter((id) => !said.has(id)), [], 'messages no source says');
});

test('every kpg-error code has its lines in docs/errors.md', () => {
  const union = readFileSync('src/events.ts', 'utf8').match(/export type KpgErrorCode =([\s\S]*?);/)?.[1] ?? '';
  const codes = [...union.matchAll(/\| '([a-z-]+)'/g)].map((m) => m[1]);
  assert.ok(codes.length >= 15, 'the KpgErrorCode union is read');
  const kinds = Object.values(FIXES).map(([kind]) => kind);
  for (const code of codes) assert.ok(kinds.some((k) => k.split(/[ ,]+/).includes(code)), `kpg-error ${code} has no message in src/messages.ts`);
  const doc = readFileSync('docs/errors.md', 'utf8');
  for (const code of codes) assert.ok(doc.includes(`| \`${code}\` |`), `docs/errors.md lists ${code}`);
});

test('the sentences ship in the development build only; the production files say id and page', () => {
  // A message without values is its whole sentence: look for it in each built file.
  const fixed = Object.entries(TEXTS).filter(([, text]) => text.length === 0).map(([, text]) => text());
  assert.ok(fixed.length >= 8);
  const read = (/** @type {string} */ f) => readFileSync(join('dist', f), 'utf8').replace(/\\'/g, "'");
  const dev = read('kpg-checkout.dev.js');
  for (const sentence of fixed) assert.ok(dev.includes(sentence), `kpg-checkout.dev.js has: ${sentence}`);
  for (const file of ['kpg-checkout.js', 'kpg-shinhan.js', 'kpg-shinhan.stage2.js', 'kpg-smartro.js', 'kpg-smartro.stage2.js']) {
    const code = read(file);
    for (const sentence of fixed) assert.ok(!code.includes(sentence), `${file} has no sentence: ${sentence}`);
    if (!file.includes('stage2')) assert.ok(code.includes('kpg-checkout/docs/errors.md#'), `${file} points at docs/errors.md`);
  }
});
