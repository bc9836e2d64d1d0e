// @ts-check
/**
 * Issue 20, "one clock for every test": the server's date decisions at Korean edge times, on PGlite and
 * PostgreSQL, end to end through the sandbox PGs at the HTTP level. One pinned clock (test/node/clock.mjs)
 * drives the server (`now`), both sandboxes (`now`) and the expectations; the process's own wall clock reads
 * the year 2199 (test/node/fixtures/far-wall-clock.mjs), so any part left on the wall clock fails the test.
 *
 * At each edge (midnight, 08:59 and 23:59 KST, the last day of a month, the turn of a year):
 * - Smartro VBANK: ediDate is the Korean time of the session; VbankExpDate and due_date are the Korean day
 *   3 days later; the account stays open through its whole due day (23:59:59.999 KST) and is closed
 *   (vbank-expired) 1 ms later; a deposit in the last second of the due day pays the order, and the slip's
 *   deposit day (vacctBaseDt) and due day are that day.
 * - Shinhan 가상계좌: the due day is the sandbox's vald_dt; open through it, closed after it.
 * - Shinhan card: the receipt is asked for with tx_ymd = the Korean day of the approval (the sandbox refuses
 *   any other day with 943).
 */
import { FAR_YEAR } from './fixtures/far-wall-clock.mjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DAY, KST_EDGES, kst, testClock } from './clock.mjs';
import { forEachEngine, postForm, SANDBOX_SECRETS, SANDBOX_SHINHAN, SANDBOX_SMARTRO, shinhanDecide, shopOrders, smartroDecide, startServer, until } from './server-helpers.mjs';

test('the wall clock of this file is displaced: a part on the default clock would read the year 2199', () => {
  assert.equal(new Date().getUTCFullYear(), FAR_YEAR);
  assert.ok(Math.abs(Date.now() - new Date().getTime()) < 60_000);
});

/**
 * Which quarter of the edge tests this process runs, from the name it was started under: this file runs
 * Smartro at the first three edges; server-clock-smartro-b, -shinhan and -shinhan-b (which import this file)
 * the rest. Each file stays well inside node:test's time limit for a file on a busy machine.
 */
const NAME = process.argv[1] ?? '';
const PART = NAME.includes('server-clock-shinhan') ? 'shinhan' : 'smartro';
const EDGES = Object.entries(KST_EDGES).filter((_, i) => (/-b\.test\.mjs$/.test(NAME) ? i >= 3 : i < 3));

