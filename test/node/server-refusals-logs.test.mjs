// @ts-check
/**
 * Issue 19 on PGlite and PostgreSQL: refusal-table growth and the PG routes' limit (item 7), log lines that
 * stay JSON (item 8, end to end), keys redacted before they are clipped (item 9), fixed browser codes
 * (item 12).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpError, REFUSAL_SAMPLES } from '../../dist/server/index.js';
import { answerJson, forEachEngine, readAll, SANDBOX_SECRETS, serve, shopOrders, startServer } from './server-helpers.mjs';
import { hardeningSetup } from './server-hardening-setup.mjs';
import { testClock } from './clock.mjs';

forEachEngine('issue 19: refusals, logs and codes', ({ store }) => {
  /** @param {import('node:test').TestContext} t @param {Record<string, any>} [options] */
  const setup = (t, options) => hardeningSetup(t, store(), options);

  // ------------------------------------------------------------------------------------------ item 7
  test('item 7: junk on the PG routes is counted per source, kept as rows only up to REFUSAL_SAMPLES, and a source over its refusal budget is turned away', async (t) => {
    const s = await setup(t, { rateLimit: { refusals: { limit: 50, windowMs: 60_000 } } });
    const statuses = [];
    for (let i = 0; i < 60; i++) {
      const r = await s.raw('/api/kpg/smartro/return', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `junk=${i}`, clientIp: '198.51.100.77' });
      statuses.push(r.status);
    }
    assert.deepEqual([statuses[0], statuses[49], statuses[50], statuses[59]], [400, 400, 429, 429]);
    const counts = (await s.kpg.refusalCounts()).filter((c) => c.source === '198.51.100.77');
    assert.deepEqual(counts.map((c) => [c.route, c.code, c.count]), [['smartro/return', 'bad-return', 50]]);
    const rows = (await s.kpg.refusals({ limit: 100_000 })).filter((r) => r.source === '198.51.100.77');
    assert.equal(rows.length, REFUSAL_SAMPLES, 'sampled: not one row per junk request');
    // Every refusal is still a log line; those past the sample say they were not kept as rows.
    const lines = s.logs.filter((/** @type {any} */ l) => l.event === 'refusal' && l.route === 'smartro/return' && l.code === 'bad-return');
    assert.deepEqual([lines.length, lines.filter((/** @type {any} */ l) => l.kept === false).length, lines.slice(0, REFUSAL_SAMPLES).some((/** @type {any} */ l) => 'kept' in l)], [50, 50 - REFUSAL_SAMPLES, false]);
    // With no address known, nothing is turned away (no shared bucket), and the rows stay sampled.
    for (let i = 0; i < 60; i++) {
      const r = await s.raw(`/api/kpg/shinhan/cancel?order_no=junk${i}`);
      assert.equal(r.status, 400);
    }
    const unknown = (await s.kpg.refusalCounts()).filter((c) => c.source === 'unknown' && c.route === 'shinhan/cancel');
    assert.equal(unknown[0].count, 60);
    assert.ok((await s.kpg.refusals({ limit: 100_000 })).filter((r) => r.route === 'shinhan/cancel' && r.source === 'unknown').length <= REFUSAL_SAMPLES);
  });

  test('item 7: refusalCounts({ since }) counts by the hour of the refusal (a pinned clock): an hour before since is left out, since\'s own hour is in', async (t) => {
    const clock = testClock(Date.parse('2026-12-31T23:30:00+09:00'));
    const s = await setup(t, { now: clock.date, rateLimit: false });
    const junk = async (/** @type {number} */ n) => {
      for (let i = 0; i < n; i++) await s.raw('/api/kpg/smartro/return', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `junk=${i}`, clientIp: '198.51.100.78' });
    };
    await junk(3); // 23:30 KST
    clock.advance(45 * 60_000);
    await junk(2); // 00:15 KST, the next year
    const mine = async (/** @type {string | undefined} */ since) => (await s.kpg.refusalCounts(since ? { since } : {})).filter((c) => c.source === '198.51.100.78').map((c) => [c.bucket, c.count]);
    const [late, early] = ['2026-12-31T15:00:00.000Z', '2026-12-31T14:00:00.000Z'];
    assert.deepEqual(await mine(undefined), [[late, 2], [early, 3]], 'newest hour first');
    assert.deepEqual(await mine('2026-12-31T15:10:00.000Z'), [[late, 2]], 'since 00:10 KST: its hour (from 00:00) is in, the hour before is not');
    assert.deepEqual(await mine('2026-12-31T14:59:59.999Z'), [[late, 2], [early, 3]]);
    assert.deepEqual(await mine('2026-12-31T16:00:00.000Z'), []);
  });

  test('item 7: results the server accepts never count against the refusal budget (a PG retrying one result 80 times is always answered)', async (t) => {
    const s = await setup(t, { rateLimit: { refusals: { limit: 5, windowMs: 60_000 } } });
    const attempt = await s.paid('alice');
    // Shinhan's browser returning to cancel_url for a paid attempt is a refusal (stale-report), and the
    // buyer's window still gets its page (the attempt as it is: paid)... 5 of them:
    for (let i = 0; i < 5; i++) assert.equal((await s.raw(`/api/kpg/shinhan/cancel?order_no=${attempt.order_no}`, { clientIp: '192.0.2.99' })).status, 200);
    assert.deepEqual((await s.kpg.refusals({ orderNo: attempt.order_no })).map((r) => r.code), Array(5).fill('stale-report'));
    assert.equal((await s.raw(`/api/kpg/shinhan/cancel?order_no=${attempt.order_no}`, { clientIp: '192.0.2.99' })).status, 429);
    // ...while another source's accepted reports never run into it.
    const order = s.shop.add();
    const started = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2 });
    for (let i = 0; i < 80; i++) {
      const r = await s.raw(`/api/kpg/shinhan/fail?order_no=${started.json.order_no}&ret_code=F001`, { clientIp: '192.0.2.100' });
      assert.equal(r.status, 200, `report ${i}`);
    }
  });

  test("a browser report on another PG's route (a Shinhan attempt's order_no at Smartro's StopURL) is unknown-order: refused, logged, the attempt untouched", async (t) => {
    const s = await setup(t);
    const order = s.shop.add();
    const started = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2 });
    const orderNo = started.json.order_no;
    const r = await s.raw(`/api/kpg/smartro/stop?order_no=${orderNo}`, { clientIp: '192.0.2.101' });
    assert.equal(r.status, 400);
    const refusals = await s.kpg.refusals({ orderNo });
    assert.deepEqual(refusals.map((x) => [x.route, x.code, x.message]), [['smartro/stop', 'unknown-order', 'No smartro attempt with this order_no.']]);
    const attempt = await s.kpg.store().then((st) => st.getAttempt(orderNo));
    assert.deepEqual([attempt?.status, attempt?.reported_status ?? null], ['pending', null]);
  });

  test("a Smartro attempt's order_no at Shinhan's return_url, even with its own custom_parameter (nonce), is unknown-order: refused, logged, the attempt untouched", async (t) => {
    const s = await setup(t);
    const order = s.shop.add();
    const started = await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: order.order_id, device_type: 2 });
    assert.equal(started.status, 200, started.text);
    const orderNo = started.json.order_no;
    const store = await s.kpg.store();
    const nonce = (await store.getAttempt(orderNo))?.nonce;
    const body = new URLSearchParams({ order_no: orderNo, custom_parameter: String(nonce), confirm_token: 'ct-1', ret_code: '0000' }).toString();
    const r = await s.raw('/api/kpg/shinhan/return', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body, clientIp: '192.0.2.102' });
    assert.equal(r.status, 400);
    const refusals = await s.kpg.refusals({ orderNo });
    assert.deepEqual(refusals.map((x) => [x.route, x.code, x.message]), [['shinhan/return', 'unknown-order', 'No Shinhan attempt with this order_no.']]);
    const attempt = await store.getAttempt(orderNo);
    assert.deepEqual([attempt?.status, attempt?.claimed_tid ?? null], ['pending', null]);
  });

  // ------------------------------------------------------------------------------------------ item 8
  test('item 8: attacker text with quotes, backslashes and a key label leaves every log line valid JSON, the text intact and the key redacted', async (t) => {
    const s = await setup(t);
    const order = s.shop.add();
    const started = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2 });
    const evil = `apikey=\\"},"level":"info","forged":"1 SPGKEY ${SANDBOX_SECRETS[0]} \\\\" \u2028 end`;
    const r = await s.call(`/api/kpg/shinhan/fail?order_no=${started.json.order_no}&ret_code=E1&ret_msg=${encodeURIComponent(evil)}`, { buyer: null });
    assert.equal(r.status, 200);
    // startServer's sink JSON.parse()s every line: a line that is not JSON would be missing here.
    const line = s.logs.find((l) => l.code === 'browser-text' && l.order_no === started.json.order_no);
    assert.ok(line, 'the line with the attacker\'s text was written, and parses');
    assert.equal(line.level, 'info');
    assert.ok(!('forged' in line));
    assert.ok(String(line.message).includes('"},"level":"info","forged":"1'), 'the text is kept as text');
    assert.ok(!JSON.stringify(s.logs).includes(SANDBOX_SECRETS[0]));
  });

  // ------------------------------------------------------------------------------------------ item 9
  test('item 9: a PG text with a key straddling the 200-character cut leaks no part of the key (redact, then clip)', async (t) => {
    const KEY = 'Zq7Kp2Lm9Xw4Rt8Vb';
    const pg = await serve(t, async (req, res) => {
      await readAll(req);
      answerJson(res, 200, { ret_code: 901, ret_msg: `${'x'.repeat(190)}${KEY} more` });
    });
    const shop = shopOrders();
    const server = await startServer(t, store(), { shinhan: { apiBase: `${pg}/`, clientId: 'kpgclip01', paymentApiKey: KEY, searchApiKey: 'search-key-0001' }, loadOrder: shop.loadOrder, authorize: shop.authorize, rateLimit: false });
    const r = await server.postJson('/api/kpg/session', { provider: 'shinhan', order_id: shop.add().order_id, device_type: 2 });
    assert.equal(r.status, 502);
    const everything = `${r.text}\n${JSON.stringify(server.logs)}`;
    assert.ok(!everything.includes(KEY.slice(0, 6)), `a prefix of the key leaked: ${r.json.message.slice(-40)}`);
    assert.match(r.json.message, /\[redacted\]/);
  });

  test("item 9: a key in an error the shop's own clientIp function throws (before the server has taken the request in) is redacted from the reply and the log like any other text", async (t) => {
    const KEY = SANDBOX_SECRETS[0];
    /** @type {Error | undefined} */
    let thrown;
    const s = await setup(t, {
      clientIp: () => {
        if (thrown) throw thrown;
        return undefined;
      },
    });
    for (const [error, status] of /** @type {const} */ ([[new HttpError(503, 'no-address', `the proxy header is missing (SPGKEY ${KEY})`), 503], [new Error(`clientIp failed near ${KEY}`), 500]])) {
      thrown = error;
      const r = await s.raw('/api/kpg/result?order_no=T-1');
      const text = await r.text();
      assert.equal(r.status, status, text);
      assert.ok(!text.includes(KEY), `the key reached the reply: ${text}`);
      if (status === 503) assert.match(text, /\[redacted\]/);
    }
    thrown = undefined;
    assert.ok(!JSON.stringify(s.logs).includes(KEY), 'the key reached the log');
    assert.ok(s.logs.some((l) => l.event === 'error' && String(l.message).includes('clientIp failed near')), 'the plain error is logged');
  });

  // ----------------------------------------------------------------------------------------- item 12
  test('item 12: a browser-sent fail\'s ret_code is never echoed: pg-failed unless it is on the fixed list', async (t) => {
    const s = await setup(t);
    const order = s.shop.add();
    const started = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2 });
    await s.call(`/api/kpg/shinhan/fail?order_no=${started.json.order_no}&ret_code=CALL-0100000000`, { buyer: null });
    const res = (await s.call(`/api/kpg/result?order_no=${started.json.order_no}`)).json;
    assert.deepEqual([res.status, res.code], ['failed', 'pg-failed']);
    assert.ok(!JSON.stringify(res).includes('0100000000'));
    assert.deepEqual(s.logs.filter((l) => l.code === 'browser-text').map((l) => l.message), ['ret_code CALL-0100000000'], 'the caller\'s code is logged, as it came');
  });
});
