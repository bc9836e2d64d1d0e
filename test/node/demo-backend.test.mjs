// @ts-check
/**
 * The demo shop's server side (demo/servers.mjs, demo/backend/, demo/shop.mjs) as `npm start` and the browser
 * tests run it: orders bound to a signed buyer cookie, authorize() checking it (issue 10, fault 5), the staff
 * routes, on the built kpg-checkout/server.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { demoServers } from '../../demo/servers.mjs';
import { closeServer, listen } from './server-helpers.mjs';

test('demo: each order belongs to the browser that made it (signed HttpOnly SameSite=Lax cookie); anyone else gets 403', async (t) => {
  const server = http.createServer();
  const base = await listen(server);
  t.after(() => closeServer(server));
  const servers = await demoServers({ publicBaseUrl: base, shinhanPort: 0, smartroPort: 0, returnScriptFrom: 'dist' });
  t.after(() => servers.close());
  server.on('request', (req, res) => servers.backend(req, res, () => ((res.statusCode = 404), res.end('next'))));

  const order = async (/** @type {string | undefined} */ cookie) => {
    const res = await fetch(`${base}/api/demo/orders`, { method: 'POST', headers: cookie ? { cookie } : {}, body: JSON.stringify({ product_id: 'p2' }) });
    return { res, json: await res.json() };
  };
  const alice = await order(undefined);
  const setCookie = alice.res.headers.get('set-cookie') ?? '';
  assert.match(setCookie, /^kpg_demo_buyer=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Lax$/);
  const cookie = setCookie.split(';')[0];
  assert.deepEqual(alice.json.amount, 55000);
  const again = await order(cookie);
  assert.equal(again.res.headers.get('set-cookie'), null, 'the same buyer keeps its cookie');

  const session = (/** @type {string} */ orderId, /** @type {string | undefined} */ c) =>
    fetch(`${base}/api/kpg/session`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...(c ? { cookie: c } : {}) }, body: JSON.stringify({ provider: 'smartro', order_id: orderId, device_type: 2 }) });
  const mine = await session(alice.json.order_id, cookie);
  assert.equal(mine.status, 200);
  const form = (await mine.json()).fields;
  assert.equal(form.BuyerName, '홍길동');

  const bob = (await order(undefined)).res.headers.get('set-cookie')?.split(';')[0];
  const [value, mac] = cookie.split('=')[1].split('.');
  for (const other of [undefined, bob, `kpg_demo_buyer=${value}.${mac.slice(0, -2)}xx`, `kpg_demo_buyer=${value}`]) {
    const r = await session(again.json.order_id, other);
    assert.equal(r.status, 403, String(other));
    assert.ok(!(await r.text()).includes('홍길동'));
  }
  const result = await fetch(`${base}/api/kpg/result?order_no=${form.Moid}`, { headers: { cookie: /** @type {string} */ (bob) } });
  assert.equal(result.status, 403);

  const report = await (await fetch(`${base}/api/demo/reconcile`, { method: 'POST' })).json();
  assert.equal(report.ran, true);
  assert.deepEqual(await (await fetch(`${base}/api/demo/refunds`)).json(), []);
  assert.equal(servers.config.engine, 'pglite');
});
