// @ts-check
// What npm users and script-tag users receive (run after `npm run build`, as npm test does).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

/** @param {string} dir @returns {string[]} */
function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

test('package.json points at files the build wrote', () => {
  for (const path of [pkg.main, pkg.types, pkg.exports['.'].import, pkg.exports['.'].types, pkg.exports['./kpg-checkout.js']]) {
    assert.ok(statSync(path).isFile(), `${path} missing`);
  }
});

test('the .d.ts files type every event through GlobalEventHandlersEventMap', () => {
  const events = readFileSync('dist/esm/events.d.ts', 'utf8');
  assert.match(events, /'kpg-success': CustomEvent<KpgSuccessDetail>/);
  assert.match(events, /interface GlobalEventHandlersEventMap extends KpgEventMap/);
  assert.match(readFileSync('dist/esm/index.d.ts', 'utf8'), /KpgCheckout/);
});

test('no key, merchant key or hash input of the demo servers is in dist/ or src/ (nor any SPGKEY header)', async () => {
  const { SANDBOX_DEFAULTS } = await import('../../demo/backend/config.mjs');
  const config = (await import('../../demo/backend/config.mjs')).resolveConfig({});
  const secrets = [
    SANDBOX_DEFAULTS.shinhanPaymentApiKey,
    SANDBOX_DEFAULTS.shinhanSearchApiKey,
    config.smartroMerchantKey,
    // What the hashes are made of on the server: the keys above, plus nothing the browser could compute.
    Buffer.from(config.smartroMerchantKey, 'base64').toString('utf8'),
  ];
  assert.ok(secrets.every((s) => s.length > 8));
  for (const file of [...files('dist'), ...files('src')]) {
    const text = readFileSync(file, 'utf8');
    for (const secret of secrets) assert.ok(!text.includes(secret), `${file} contains a secret`);
    assert.doesNotMatch(text, /SPGKEY [A-Za-z0-9]/, `${file} builds an SPGKEY header`);
  }
});