forEachEngine(`issue 20: date decisions at Korean edge times, one pinned clock (${PART}, ${EDGES.length} edges)`, ({ store }) => {
  /** @param {import('node:test').TestContext} t @param {string} at */
  async function setup(t, at) {
    const clock = testClock(at);
    const { startShinhanSandbox } = await import('../../demo/sandbox/shinhan/server.mjs');
    const { startSmartroSandbox } = await import('../../demo/sandbox/smartro/server.mjs');
    const shinhan = await startShinhanSandbox({ port: 0, now: clock.now });
    const smartro = await startSmartroSandbox({ port: 0, now: clock.now, retryAttempts: 3, retryDelayMs: 100 });
    t.after(() => Promise.all([shinhan.close(), smartro.close()]));
    const shop = shopOrders();
    const server = await startServer(
      t,
      store(),
      {
        // Clock tests, not consent ones: the sandbox has terms for card and selpay (issue 25's default needs consent).
        shinhan: { apiBase: `${shinhan.origin}/`, ...SANDBOX_SHINHAN, requireTerms: false },
        smartro: {
          ...SANDBOX_SMARTRO,
          pcAction: `${smartro.origin}/interfaceURL.jsp`,
          mobileAction: `${smartro.origin}/pay/interfaceURL`,
          apiBase: `${smartro.origin}/`,
          payMethods: ['card', 'vbank'],
        },
        loadOrder: shop.loadOrder,
        authorize: shop.authorize,
        pgTimeoutMs: 6000,
        rateLimit: false,
        now: clock.date,
      },
      { secrets: SANDBOX_SECRETS },
    );
    /** @param {string} orderNo */
    const result = async (orderNo) => (await server.call(`/api/kpg/result?order_no=${orderNo}`)).json;
    /** @param {string} moid */
    const atSmartro = async (moid) => (await (await fetch(`${smartro.origin}/__sandbox/payments`)).json()).payments.find((/** @type {any} */ p) => p.moid === moid);
    return { clock, shinhan, smartro, shop, result, atSmartro, ...server };
  }

  /** A Smartro virtual account issued now. @param {Awaited<ReturnType<typeof setup>>} s */
  async function smartroVbank(s) {
    const order = s.shop.add();
    const started = await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: order.order_id, device_type: 2, pay_method: 'vbank' });
    assert.equal(started.status, 200, started.text);
    const form = await smartroDecide(started.json, 'approve');
    assert.equal(form.fields.ResultCode, '4100');
    assert.equal((await postForm(/** @type {string} */ (form.action), form.fields)).status, 200);
    return { order, orderNo: /** @type {string} */ (started.json.order_no), session: started.json, form };
  }

  for (const [edge, at] of EDGES) {
    if (PART === 'smartro') test(`${edge}: Smartro VBANK: ediDate, VbankExpDate and due_date in Korea time; open through its due day, closed 1 ms after`, async (t) => {
      const s = await setup(t, at);
      const issued = s.clock.now();
      const due = kst.date(issued + 3 * DAY);
      const { orderNo, session } = await smartroVbank(s);
      assert.equal(session.fields.ediDate, kst.compact(issued));
      assert.equal(session.fields.VbankExpDate, due.replace(/-/g, ''));
      const res = await s.result(orderNo);
      assert.deepEqual([res.status, res.vbank.due_date], ['awaiting_deposit', due]);
      s.clock.set(kst.dayAfter(due) - 1); // 23:59:59.999 KST on the due day
      await s.kpg.reconcile();
      assert.equal((await s.result(orderNo)).status, 'awaiting_deposit', 'the whole due day is the buyer\'s');
      s.clock.advance(1);
      const report = await s.kpg.reconcile();
      assert.ok(report.settled.some((x) => x.order_no === orderNo && x.to === 'cancelled'), JSON.stringify(report));
      const closed = await s.result(orderNo);
      assert.deepEqual([closed.status, closed.reason], ['cancelled', 'vbank-expired']);
    });

    if (PART === 'smartro') test(`${edge}: Smartro VBANK paid in the last second of its due day; the slip's deposit and due days are that Korean day`, async (t) => {
      const s = await setup(t, at);
      const issued = s.clock.now();
      const due = kst.date(issued + 3 * DAY);
      const { orderNo, form } = await smartroVbank(s);
      const tid = form.fields.TID;
      await until(async () => (await s.atSmartro(orderNo))?.retry?.state === 'delivered', 8000, 'the issue notice delivered');
      s.clock.set(kst.dayAfter(due) - 1000);
      const deposit = await fetch(`${s.smartro.origin}/payTest/vbank_deposit_notice.jsp`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ tid }) });
      assert.equal(deposit.status, 200, await deposit.text());
      await until(async () => (await s.result(orderNo)).status === 'paid', 8000, 'the deposit recorded');
      s.clock.advance(DAY); // reconcile the day after: a paid account stays paid
      await s.kpg.reconcile();
      assert.equal((await s.result(orderNo)).status, 'paid');
      const slip = await s.call(`/api/kpg/receipt?tid=${tid}`);
      assert.equal(slip.status, 200, slip.text);
      // vacctBaseDt is the deposit's day (입금일): the due day itself, in Korea time.
      assert.deepEqual([slip.json.receipt.vacctBaseDt, slip.json.receipt.vacctDueDt], [due.replace(/-/g, ''), due.replace(/-/g, '')]);
    });

    if (PART === 'shinhan') test(`${edge}: Shinhan 가상계좌: due_date is the sandbox's vald_dt; open through the due day, closed after it`, async (t) => {
      const s = await setup(t, at);
      const order = s.shop.add();
      const started = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2 });
      assert.equal(started.status, 200, started.text);
      const page = await shinhanDecide(started.json.redirect_url, 'approve', { method: 'vbank' });
      assert.ok(/^\d{8}$/.test(page.fields.vald_dt ?? ''), `vald_dt: ${page.fields.vald_dt}`);
      await postForm(/** @type {string} */ (page.action), page.fields);
      const orderNo = started.json.order_no;
      const res = await s.result(orderNo);
      const due = `${page.fields.vald_dt.slice(0, 4)}-${page.fields.vald_dt.slice(4, 6)}-${page.fields.vald_dt.slice(6)}`;
      assert.deepEqual([res.status, res.vbank.due_date], ['awaiting_deposit', due]);
      assert.ok(due > kst.date(s.clock.now()), 'due after the Korean day of the issue');
      s.clock.set(kst.dayAfter(due) - 1);
      await s.kpg.reconcile();
      assert.equal((await s.result(orderNo)).status, 'awaiting_deposit');
      s.clock.advance(1);
      await s.kpg.reconcile();
      const closed = await s.result(orderNo);
      assert.deepEqual([closed.status, closed.reason], ['cancelled', 'vbank-expired']);
    });

    if (PART === 'shinhan') test(`${edge}: Shinhan card: the receipt is asked for the Korean day of the approval (tx_ymd)`, async (t) => {
      const s = await setup(t, at);
      const order = s.shop.add();
      const started = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2 });
      assert.equal(started.status, 200, started.text);
      const page = await shinhanDecide(started.json.redirect_url, 'approve');
      await postForm(/** @type {string} */ (page.action), page.fields);
      const paid = await s.result(started.json.order_no);
      assert.equal(paid.status, 'paid', JSON.stringify(paid));
      s.clock.advance(DAY); // asked for the next day: the approval's day, not today's
      const receipt = await s.call(`/api/kpg/receipt?tid=${encodeURIComponent(paid.tid)}`);
      assert.equal(receipt.status, 200, receipt.text);
      assert.match(receipt.json.redirect_url, /^http:\/\/127\.0\.0\.1:\d+\//);
    });
  }
});
