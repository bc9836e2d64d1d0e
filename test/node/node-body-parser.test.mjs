// @ts-check
// toNodeHandler mounted after a body parser (Express's express.json() / express.urlencoded() first): the body
// is gone, and waiting for it used to end in 408 body-timeout after bodyTimeoutMs. Now the handler answers at
// once with a 500 naming the fix, and says it once as a process warning. The parser here reads the stream as
// body-parser does (only for its content type, then next()); the scratch-shop test does it with real Express.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { createKpgServer } from '../../dist/server/index.js';
import { BODY_ALREADY_READ, toNodeHandler } from '../../dist/server/node.js';
import { closeServer, listen, sandboxes, shopOrders } from './server-helpers.mjs';

/** body-parser's way: read the whole body of a JSON request, set req.body, then call next(). */
function jsonParser(/** @type {http.IncomingMessage & { body?: unknown }} */ req, /** @type {() => void} */ next) {
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return next();
  /** @type {Buffer[]} */
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    req.body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    next();
  });
}

/**
 * A shop server: the JSON parser first when `parserFirst`, then kpg-checkout/server.
 * @param {import('node:test').TestContext} t @param {boolean} parserFirst
 */
async function shop(t, parserFirst) {
  const { options } = await sandboxes(t);
  const orders = shopOrders();
  const server = http.createServer();
  const base = await listen(server);
  t.after(() => closeServer(server));
  const kpg = createKpgServer({
    publicBaseUrl: base,
    database: { memory: true },
    reconcileOnStart: false,
    log: false,
    // Long enough that a request waiting for a body nobody will send outlives the test's own timeout.
    bodyTimeoutMs: 120_000,
    smartro: { ...options.smartro, receiptLookupByMoid: true },
    loadOrder: orders.loadOrder,
    authorize: () => true,
  });
  t.after(() => kpg.close());
  const handler = toNodeHandler(kpg);
  server.on('request', (req, res) => {
    const next = () => handler(req, res, () => {
      res.statusCode = 404;
      res.end('not kpg');
    });
    if (parserFirst) jsonParser(req, next);
    else next();
  });
  await kpg.ready;
  /** @param {string} path @param {RequestInit} [init] */
  const call = async (path, init) => {
    const res = await fetch(`${base}${path}`, { redirect: 'manual', ...init });
    return { status: res.status, text: await res.text() };
  };
  const session = () =>
    call('/api/kpg/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ provider: 'smartro', order_id: orders.add().order_id, device_type: 2 }),
    });
  return { call, session };
}

test('after a body parser, POST /session answers 500 at once naming the fix, and the warning is given once', { timeout: 60_000 }, async (t) => {
  /** @type {Error[]} */
  const warnings = [];
  const onWarning = (/** @type {Error} */ w) => {
    if (/** @type {any} */ (w).code === 'KPG_BODY_ALREADY_READ') warnings.push(w);
  };
  process.on('warning', onWarning);
  t.after(() => process.off('warning', onWarning));

  const s = await shop(t, true);
  for (let i = 0; i < 2; i++) {
    const r = await s.session();
    assert.equal(r.status, 500, r.text);
    assert.deepEqual(JSON.parse(r.text), { code: 'body-already-read', message: BODY_ALREADY_READ });
    assert.match(r.text, /mount toNodeHandler\(kpg\) before body parsers/);
  }
  // What the parser leaves alone still works: a GET, and a form post it does not parse (Smartro's return).
  assert.equal((await s.call('/api/kpg/result?order_no=A-unknown-1')).status, 404);
  const form = await s.call('/api/kpg/smartro/return', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'ResultCode=C001' });
  assert.notEqual(form.status, 500, form.text);
  // process.emitWarning delivers on the next tick.
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(warnings.length, 1, 'one warning per handler, not one per request');
  assert.equal(warnings[0].message, BODY_ALREADY_READ);
});

test('control: mounted before any parser, the same session is answered 200', { timeout: 60_000 }, async (t) => {
  const r = await (await shop(t, false)).session();
  assert.equal(r.status, 200, r.text);
  assert.match(JSON.parse(r.text).action, /\/interfaceURL\.jsp$/);
});
