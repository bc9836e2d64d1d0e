// @ts-check
/**
 * Issue 19 (server hardening, round two), on PGlite and PostgreSQL: the rate limits (no shared bucket, per
 * address with IPv6 per /64, per buyer, counted after cheap validation; the Hono mounts of docs/server.md) and the
 * receipt existence oracle. Items 7, 8, 9 and 12: server-refusals-logs.test.mjs; 2, 3, 5 and 10 beside their
 * flows (server-vbank.test.mjs, server-smartro.test.mjs); 4 and 8's property: server-local-files.test.mjs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientKey } from '../../dist/server/index.js';
import { forEachEngine, TEST_CI } from './server-helpers.mjs';
import { hardeningSetup } from './server-hardening-setup.mjs';

forEachEngine('issue 19: rate limits and the receipt oracle', ({ store }) => {
  /** @param {import('node:test').TestContext} t @param {Record<string, any>} [options] */
  const setup = (t, options) => hardeningSetup(t, store(), options);

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
    const bob = await s.start(s.shop.add({ owner: 'bob', buyer: { id: 'buyer02', name: '김철수', ci: TEST_CI } }).order_id, { buyer: 'bob', clientIp: '198.51.100.1' });
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
      const order = s.shop.add({ owner, buyer: { id: owner, name: '홍길동', ci: TEST_CI } });
      statuses.push((await s.start(order.order_id, { buyer: owner, clientIp: `2001:db8:1:2:${(i + 1).toString(16)}::1` })).status);
    }
    assert.deepEqual(statuses, [...Array(20).fill(200), 429]);
    const elsewhere = s.shop.add({ owner: 'v6other', buyer: { id: 'v6other', name: '홍길동', ci: TEST_CI } });
    assert.equal((await s.start(elsewhere.order_id, { buyer: 'v6other', clientIp: '2001:db8:1:3::1' })).status, 200);
    // The key itself.
    assert.equal(clientKey('2001:DB8:1:2:ffff:0:0:1'), '2001:db8:1:2::/64');
    assert.equal(clientKey('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(clientKey('::ffff:192.0.2.1'), '192.0.2.1');
    assert.equal(clientKey('[2001:db8:1:2::5]'), '2001:db8:1:2::/64');
    // One bracket is no bracketed address: nothing is cut off to make one (no shared bucket).
    assert.deepEqual(['[2001:db8::1', '2001:db8::1]'].map(clientKey), [undefined, undefined]);
    assert.equal(clientKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
    assert.equal(clientKey('203.0.113.9'), '203.0.113.9');
    assert.equal(clientKey(''), undefined);
    assert.equal(clientKey('0.0.0.0, 1.2.3.4'), undefined, 'a header list is not an address');
  });

  test('item 1: the Hono mounts of docs/server.md pass the address (getConnInfo from hono/bun and hono/deno, with the server objects Bun and Deno give)', async (t) => {
    const s = await setup(t, { rateLimit: { session: { limit: 2, windowMs: 60_000 } } });
    const { Hono } = await import('hono');
    const kpg = s.kpg;
    for (const runtime of ['bun', 'deno']) {
      // The getConnInfo that `hono/${runtime}` exports (its barrel needs the runtime's globals to load in Node).
      const { getConnInfo } = await import(new URL(`../../node_modules/hono/dist/adapter/${runtime}/conninfo.js`, import.meta.url).href);
      // As docs/server.md shows it:
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

  test('item 1: the default limits per address, as docs/server.md lists them: 60 card lists a minute (the 61st: 429 with Retry-After), 30 receipt lookups', async (t) => {
    const s = await setup(t);
    const cards = [];
    for (let i = 0; i < 61; i++) cards.push(await s.raw('/api/kpg/cards?pgcode=card', { clientIp: '198.51.100.70' }));
    assert.deepEqual([cards[0].status, cards[59].status, cards[60].status], [200, 200, 429]);
    assert.match(cards[60].headers.get('retry-after') ?? '', /^[1-9]\d*$/);
    assert.equal((await s.raw('/api/kpg/cards?pgcode=card', { clientIp: '198.51.100.71' })).status, 200, 'another address has its own budget');
    const lookups = [];
    for (let i = 0; i < 31; i++) lookups.push((await s.raw(`/api/kpg/receipt?tid=SPG${String(i).padStart(4, '0')}`, { buyer: 'alice', clientIp: '198.51.100.72' })).status);
    assert.deepEqual(lookups, [...Array(30).fill(404), 429]);
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
});
