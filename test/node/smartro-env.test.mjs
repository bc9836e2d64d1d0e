// @ts-check
// smartro.env ('test' | 'real') chooses Smartro's documented hosts, so a shop with a test MID never posts to
// production by copying an example; an explicit URL overrides its own host only (a sandbox, a proxy).
// Hosts: smartro-weblink-guide.txt 3.3 and smartro-receipt.txt (the form paths from Smartro's sample code).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SMARTRO_HOSTS, createKpgServer, optionsFromEnv } from '../../dist/server/index.js';
import { createSmartroProvider } from '../../dist/server/providers/smartro.js';
import { testClock } from './clock.mjs';
import { SANDBOX_SMARTRO, sandboxes, shopOrders, startServer } from './server-helpers.mjs';

const DOCUMENTED = {
  test: { pcAction: 'https://tpay.smilepay.co.kr/interfaceURL.jsp', mobileAction: 'https://tspay.smilepay.co.kr/pay/interfaceURL', apiBase: 'https://tapi.smilepay.co.kr/' },
  real: { pcAction: 'https://pay.smilepay.co.kr/interfaceURL.jsp', mobileAction: 'https://smpay.smilepay.co.kr/pay/interfaceURL', apiBase: 'https://api.smilepay.co.kr/' },
};

test('SMARTRO_HOSTS are the documented hosts, test and real', () => {
  assert.deepEqual(JSON.parse(JSON.stringify(SMARTRO_HOSTS)), DOCUMENTED);
});

/**
 * The form action a PC and a mobile session answer with, for these Smartro options.
 * @param {import('node:test').TestContext} t @param {Record<string, unknown>} smartro
 */
async function actions(t, smartro) {
  const shop = shopOrders();
  // An in-memory PGlite of its own (options.database wins over the store argument).
  const server = await startServer(t, /** @type {any} */ (undefined), {
    database: { memory: true },
    smartro: { ...SANDBOX_SMARTRO, ...smartro },
    loadOrder: shop.loadOrder,
    authorize: shop.authorize,
  });
  /** @param {1 | 2} device_type */
  const action = async (device_type) => {
    const r = await server.postJson('/api/kpg/session', { provider: 'smartro', order_id: shop.add().order_id, device_type });
    assert.equal(r.status, 200, r.text);
    return r.json.action;
  };
  return { pc: await action(2), mobile: await action(1) };
}

test("env: 'test' posts the buyer's form to Smartro's test hosts, env: 'real' to production", async (t) => {
  assert.deepEqual(await actions(t, { env: 'test' }), { pc: DOCUMENTED.test.pcAction, mobile: DOCUMENTED.test.mobileAction });
  assert.deepEqual(await actions(t, { env: 'real' }), { pc: DOCUMENTED.real.pcAction, mobile: DOCUMENTED.real.mobileAction });
});

test('an explicit URL overrides its own host only; without env all three URLs are still accepted', async (t) => {
  const { options } = await sandboxes(t);
  assert.deepEqual(await actions(t, { env: 'test', pcAction: options.smartro.pcAction }), { pc: options.smartro.pcAction, mobile: DOCUMENTED.test.mobileAction });
  assert.deepEqual(await actions(t, { pcAction: options.smartro.pcAction, mobileAction: options.smartro.mobileAction, apiBase: options.smartro.apiBase }), {
    pc: options.smartro.pcAction,
    mobile: options.smartro.mobileAction,
  });
});

test("the receipt API (server to server, with the MerchantKey) is asked at the env's host: tapi for test, api for real", async (t) => {
  /** @type {string[]} */
  const asked = [];
  const realFetch = globalThis.fetch;
  // Record where the provider sends its call and answer as an unreachable host would: no request leaves.
  globalThis.fetch = /** @type {typeof fetch} */ (async (url) => {
    asked.push(String(url));
    throw new TypeError('fetch failed');
  });
  t.after(() => {
    globalThis.fetch = realFetch;
  });
  const tid = `${SANDBOX_SMARTRO.mid}01012612051200001234`;
  for (const [env, apiBase] of /** @type {const} */ ([['test', DOCUMENTED.test.apiBase], ['real', DOCUMENTED.real.apiBase], ['real', 'http://127.0.0.1:9/']])) {
    const override = apiBase.startsWith('http://') ? { apiBase } : {};
    const provider = createSmartroProvider({ ...SANDBOX_SMARTRO, env, ...override }, { timeoutMs: 1000, now: testClock().date });
    const answer = await provider.receipt(tid);
    assert.equal(answer.ok, false);
    assert.equal(asked.pop(), `${apiBase}receipt`);
  }
  // An apiBase given without its last slash is the same base: the call goes to .../receipt, not ...9receipt.
  const bare = createSmartroProvider({ ...SANDBOX_SMARTRO, apiBase: 'http://127.0.0.1:9/smartro', pcAction: 'http://127.0.0.1:9/p', mobileAction: 'http://127.0.0.1:9/m' }, { timeoutMs: 1000, now: testClock().date });
  assert.equal((await bare.receipt(tid)).ok, false);
  assert.equal(asked.pop(), 'http://127.0.0.1:9/smartro/receipt');
});

