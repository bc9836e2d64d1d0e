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
  const secrets = [
    SANDBOX_DEFAULTS.shinhan.paymentApiKey,
    SANDBOX_DEFAULTS.shinhan.searchApiKey,
    SANDBOX_DEFAULTS.smartro.merchantKey,
    SANDBOX_DEFAULTS.smartro.cancelPassword,
    // What the hashes are made of on the server: the keys above, plus nothing the browser could compute.
    Buffer.from(SANDBOX_DEFAULTS.smartro.merchantKey, 'base64').toString('utf8'),
  ];
  assert.ok(secrets.every((s) => s.length > 8));
  for (const file of [...files('dist'), ...files('src')]) {
    const text = readFileSync(file, 'utf8');
    for (const secret of secrets) assert.ok(!text.includes(secret), `${file} contains a secret`);
    assert.doesNotMatch(text, /SPGKEY [A-Za-z0-9]/, `${file} builds an SPGKEY header`);
  }
});

test('kpg-checkout/server: exported with its types and a bin; the browser bundles contain none of it', async () => {
  for (const [subpath, entry] of [['./server', 'index'], ['./server/node', 'node']]) {
    const exported = pkg.exports[subpath];
    assert.equal(exported.import, `./dist/server/${entry}.js`);
    assert.equal(exported.types, `./dist/server/${entry}.d.ts`);
    assert.ok(statSync(exported.import).isFile() && statSync(exported.types).isFile(), subpath);
  }
  assert.ok(statSync(pkg.bin['kpg-checkout-server']).mode & 0o111, 'the CLI is executable');
  assert.match(readFileSync(pkg.bin['kpg-checkout-server'], 'utf8'), /^#!\/usr\/bin\/env node/);
  assert.ok(statSync('dist/server/store/migrations/001_init.sql').isFile(), 'the migrations ship beside the store');
  const types = readFileSync('dist/server/index.d.ts', 'utf8');
  for (const name of ['createKpgServer', 'KpgServerOptions', 'KpgServer', 'toNodeHandler', 'ReconcileReport']) assert.match(types, new RegExp(name));
  // The package's own name resolves (self-reference through "exports"), as a shop's import would.
  const server = await import('kpg-checkout/server');
  assert.equal(typeof server.createKpgServer, 'function');
  assert.equal(typeof (await import('kpg-checkout/server/node')).toNodeHandler, 'function');
  // Nothing of the server in what the browser loads.
  for (const file of ['dist/kpg-checkout.js', 'dist/kpg-shinhan.js', 'dist/kpg-smartro.js', 'dist/kpg-return.js', ...files('dist/esm')]) {
    const text = readFileSync(file, 'utf8');
    for (const marker of ['createKpgServer', 'kpg_attempts', 'pg_advisory_lock', '@electric-sql/pglite', 'payments/confirm', 'hono']) {
      assert.ok(!text.includes(marker), `${file} contains server code (${marker})`);
    }
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
  // Per process: a second npm test in this checkout writes its own entry, never one this run is reading.
  const entry = resolve(dir, `app-${process.pid}-${imports.length}-${imports.join('-').replace(/\W+/g, '_')}.js`);
  writeFileSync(entry, imports.map((i) => `import ${JSON.stringify(i)};`).join('\n'));
  const out = /** @type {any} */ (
    await build({
      configFile: false,
      logLevel: 'silent',
      root: resolve('.'),
      build: { write: false, target: 'es2022', lib: { entry, formats: ['es'], fileName: 'app' } },
    })
  );
  (await import('node:fs')).rmSync(entry, { force: true });
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

test("require('kpg-checkout/server') from CommonJS: the ES module itself, through require(esm) (Node ^20.19 / >=22.12)", async () => {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  for (const subpath of ['./server', './server/node']) {
    assert.equal(pkg.exports[subpath].require, pkg.exports[subpath].import, `${subpath}: one module for import and require (no second copy)`);
  }
  // require(esm) refuses a module graph with a top-level await (ERR_REQUIRE_ASYNC_MODULE): the server's must
  // stay without one (PGlite, pg and hono are loaded when used, never at the top).
  const server = require('kpg-checkout/server');
  assert.equal(typeof server.createKpgServer, 'function');
  assert.equal(server, await import('kpg-checkout/server'), 'the same module instance for require and import');
  assert.equal(typeof require('kpg-checkout/server/node').toNodeHandler, 'function');
  assert.equal(pkg.engines.node, '^20.19.0 || >=22.12.0', 'the Node versions whose require() loads ES modules without a flag');
});
