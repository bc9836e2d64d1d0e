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

/**
 * Bundle `imports` as a shop's bundler does (Vite, browser conditions, minified), from the package's ESM
 * build and its `sideEffects`, and return the code.
 * @param {string[]} imports
 */
async function bundle(imports) {
  const { build } = await import('vite');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const { resolve } = await import('node:path');
  const dir = resolve('node_modules/.cache/kpg-treeshake');
  mkdirSync(dir, { recursive: true });
  const entry = resolve(dir, `app-${imports.length}-${imports.join('-').replace(/\W+/g, '_')}.js`);
  writeFileSync(entry, imports.map((i) => `import ${JSON.stringify(i)};`).join('\n'));
  const out = /** @type {any} */ (
    await build({
      configFile: false,
      logLevel: 'silent',
      root: resolve('.'),
      build: { write: false, target: 'es2022', lib: { entry, formats: ['es'], fileName: 'app' } },
    })
  );
  return (Array.isArray(out) ? out[0] : out).output[0].code;
}

/** Strings only one part's code contains. */
const MARKERS = {
  smartro: ['smilepay.co.kr', 'payWindow', 'MallResultFWD', 'EncryptData'],
  shinhan: ['ShinhanBizPay', 'unifiedPay'],
  picker: ['istl_psbl_amt', 'card_cpny_name'],
  receipt: ['kpgReceipt', 'receipt-url'],
  slip: ['cashReceiptTid'],
};

test('a bundler keeps only what a shop imports: kpg-checkout/checkout + kpg-checkout/shinhan has no Smartro, picker or receipt code', async () => {
  const code = await bundle(['kpg-checkout/checkout', 'kpg-checkout/shinhan']);
  for (const marker of MARKERS.shinhan) assert.ok(code.includes(marker), `Shinhan's ${marker} missing`);
  assert.ok(code.includes('customElements'), 'nothing defined');
  for (const part of /** @type {const} */ (['smartro', 'picker', 'receipt', 'slip'])) {
    for (const marker of MARKERS[part]) assert.ok(!code.includes(marker), `${part}'s ${marker} was bundled`);
  }
});

test('... and kpg-checkout/checkout + receipt + smartro has no Shinhan or picker code; import "kpg-checkout" has everything', async () => {
  const smartro = await bundle(['kpg-checkout/checkout', 'kpg-checkout/receipt', 'kpg-checkout/smartro']);
  for (const marker of [...MARKERS.smartro, ...MARKERS.receipt, ...MARKERS.slip]) assert.ok(smartro.includes(marker), `${marker} missing`);
  for (const marker of [...MARKERS.shinhan, ...MARKERS.picker]) assert.ok(!smartro.includes(marker), `${marker} was bundled`);
  // Control: the whole package.
  const all = await bundle(['kpg-checkout']);
  for (const marker of Object.values(MARKERS).flat()) assert.ok(all.includes(marker), `import "kpg-checkout" lacks ${marker}`);
});