test('a Smartro configuration without env and without its URLs is an error that names them and the env option', () => {
  const base = { publicBaseUrl: 'https://shop.example', database: { memory: true }, loadOrder: () => undefined, authorize: () => true };
  assert.throws(() => createKpgServer({ ...base, smartro: { ...SANDBOX_SMARTRO } }), /smartro\.pcAction, smartro\.mobileAction, smartro\.apiBase required: set smartro\.env to "test" or "real"/);
  assert.throws(() => createKpgServer({ ...base, smartro: { ...SANDBOX_SMARTRO, pcAction: 'https://x.example/' } }), /smartro\.mobileAction, smartro\.apiBase required/);
  // A URL of blanks (an environment variable set to spaces): the server's option check calls it no http(s)
  // URL; the provider module, built on its own, calls it missing, as it does one that is not there.
  const blank = { ...SANDBOX_SMARTRO, pcAction: '  ', mobileAction: 'https://x.example/m', apiBase: 'https://x.example/' };
  assert.throws(() => createKpgServer({ ...base, smartro: blank }), /^Error: kpg server: smartro\.pcAction must be an http\(s\) URL$/);
  assert.throws(() => createSmartroProvider(blank, { timeoutMs: 1000, now: testClock().date }), /^Error: kpg server: smartro\.pcAction required: set smartro\.env/);
  assert.throws(() => createKpgServer({ ...base, smartro: /** @type {any} */ ({ ...SANDBOX_SMARTRO, env: 'production' }) }), /smartro\.env must be "test" or "real"/);
  assert.throws(() => createKpgServer({ ...base, smartro: { ...SANDBOX_SMARTRO, env: 'test', apiBase: 'ftp://x.example/' } }), /smartro\.apiBase must be an http\(s\) URL/);
  // The provider module, built on its own, refuses another scheme too (its check, not only the server's).
  for (const key of ['pcAction', 'mobileAction', 'apiBase'])
    assert.throws(() => createSmartroProvider({ ...SANDBOX_SMARTRO, env: 'test', [key]: 'ftp://x.example/' }, { timeoutMs: 1000, now: testClock().date }), new RegExp(`^Error: kpg server: smartro\\.${key} must be an http\\(s\\) URL$`));
});

test('SMARTRO_ENV: MID and key suffice; each URL variable set overrides its host; a bad or lone SMARTRO_ENV is an error', () => {
  const keys = { SMARTRO_MID: SANDBOX_SMARTRO.mid, SMARTRO_MERCHANT_KEY: SANDBOX_SMARTRO.merchantKey };
  assert.deepEqual(optionsFromEnv({ ...keys, SMARTRO_ENV: 'test' }).smartro, { env: 'test', ...SANDBOX_SMARTRO });
  assert.deepEqual(optionsFromEnv({ ...keys, SMARTRO_ENV: 'real', SMARTRO_API_BASE: 'http://127.0.0.1:4011/' }).smartro, {
    env: 'real',
    ...SANDBOX_SMARTRO,
    apiBase: 'http://127.0.0.1:4011/',
  });
  assert.throws(() => optionsFromEnv({ SMARTRO_ENV: 'test' }), /SMARTRO_MID, SMARTRO_MERCHANT_KEY must be set too/);
  assert.throws(() => optionsFromEnv({ ...keys, SMARTRO_ENV: 'prod' }), /SMARTRO_ENV must be test or real/);
  // Without SMARTRO_ENV the three URLs are required, as before.
  assert.throws(() => optionsFromEnv(keys), /SMARTRO_PC_ACTION, SMARTRO_MOBILE_ACTION, SMARTRO_API_BASE must be set too/);
});
