// @ts-check
/**
 * Issue 19 (server hardening, round two), on PGlite and PostgreSQL: the rate limits (no shared bucket, per
 * address with IPv6 per /64, per buyer, counted after cheap validation), the receipt existence oracle,
 * refusal-table growth and the PG routes' limit, log lines that stay JSON, keys redacted before they are
 * clipped, fixed browser codes, and PGlite's file modes. Items 2, 3, 5 and 10 are tested beside their flows
 * (server-vbank.test.mjs, server-smartro.test.mjs).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { REFUSAL_SAMPLES, clientKey, createRedactor, openStore } from '../../dist/server/index.js';
import { createLogger } from '../../dist/server/log.js';
import { answerJson, forEachEngine, readAll, sandboxes, SANDBOX_SECRETS, serve, shinhanDecide, shopOrders, startServer, uid } from './server-helpers.mjs';

forEachEngine('issue 19: server hardening', ({ store }) => {
  /**
   * A server over both sandbox PGs, with the default limits unless told otherwise.
   * @param {import('node:test').TestContext} t @param {Record<string, any>} [options]
   */
  async function setup(t, options = {}) {
    const pgs = await sandboxes(t);
    const shop = shopOrders();
    const server = await startServer(t, store(), { ...pgs.options, loadOrder: shop.loadOrder, authorize: shop.authorize, pgTimeoutMs: 6000, ...options }, { secrets: SANDBOX_SECRETS });
    /**
     * A request through kpg.fetch as Hono, Next.js, Bun or Deno mount it: no adapter, so no address unless
     * `clientIp` is given (as getConnInfo's would be).
     * @param {string} path @param {RequestInit & { buyer?: string, clientIp?: string }} [init]
     */
    const raw = (path, init = {}) => {
      const headers = new Headers(init.headers);
      if (init.buyer) headers.set('x-buyer', init.buyer);
      return server.kpg.fetch(new Request(`${server.base}${path}`, { ...init, headers }), init.clientIp ? { clientIp: init.clientIp } : undefined);
    };
    /** @param {string} orderId @param {{ buyer?: string, clientIp?: string }} [o] */
    const start = (orderId, o = {}) =>
      raw('/api/kpg/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ provider: 'shinhan', order_id: orderId, device_type: 2 }), buyer: o.buyer ?? 'alice', clientIp: o.clientIp });
    /** A paid Shinhan attempt of a fresh order of `owner`. @param {string} [owner] */
    async function paid(owner = 'alice') {
      const order = shop.add({ owner });
      const s = await server.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2, pgcode: 'card' }, { buyer: owner });
      assert.equal(s.status, 200, s.text);
      const page = await shinhanDecide(s.json.redirect_url, 'approve');
      await fetch(/** @type {string} */ (page.action), { method: 'POST', body: new URLSearchParams(page.fields) });
      const attempt = await store().getAttempt(s.json.order_no);
      assert.equal(attempt?.status, 'paid');
      return /** @type {NonNullable<typeof attempt>} */ (attempt);
    }
    return { pgs, shop, ...server, raw, start, paid };
  }

  // ------------------------------------------------------------------------------------------ item 1
  test('item 1: mounted with kpg.fetch (no address), junk POSTs to /session lock nobody out; the unknown address is said once in the log', async (t) => {
    const s = await setup(t);
    for (let i = 0; i < 30; i++) {
      const junk = await s.raw('/api/kpg/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: i % 2 ? '{}' : JSON.stringify({ provider: 'shinhan', order_id: `nope-${i}`, device_type: 2 }) });
      assert.notEqual(junk.status, 429, `junk ${i} was counted in a bucket everyone shares`);
    }
    const genuine = await s.start(s.shop.add().order_id);
    assert.equal(genuine.status, 200, await genuine.text());
    assert.equal(s.logs.filter((l) => l.event === 'config' && /address is not known/.test(l.message)).length, 1);
  });

  test('item 1: a buyer is limited per BUYER once authorize knows them (21st start in a minute: 429), from any address; another buyer is not', async (t) => {
    const s = await setup(t);
    const statuses = [];
    for (let i = 0; i < 21; i++) statuses.push((await s.start(s.shop.add().order_id, { clientIp: `198.51.100.${i + 1}` })).status);
    assert.deepEqual(statuses, [...Array(20).fill(200), 429]);
    const bob = await s.start(s.shop.add({ owner: 'bob', buyer: { id: 'buyer02', name: '김철수' } }).order_id, { buyer: 'bob', clientIp: '198.51.100.1' });
    assert.equal(bob.status, 200, 'another buyer, even from an address alice used');
  });

  test('item 1: only requests that pass the body\'s schema are counted per address: 40 malformed bodies, then a real start from that address', async (t) => {
    const s = await setup(t);
    for (let i = 0; i < 40; i++) {
      const r = await s.raw('/api/kpg/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"provider":"x"}', clientIp: '203.0.113.7' });
      assert.equal(r.status, 400);
    }
    assert.equal((await s.start(s.shop.add().order_id, { clientIp: '203.0.113.7' })).status, 200);
    // Schema-valid requests from one address ARE counted, whoever they claim to be (unknown orders included).
    const statuses = [];
    for (let i = 0; i < 21; i++) statuses.push((await s.start(`unknown-${i}`, { clientIp: '203.0.113.8' })).status);
    assert.deepEqual([statuses[0], statuses[19], statuses[20]], [404, 404, 429]);
  });

  // ----------------------------------------------------------------------------------------- item 11
  test('item 11: IPv6 clients are limited per /64: 21 addresses of one /64 share one budget; another /64 has its own', async (t) => {
    const s = await setup(t);
    const statuses = [];
    for (let i = 0; i < 21; i++) {
      const owner = `v6buyer${i}`;
      const order = s.shop.add({ owner, buyer: { id: owner, name: '홍길동' } });
      statuses.push((await s.start(order.order_id, { buyer: owner, clientIp: `2001:db8:1:2:${(i + 1).toString(16)}::1` })).status);
    }
    assert.deepEqual(statuses, [...Array(20).fill(200), 429]);
    const elsewhere = s.shop.add({ owner: 'v6other', buyer: { id: 'v6other', name: '홍길동' } });
    assert.equal((await s.start(elsewhere.order_id, { buyer: 'v6other', clientIp: '2001:db8:1:3::1' })).status, 200);
    // The key itself.
    assert.equal(clientKey('2001:DB8:1:2:ffff:0:0:1'), '2001:db8:1:2::/64');
    assert.equal(clientKey('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(clientKey('::ffff:192.0.2.1'), '192.0.2.1');
    assert.equal(clientKey('[2001:db8:1:2::5]'), '2001:db8:1:2::/64');
    assert.equal(clientKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
    assert.equal(clientKey('203.0.113.9'), '203.0.113.9');
    assert.equal(clientKey(''), undefined);
    assert.equal(clientKey('0.0.0.0, 1.2.3.4'), undefined, 'a header list is not an address');
  });

  test('item 1: the README\'s Hono mounts pass the address (getConnInfo from hono/bun and hono/deno, with the server objects Bun and Deno give)', async (t) => {
    const s = await setup(t, { rateLimit: { session: { limit: 2, windowMs: 60_000 } } });
    const { Hono } = await import('hono');
    const kpg = s.kpg;
    for (const runtime of ['bun', 'deno']) {
      // The getConnInfo that `hono/${runtime}` exports (its barrel needs the runtime's globals to load in Node).
      const { getConnInfo } = await import(new URL(`../../node_modules/hono/dist/adapter/${runtime}/conninfo.js`, import.meta.url).href);
      // As the README shows it:
      const app = new Hono();
      app.all('/api/kpg/*', (c) => kpg.fetch(c.req.raw, { clientIp: getConnInfo(c).remote.address }));
      // What Bun.serve passes as fetch's 2nd argument (the server), and what Deno.serve passes (the info).
      const env = runtime === 'bun' ? { requestIP: () => ({ address: '2001:db8:77:1::5', family: 'IPv6', port: 5000 }) } : { remoteAddr: { hostname: '2001:db8:77:1::6', port: 5000, transport: 'tcp' } };
      const statuses = [];
      for (let i = 0; i < 3; i++) {
        const res = await app.fetch(new Request(`${s.base}/api/kpg/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ provider: 'shinhan', order_id: `missing-${runtime}-${i}`, device_type: 2 }) }), env);
        statuses.push(res.status);
      }
      assert.deepEqual(statuses, runtime === 'bun' ? [404, 404, 429] : [429, 429, 429], `${runtime}: limited by the address's /64 (both runtimes' addresses share one)`);
    }
    assert.equal(s.logs.filter((l) => l.event === 'config').length, 0, 'the address was known every time');
  });

  // ------------------------------------------------------------------------------------------ item 6
  test('item 6: /receipt answers a TID that is not yours exactly as one that does not exist, and is limited per address', async (t) => {
    const s = await setup(t, { rateLimit: { lookups: { limit: 10, windowMs: 60_000 } } });
    const attempt = await s.paid('alice');
    const theirs = await s.raw(`/api/kpg/receipt?tid=${attempt.tid}`, { buyer: 'mallory', clientIp: '192.0.2.50' });
    const nobody = await s.raw(`/api/kpg/receipt?tid=${attempt.tid}X`, { buyer: 'mallory', clientIp: '192.0.2.50' });
    const a = /** @type {any} */ (await theirs.json());
    const b = /** @type {any} */ (await nobody.json());
    assert.deepEqual([theirs.status, a.code, a.field], [nobody.status, b.code, b.field]);
    assert.equal(theirs.status, 404);
    assert.equal(a.message.replace(attempt.tid, 'T'), b.message.replace(`${attempt.tid}X`, 'T'));
    // Brute force from one address runs into its limit.
    const statuses = [];
    for (let i = 0; i < 12; i++) statuses.push((await s.raw(`/api/kpg/receipt?tid=SPG${String(i).padStart(4, '0')}`, { buyer: 'mallory', clientIp: '192.0.2.50' })).status);
    assert.deepEqual(statuses, [...Array(8).fill(404), 429, 429, 429, 429], 'the 11th lookup from the address is refused (2 above + 8 here were allowed)');
    // The owner from another address is not affected.
    assert.equal((await s.raw(`/api/kpg/receipt?tid=${attempt.tid}`, { buyer: 'alice', clientIp: '192.0.2.51' })).status, 200);
  });

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
    // With no address known, nothing is turned away (no shared bucket), and the rows stay sampled.
    for (let i = 0; i < 60; i++) {
      const r = await s.raw(`/api/kpg/shinhan/cancel?order_no=junk${i}`);
      assert.equal(r.status, 400);
    }
    const unknown = (await s.kpg.refusalCounts()).filter((c) => c.source === 'unknown' && c.route === 'shinhan/cancel');
    assert.equal(unknown[0].count, 60);
    assert.ok((await s.kpg.refusals({ limit: 100_000 })).filter((r) => r.route === 'shinhan/cancel' && r.source === 'unknown').length <= REFUSAL_SAMPLES);
  });

  test('item 7: results the server accepts never count against the refusal budget (a PG retrying one result 80 times is always answered)', async (t) => {
    const s = await setup(t, { rateLimit: { refusals: { limit: 5, windowMs: 60_000 } } });
    const attempt = await s.paid('alice');
    // Shinhan's browser returning to cancel_url for a paid attempt is a refusal (stale-report)... 5 of them:
    for (let i = 0; i < 5; i++) await s.raw(`/api/kpg/shinhan/cancel?order_no=${attempt.order_no}`, { clientIp: '192.0.2.99' });
    assert.equal((await s.raw(`/api/kpg/shinhan/cancel?order_no=${attempt.order_no}`, { clientIp: '192.0.2.99' })).status, 429);
    // ...while another source's accepted reports never run into it.
    const order = s.shop.add();
    const started = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2 });
    for (let i = 0; i < 80; i++) {
      const r = await s.raw(`/api/kpg/shinhan/fail?order_no=${started.json.order_no}&ret_code=F001`, { clientIp: '192.0.2.100' });
      assert.equal(r.status, 200, `report ${i}`);
    }
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

  // ----------------------------------------------------------------------------------------- item 12
  test('item 12: a browser-sent fail\'s ret_code is never echoed: pg-failed unless it is on the fixed list', async (t) => {
    const s = await setup(t);
    const order = s.shop.add();
    const started = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2 });
    await s.call(`/api/kpg/shinhan/fail?order_no=${started.json.order_no}&ret_code=CALL-0100000000`, { buyer: null });
    const res = (await s.call(`/api/kpg/result?order_no=${started.json.order_no}`)).json;
    assert.deepEqual([res.status, res.code], ['failed', 'pg-failed']);
    assert.ok(!JSON.stringify(res).includes('0100000000'));
    assert.ok(s.logs.some((l) => l.code === 'browser-text' && String(l.message).includes('CALL-0100000000')), 'the caller\'s code is logged');
  });
});

// ------------------------------------------------------------------------------------------ item 8
test('item 8 (property): whatever the values (field names are the server\'s own), every log line is valid JSON, carries each value (redacted) and never a key', () => {
  const KEY = 'PROPkey-7f3a9c1e';
  const redact = createRedactor([KEY]);
  /** @type {string[]} */
  const lines = [];
  const log = createLogger((line) => lines.push(line), redact, () => new Date(0));
  const pieces = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('\\', '"', '\\"', 'apikey=', '"apikey":"', 'SPGKEY ', KEY, '\u2028', '\u0000', '}', '{"a":', '\ud800'));
  fc.assert(
    fc.property(fc.array(pieces, { maxLength: 12 }), fc.array(pieces, { maxLength: 4 }), (parts, otherParts) => {
      lines.length = 0;
      const message = parts.join('');
      const other = otherParts.join('');
      log.write({ event: 'refusal', level: 'warn', message, pg_message: other, nested: { deep: [message] } });
      assert.equal(lines.length, 1);
      const parsed = JSON.parse(lines[0]);
      assert.equal(parsed.event, 'refusal');
      assert.equal(parsed.level, 'warn');
      assert.equal(parsed.message, redact(message));
      assert.equal(parsed.nested.deep[0], redact(message));
      assert.equal(parsed.pg_message, redact(other));
      assert.ok(!lines[0].includes(KEY));
    }),
    { numRuns: 2000 },
  );
});

// ------------------------------------------------------------------------------------------ item 4
test('item 4: PGlite\'s data directory is 0700 and every file in it 0600, the WAL and pg_control included, after writes; an older, looser one is tightened', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kpg-perm-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const data = join(dir, 'db');
  // What an older version left: a looser directory and file.
  mkdirSync(data, { mode: 0o755 });
  chmodSync(data, 0o755);
  writeFileSync(join(data, 'left-over'), 'x', { mode: 0o666 });
  chmodSync(join(data, 'left-over'), 0o666);
  const s = await openStore({ dataDir: data });
  await s.migrate();
  for (let i = 0; i < 50; i++) {
    await s.recordRefusal({ at: new Date().toISOString(), route: 'r', order_no: uid('N'), order_id: null, code: `c${i}`, message: 'x'.repeat(2000), source: 'test' });
  }
  /** @type {string[]} */
  const loose = [];
  const walk = (/** @type {string} */ p) => {
    for (const name of readdirSync(p)) {
      const f = join(p, name);
      const st = statSync(f);
      const mode = st.mode & 0o777;
      if (st.isDirectory() ? mode !== 0o700 : mode !== 0o600) loose.push(`${f.slice(data.length)} ${mode.toString(8)}`);
      if (st.isDirectory()) walk(f);
    }
  };
  const check = () => {
    loose.length = 0;
    assert.equal(statSync(data).mode & 0o777, 0o700);
    assert.equal(statSync(join(data, 'global', 'pg_control')).mode & 0o777, 0o600);
    const wal = readdirSync(join(data, 'pg_wal')).filter((n) => /^[0-9A-F]{24}$/.test(n));
    assert.ok(wal.length > 0);
    for (const w of wal) assert.equal(statSync(join(data, 'pg_wal', w)).mode & 0o777, 0o600, w);
    walk(data);
    assert.deepEqual(loose, []);
  };
  check();
  await s.close();
  check();
});
