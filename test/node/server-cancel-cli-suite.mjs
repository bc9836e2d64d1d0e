// @ts-check
/**
 * Not a test file: server-cancel-cli-{pglite,postgres}.test.mjs run it. Issue 22: `npx kpg-checkout-server cancel ORDER_ID [--amount N] --reason ... --key ...` (and `cancels`), from
 * another process, as staff or a script would run it, on PGlite (a data directory, the server closed first:
 * one process per directory) and on PostgreSQL (the server still running), against the Shinhan sandbox.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { createKpgServer, toNodeHandler } from '../../dist/server/index.js';
import { closeServer, ENGINES, listen, postForm, sandboxes, SANDBOX_SECRETS, shinhanDecide, uid, TEST_CI } from './server-helpers.mjs';

/**
 * The suite for one engine (one file each: a PGlite directory opened by each CLI run takes seconds on a loaded
 * machine, and node --test times a whole file out).
 * @param {'pglite' | 'postgres'} name
 */
export function cliSuite(name) {
  const engine = /** @type {(typeof ENGINES)[number]} */ (ENGINES.find((e) => e.name === name));
  describe(`kpg-checkout-server cancel [${engine.name}]`, { skip: engine.skip }, () => {
    test('cancel, the same --key again (one PG call), a refusal, a missing --key, and cancels', async (t) => {
      /** @type {import('../../dist/server/index.js').DatabaseOptions} */
      let database;
      /** @type {Record<string, string>} */
      let dbEnv;
      if (engine.name === 'pglite') {
        const dir = mkdtempSync(join(tmpdir(), 'kpg-cancel-cli-'));
        t.after(() => rmSync(dir, { recursive: true, force: true }));
        database = { dataDir: dir };
        dbEnv = { KPG_DATA_DIR: dir };
      } else {
        const db = await engine.create();
        t.after(() => db.drop());
        database = db.database;
        dbEnv = { DATABASE_URL: /** @type {any} */ (database).url };
      }
      const pgs = await sandboxes(t);
      const order = { order_id: uid('C-'), amount: 11000, product_name: '테스트 상품', buyer: { id: 'buyer01', name: '홍길동', ci: TEST_CI } };
      const server = http.createServer();
      const base = await listen(server);
      const kpg = createKpgServer({ publicBaseUrl: base, database, ...pgs.options, loadOrder: () => order, authorize: () => true, reconcileOnStart: false, log: false });
      server.on('request', toNodeHandler(kpg));
      const session = await (await fetch(`${base}/api/kpg/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ provider: 'shinhan', order_id: order.order_id, device_type: 2 }) })).json();
      const page = await shinhanDecide(session.redirect_url, 'approve');
      await postForm(/** @type {string} */ (page.action), page.fields);
      if (engine.name === 'pglite') {
        await closeServer(server);
        await kpg.close();
      } else {
        t.after(async () => {
          await closeServer(server);
          await kpg.close();
        });
      }

      const env = {
        ...process.env,
        ...dbEnv,
        SHINHAN_API_BASE: pgs.options.shinhan.apiBase,
        SHINHAN_CLIENT_ID: pgs.options.shinhan.clientId,
        SHINHAN_PAYMENT_API_KEY: pgs.options.shinhan.paymentApiKey,
        SHINHAN_SEARCH_API_KEY: pgs.options.shinhan.searchApiKey,
      };
      /** Not execFileSync: the sandbox PGs run in this process and must keep answering. @param {string[]} args */
      async function cli(args) {
        try {
          const r = await promisify(execFile)(process.execPath, ['dist/server/cli.js', ...args], { encoding: 'utf8', env, timeout: 60_000 });
          return { code: 0, stdout: r.stdout, stderr: r.stderr };
        } catch (/** @type {any} */ e) {
          return { code: e.code, stdout: e.stdout, stderr: e.stderr };
        }
      }
      const first = await cli(['cancel', order.order_id, '--amount', '1000', '--reason', '한 개 반품', '--key', 'cli-key-1', '--by', 'kim', '--json']);
      assert.equal(first.code, 0, first.stderr);
      const answer = JSON.parse(first.stdout);
      assert.deepEqual([answer.status, answer.cancelled_amount, answer.balance], ['done', 1000, 10000]);
      for (const secret of SANDBOX_SECRETS) assert.ok(!first.stdout.includes(secret) && !first.stderr.includes(secret), 'no key in the output or the log lines');

      const noKey = await cli(['cancel', order.order_id, '--reason', 'x']);
      assert.equal(noKey.code, 1);
      assert.match(noKey.stderr, /idempotency_key is required.*\(--key\)/);
      const badAmount = await cli(['cancel', order.order_id, '--amount', '1,000', '--reason', 'x', '--key', 'k3']);
      assert.equal(badAmount.code, 1);
      assert.match(badAmount.stderr, /--amount must be a whole number of won/);
      // A PGlite directory takes seconds to open on a loaded machine: the rest runs on PostgreSQL only (the same
      // command module; the same key answering once is tested through kpg.cancel on both engines).
      if (engine.name === 'pglite') return;

      const again = await cli(['cancel', order.order_id, '--amount', '1000', '--reason', '한 개 반품', '--key', 'cli-key-1', '--by', 'kim', '--json']);
      assert.deepEqual(JSON.parse(again.stdout), answer);
      const atPg = (await (await fetch(`${pgs.shinhan.origin}/__sandbox/payments`)).json()).payments.find((/** @type {any} */ p) => p.orderNo === session.order_no);
      assert.equal(atPg.cancels.length, 1, 'one PG call for one key');

      const tooMuch = await cli(['cancel', order.order_id, '--amount', '20000', '--reason', '너무 많이', '--key', 'cli-key-2']);
      assert.equal(tooMuch.code, 3);
      assert.match(tooMuch.stdout, /^refused: .*exceeds-balance/m);

      const list = await cli(['cancels', order.order_id]);
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stdout, new RegExp(`${order.order_id}: shinhan tid \\S+, paid, paid 11000 KRW, given back 1000, balance 10000`));
      assert.match(list.stdout, /#\d+ done partial 1000 KRW via api, 한 개 반품/);
    });
  });
}
