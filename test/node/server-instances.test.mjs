// @ts-check
/**
 * Separate server PROCESSES (test/node/fixtures/kpg-instance.mjs): nothing is shared between them but the
 * database, so what holds here holds because the database enforces it.
 *
 * - Two instances on one PostgreSQL, 50 concurrent copies of one approval's ReturnURL and RetryURL (and of
 *   one Shinhan return_url) split across them: one payment recorded, one confirm, every copy answered
 *   normally. (PostgreSQL only: one PGlite serves one process.)
 * - An instance killed with SIGKILL between payments/confirm (which took the money) and recording it: a new
 *   session for that order is refused 409 in between; after a restart reconcile() records the payment from
 *   confirm-info (PostgreSQL: through the CLI, `kpg-checkout-server reconcile`). On PGlite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ENGINES, PG_SKIP, postForm, sandboxes, shinhanDecide, smartroDecide, spawnInstance, uid, until, TEST_CI } from './server-helpers.mjs';

const postgres = /** @type {import('./server-helpers.mjs').Engine} */ (ENGINES.find((e) => e.name === 'postgres'));

/** @param {string} origin @param {unknown} body */
const postJson = async (origin, body) => {
  const res = await fetch(`${origin}/api/kpg/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
};
/** @param {string} origin @param {string} orderNo */
const resultOf = async (origin, orderNo) => (await (await fetch(`${origin}/api/kpg/result?order_no=${orderNo}`)).json());

describe('two server instances (processes) on one PostgreSQL', { skip: PG_SKIP }, () => {
  test('50 concurrent copies of one Smartro approval (ReturnURL and RetryURL) split across two instances: one payment, every copy answered normally', async (t) => {
    const db = await postgres.create();
    t.after(() => db.drop());
    const pgs = await sandboxes(t);
    await pgs.fault('smartro', { api: 'retry', suppress: true });
    const order = { order_id: uid('P-'), amount: 11000, product_name: '테스트 상품', buyer: { id: 'buyer01', name: '홍길동', ci: TEST_CI } };
    const common = { database: db.database, ...pgs.options, orders: [order] };
    const a = await spawnInstance(t, common);
    const b = await spawnInstance(t, { ...common, publicBaseUrl: a.origin });
    const session = await postJson(b.origin, { provider: 'smartro', order_id: order.order_id, device_type: 2 });
    assert.equal(session.status, 200, JSON.stringify(session.json));
    const result = await smartroDecide(session.json, 'approve');
    const copies = Array.from({ length: 50 }, (_, i) => {
      const instance = i % 2 ? b : a;
      const route = i % 4 < 2 ? 'return' : 'retry';
      return postForm(`${instance.origin}/api/kpg/smartro/${route}`, result.fields).then(async (r) => ({ route, status: r.status, text: await r.text() }));
    });
    const replies = await Promise.all(copies);
    for (const r of replies) {
      if (r.route === 'retry') assert.deepEqual([r.status, r.text], [200, 'OK']);
      else {
        assert.equal(r.status, 200);
        assert.match(r.text, /kpg-return\.js/);
      }
    }
    const res = await resultOf(a.origin, session.json.order_no);
    assert.deepEqual([res.status, res.tid], ['paid', result.fields.TID]);
    const pays = (a.log() + b.log()).split('\n').filter((l) => l.includes('"transition":"pay"') && l.includes(session.json.order_no));
    assert.equal(pays.length, 1, 'one instance recorded it, once');
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: /** @type {any} */ (db.database).url });
    client.on('error', () => {});
    await client.connect();
    const rows = (await client.query('SELECT disposition FROM kpg_transactions WHERE order_id = $1', [order.order_id])).rows;
    await client.end();
    assert.deepEqual(rows, [{ disposition: 'paid' }]);
  });

  test('50 concurrent copies of one Shinhan return_url split across two instances: one confirm at the PG, one payment, every copy gets its page', async (t) => {
    const db = await postgres.create();
    t.after(() => db.drop());
    const pgs = await sandboxes(t);
    const order = { order_id: uid('P-'), amount: 55000, product_name: '무선 이어폰', buyer: { id: 'buyer02', name: '김민지', ci: TEST_CI } };
    const a = await spawnInstance(t, { database: db.database, ...pgs.options, orders: [order] });
    const b = await spawnInstance(t, { database: db.database, ...pgs.options, orders: [order], publicBaseUrl: a.origin });
    const session = await postJson(a.origin, { provider: 'shinhan', order_id: order.order_id, device_type: 2 });
    const page = await shinhanDecide(session.json.redirect_url, 'approve');
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => postForm(`${(i % 2 ? b : a).origin}/api/kpg/shinhan/return`, page.fields)));
    assert.deepEqual([...new Set(replies.map((r) => r.status))], [200]);
    assert.equal((await resultOf(b.origin, session.json.order_no)).status, 'paid');
    const claims = (a.log() + b.log()).split('\n').filter((l) => l.includes('"transition":"claim"') && l.includes('"moved":true'));
    assert.equal(claims.length, 1, 'payments/confirm was called once');
  });
});

for (const engine of ENGINES) {
  describe(`an instance killed between payments/confirm and recording it [${engine.name}]`, { skip: engine.skip }, () => {
    test('SIGKILL while confirm is in flight: 409 for a new session in between, then reconcile() records the payment from confirm-info', async (t) => {
      /** @type {import('../../dist/server/index.js').DatabaseOptions} */
      let database;
      if (engine.name === 'pglite') {
        const dir = mkdtempSync(join(tmpdir(), 'kpg-kill-'));
        t.after(() => rmSync(dir, { recursive: true, force: true }));
        database = { dataDir: dir };
      } else {
        const db = await engine.create();
        t.after(() => db.drop());
        database = db.database;
      }
      const pgs = await sandboxes(t);
      const order = { order_id: uid('K-'), amount: 11000, product_name: '테스트 상품', buyer: { id: 'buyer01', name: '홍길동', ci: TEST_CI } };
      const config = { database, ...pgs.options, orders: [order], pgTimeoutMs: 60_000 };
      const first = await spawnInstance(t, config);
      const session = await postJson(first.origin, { provider: 'shinhan', order_id: order.order_id, device_type: 2 });
      const orderNo = session.json.order_no;
      // Shinhan takes the money at confirm, and then never answers.
      await pgs.fault('shinhan', { api: 'confirm', delay_ms: null });
      const page = await shinhanDecide(session.json.redirect_url, 'approve');
      const inFlight = postForm(`${first.origin}/api/kpg/shinhan/return`, page.fields).catch(() => 'connection lost');
      await until(async () => {
        const pg = await (await fetch(`${pgs.shinhan.origin}/__sandbox/payments`)).json();
        return pg.payments.find((/** @type {any} */ p) => p.orderNo === orderNo)?.status === 'confirmed';
      }, 10_000, 'the PG to confirm');
      assert.equal((await resultOf(first.origin, orderNo)).status, 'processing');
      first.child.kill('SIGKILL');
      assert.equal(await inFlight, 'connection lost');
      await first.exited;

      const second = await spawnInstance(t, config);
      const refused = await postJson(second.origin, { provider: 'shinhan', order_id: order.order_id, device_type: 2 });
      assert.deepEqual([refused.status, refused.json.code, refused.json.order_no], [409, 'attempt-in-progress', orderNo]);

      let report;
      if (engine.name === 'postgres') {
        // From another process, the way a shop's cron would: npx kpg-checkout-server reconcile
        // Not spawnSync: the sandbox PGs run in this process and must keep answering.
        const cli = await promisify(execFile)(process.execPath, ['dist/server/cli.js', 'reconcile', '--json'], {
          encoding: 'utf8',
          env: {
            ...process.env,
            DATABASE_URL: /** @type {any} */ (database).url,
            SHINHAN_API_BASE: pgs.options.shinhan.apiBase,
            SHINHAN_CLIENT_ID: pgs.options.shinhan.clientId,
            SHINHAN_PAYMENT_API_KEY: pgs.options.shinhan.paymentApiKey,
            SHINHAN_SEARCH_API_KEY: pgs.options.shinhan.searchApiKey,
          },
          timeout: 60_000,
        });
        report = JSON.parse(cli.stdout);
        assert.ok(!cli.stdout.includes(pgs.options.shinhan.paymentApiKey) && !cli.stderr.includes(pgs.options.shinhan.searchApiKey));
      } else {
        report = await (await fetch(`${second.origin}/__admin/reconcile`, { method: 'POST' })).json();
      }
      assert.deepEqual(report.settled, [{ order_no: orderNo, order_id: order.order_id, from: 'processing', to: 'paid' }]);
      const res = await resultOf(second.origin, orderNo);
      const pg = await (await fetch(`${pgs.shinhan.origin}/__sandbox/payments`)).json();
      assert.deepEqual([res.status, res.tid], ['paid', pg.payments.find((/** @type {any} */ p) => p.orderNo === orderNo).tid]);
      const after = await postJson(second.origin, { provider: 'shinhan', order_id: order.order_id, device_type: 2 });
      assert.deepEqual([after.status, after.json.code], [409, 'already-paid']);
    });
  });
}
