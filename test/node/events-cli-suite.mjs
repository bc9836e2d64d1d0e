// @ts-check
/**
 * Issue 21's operator commands, as one suite per engine (run by server-events-cli-pglite.test.mjs and
 * server-events-cli-postgres.test.mjs; not a test file itself): `npx kpg-checkout-server events` lists events
 * and deliveries (--dead, --order, --json), `events retry` re-queues them, and `events deliver` delivers with
 * the onEvent of a --config module. A server in this process makes a dead delivery first. One file per engine:
 * each CLI run opens the database anew, which takes seconds on PGlite (tens of seconds on a loaded machine),
 * and node --test times a whole file out after --test-timeout.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openStore } from '../../dist/server/index.js';
import { postForm, sandboxes, shinhanDecide, uid, TEST_CI } from './server-helpers.mjs';

/** @param {string} origin @param {unknown} body */
const postJson = async (origin, body) => {
  const res = await fetch(`${origin}/api/kpg/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
};

/**
 * The suite on one engine.
 * @param {import('./server-helpers.mjs').Engine} engine
 */
export function eventsCliSuite(engine) {
  describe(`npx kpg-checkout-server events [${engine.name}]`, { skip: engine.skip }, () => {
    test('lists events and deliveries (--dead, --order, --json), re-queues (retry ID, retry --dead) and delivers with the onEvent of --config', async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'kpg-events-cli-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      /** @type {import('../../dist/server/index.js').DatabaseOptions} */
      let database;
      if (engine.name === 'pglite') database = { dataDir: join(dir, 'db') };
      else {
        const db = await engine.create();
        t.after(() => db.drop());
        database = db.database;
      }
      const pgs = await sandboxes(t);
      const { createKpgServer } = await import('../../dist/server/index.js');
      const good = { order_id: uid('G-'), amount: 11000, product_name: '테스트 상품', buyer: { id: 'buyer01', name: '홍길동', ci: TEST_CI } };
      const bad = { order_id: uid('B-'), amount: 12000, product_name: '테스트 상품', buyer: { id: 'buyer01', name: '홍길동', ci: TEST_CI } };
      const orders = new Map([good, bad].map((o) => [o.order_id, o]));
      const kpg = createKpgServer({
        publicBaseUrl: 'http://127.0.0.1:9',
        database,
        shinhan: pgs.options.shinhan,
        loadOrder: ({ order_id }) => orders.get(order_id),
        authorize: () => true,
        reconcileOnStart: false,
        log: false,
        rateLimit: false,
        // One attempt, then dead (retries stop 1 ms after an event is queued).
        delivery: { background: false, retryForMs: 1 },
        onEvent: (event) => {
          if (event.order_id === bad.order_id) throw new Error('the ERP refused it');
        },
      });
      t.after(() => kpg.close());
      const { toNodeHandler } = await import('../../dist/server/index.js');
      const http = await import('node:http');
      const server = http.createServer(toNodeHandler(kpg));
      await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
      t.after(() => new Promise((r) => server.close(() => r(undefined))));
      const origin = `http://127.0.0.1:${/** @type {any} */ (server.address()).port}`;
      for (const order of [good, bad]) {
        const s = await postJson(origin, { provider: 'shinhan', order_id: order.order_id, device_type: 2 });
        const page = await shinhanDecide(s.json.redirect_url, 'approve');
        // The return URL names the publicBaseUrl (port 9): post it to this server instead.
        await postForm(`${origin}/api/kpg/shinhan/return`, page.fields);
      }
      assert.deepEqual(await kpg.deliverEvents(), { delivered: 1, failed: 0, dead: 1 });
      const [deadEvent] = await kpg.events({ status: 'dead' });
      await kpg.close(); // one process per PGlite directory: the CLI opens it next

      const { execFile } = await import('node:child_process');
      const { promisify } = await import('node:util');
      const env = { ...process.env, ...('url' in database ? { DATABASE_URL: database.url } : { KPG_DATA_DIR: /** @type {any} */ (database).dataDir }), SHINHAN_API_BASE: pgs.options.shinhan.apiBase, SHINHAN_CLIENT_ID: pgs.options.shinhan.clientId, SHINHAN_PAYMENT_API_KEY: pgs.options.shinhan.paymentApiKey, SHINHAN_SEARCH_API_KEY: pgs.options.shinhan.searchApiKey };
      delete env.KPG_TEST_DATABASE_URL;
      if (!('url' in database)) delete env.DATABASE_URL;
      const cli = async (/** @type {string[]} */ args) => {
        try {
          const r = await promisify(execFile)(process.execPath, ['dist/server/cli.js', ...args], { encoding: 'utf8', env, timeout: 60_000 });
          return { code: 0, stdout: r.stdout, stderr: r.stderr };
        } catch (error) {
          const e = /** @type {any} */ (error);
          return { code: e.code, stdout: e.stdout, stderr: e.stderr };
        }
      };
      const dead = JSON.parse((await cli(['events', '--dead', '--json'])).stdout);
      assert.deepEqual(dead.map((/** @type {any} */ e) => [e.id, e.order_id, e.deliveries[0].status, e.deliveries[0].last_error]), [[deadEvent.id, bad.order_id, 'dead', 'the ERP refused it']]);
      /** @type {string[]} */
      const outputs = [];
      // Each CLI run opens the database anew: a PGlite directory takes seconds on a busy machine, so the
      // listing and usage cases run on PostgreSQL only (the same code on both).
      if (engine.name === 'postgres') {
        const all = JSON.parse((await cli(['events', '--json'])).stdout);
        assert.deepEqual(all.map((/** @type {any} */ e) => [e.order_id, e.type, e.deliveries[0].status]), [[bad.order_id, 'payment.paid', 'dead'], [good.order_id, 'payment.paid', 'delivered']]);
        const text = await cli(['events', '--order', bad.order_id]);
        assert.equal(text.code, 0);
        assert.match(text.stdout, new RegExp(`^${deadEvent.id}  payment\\.paid  order ${bad.order_id} \\(attempt \\S+, shinhan\\)`));
        assert.match(text.stdout, /\n {2}handler: DEAD after 1 attempt: the ERP refused it\n?$/);
        outputs.push(text.stdout);
        assert.equal((await cli(['events', '--order'])).code, 1, 'usage');
        const unknown = await cli(['events', 'retry', 'evt_aaaaaaaaaaaaaaaaaaaaaaaa']);
        assert.equal(unknown.code, 1);
        assert.match(unknown.stderr, /no undelivered delivery/);
        assert.equal((await cli(['events', 'deliver'])).code, 1, 'no onEvent / webhooks without --config');
      }
      const retried = await cli(['events', 'retry', '--dead']);
      assert.deepEqual([retried.code, retried.stdout.trim()], [0, 'kpg-checkout-server: 1 delivery re-queued']);

      // deliver, with the onEvent of a config module (cron, serverless).
      const seen = join(dir, 'seen.txt');
      const configFile = join(dir, 'kpg.config.mjs');
      writeFileSync(
        configFile,
        `import { appendFileSync } from 'node:fs';\nexport default { database: ${JSON.stringify(database)}, shinhan: ${JSON.stringify(pgs.options.shinhan)},\n` +
          `  onEvent: (event) => appendFileSync(${JSON.stringify(seen)}, event.id + '\\n') };\n`,
      );
      const delivered = await cli(['events', 'deliver', '--config', configFile, '--json']);
      assert.deepEqual([delivered.code, JSON.parse(delivered.stdout)], [0, { delivered: 1, failed: 0, dead: 0 }]);
      assert.equal(readFileSync(seen, 'utf8'), `${deadEvent.id}\n`, 'the re-queued event, once');
      // The database says so too (read by a store of this process, now that the CLI has closed it).
      const after = await openStore(database);
      try {
        const [e] = await after.events({ orderId: bad.order_id });
        assert.deepEqual([e.deliveries[0].status, e.deliveries[0].attempts, e.deliveries[0].last_error], ['delivered', 1, null]);
      } finally {
        await after.close();
      }
      for (const out of [...outputs, dead, retried.stdout, delivered.stdout, delivered.stderr]) assert.ok(!JSON.stringify(out).includes(pgs.options.shinhan.paymentApiKey));
    });
  });
}
