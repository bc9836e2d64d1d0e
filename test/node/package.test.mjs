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
  for (const file of ['dist/kpg-checkout.js', 'dist/kpg-return.js', ...files('dist/esm')]) {
    const text = readFileSync(file, 'utf8');
    for (const marker of ['createKpgServer', 'kpg_attempts', 'pg_advisory_lock', '@electric-sql/pglite', 'payments/confirm', 'hono']) {
      assert.ok(!text.includes(marker), `${file} contains server code (${marker})`);
    }
  }
});
