// @ts-check
// The React JSX and Vue GlobalComponents declarations (src/frameworks/attributes.ts, shipped as
// kpg-checkout/react and kpg-checkout/vue) stay in step with dist/custom-elements.json: every attribute
// and event the manifest documents for a tag is typed for it, and nothing typed is missing from it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const manifest = JSON.parse(readFileSync('dist/custom-elements.json', 'utf8'));
const source = readFileSync('src/frameworks/attributes.ts', 'utf8');

/** The keys of `interface name { ... }` (and of Colors when it extends it). */
function keys(/** @type {string} */ name) {
  const match = new RegExp(`export interface ${name}(?: extends (\\w+))? \\{([\\s\\S]*?)\\n\\}`).exec(source);
  assert.ok(match, `interface ${name} not found in src/frameworks/attributes.ts`);
  const own = [...match[2].matchAll(/^\s*'?([\w-]+)'?\??:/gm)].map((m) => m[1]);
  if (match[1] === 'Colors') {
    const colors = /type Colors = \{([\s\S]*?)\n\};/.exec(source);
    own.push(...[...(colors?.[1] ?? '').matchAll(/^\s*'?([\w-]+)'?\??:/gm)].map((m) => m[1]));
  }
  return own.sort();
}

/** The manifest's declaration of `tag`. */
function declaration(/** @type {string} */ tag) {
  for (const mod of manifest.modules) for (const d of mod.declarations ?? []) if (d.tagName === tag) return d;
  throw new Error(`${tag} is not in custom-elements.json`);
}

for (const [tag, type] of [
  ['kpg-checkout', 'KpgCheckout'],
  ['kpg-card-picker', 'KpgCardPicker'],
  ['kpg-receipt', 'KpgReceipt'],
]) {
  test(`<${tag}>: the framework types list exactly the attributes and events of custom-elements.json`, () => {
    const d = declaration(tag);
    const attributes = (d.attributes ?? []).map((/** @type {{name: string}} */ a) => a.name).sort();
    assert.deepEqual(keys(`${type}Attributes`), attributes);
    const events = (d.events ?? []).map((/** @type {{name: string}} */ e) => e.name).sort();
    assert.ok(events.length > 0);
    assert.deepEqual(keys(`${type}Events`), events);
  });
}

test('<kpg-checkout> documents its custom states for :state() in custom-elements.json', () => {
  const states = (declaration('kpg-checkout').cssStates ?? []).map((/** @type {{name: string}} */ s) => s.name);
  assert.deepEqual(states, ['idle', 'busy', 'continue', 'paid', 'failed', 'cancelled', 'error', 'awaiting-deposit', 'refunded']);
});
