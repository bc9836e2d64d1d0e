// @ts-check
/**
 * The event examples of docs/events.md run as pasted (issue 21): `ship.mjs` and `hooks.mjs` are taken from
 * its section "Events to your order system", written into a folder inside this package (so that
 * `import ... from 'kpg-checkout/server'` resolves to the build, as in a shop that installed it) and run.
 * hooks.mjs then receives a real signed webhook from a server paying through the Shinhan sandbox, and
 * refuses a forged one.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { openStore } from '../../dist/server/index.js';
import { postForm, sandboxes, SANDBOX_SECRETS, shinhanDecide, shopOrders, startServer, until } from './server-helpers.mjs';

const guide = readFileSync(new URL('../../docs/events.md', import.meta.url), 'utf8');
const start = guide.indexOf('\n## Events to your order system');
if (start < 0) throw new Error('docs/events.md: no section "Events to your order system"');
const end = guide.indexOf('\n## ', start + 10);
const section = guide.slice(start, end < 0 ? undefined : end);
/** The ```js block whose first line is `// <name>: ...`. @param {string} name */
function example(name) {
  for (const m of section.matchAll(/```js\n([\s\S]*?)```/g)) if (m[1].startsWith(`// ${name}:`)) return m[1];
  throw new Error(`docs/events.md: no \`// ${name}:\` example in "Events to your order system"`);
}

const dir = mkdtempSync(join(new URL('.', import.meta.url).pathname, '.readme-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('docs/events.md ship.mjs runs as pasted: a server with onEvent starts, lists its events, closes', async () => {
  const file = join(dir, 'ship.mjs');
  writeFileSync(file, example('ship.mjs'));
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const { stdout } = await promisify(execFile)(process.execPath, [file], { encoding: 'utf8', env, timeout: 60_000 });
  assert.match(stdout, /^events so far: 0$/m);
});

test('docs/events.md hooks.mjs runs as pasted: it accepts a signed webhook of a real payment (204, delivered) and refuses a forged one (400)', async (t) => {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const file = join(dir, 'hooks.mjs');
  writeFileSync(file, example('hooks.mjs'));
  process.env.PORT = '0';
  process.env.KPG_WEBHOOK_SECRET = secret;
  /** @type {string[]} */
  const printed = [];
  const log = console.log;
  console.log = (/** @type {any[]} */ ...args) => void printed.push(args.join(' '));
  t.after(() => {
    console.log = log;
  });
  const { server } = await import(file);
  t.after(() => new Promise((r) => server.close(() => r(undefined))));
  await until(() => server.listening, 5000, 'hooks.mjs to listen');
  const url = `http://127.0.0.1:${server.address().port}/hooks/kpg`;

  const store = await openStore({ memory: true });
  await store.migrate();
  const pgs = await sandboxes(t);
  const shop = shopOrders();
  const s = await startServer(t, store, { ...pgs.options, loadOrder: shop.loadOrder, authorize: shop.authorize, webhooks: [{ url, secret }], delivery: { background: false } }, { secrets: [...SANDBOX_SECRETS, secret] });
  t.after(() => store.close()); // after the server's own checks, which read it
  const order = shop.add();
  const session = await s.postJson('/api/kpg/session', { provider: 'shinhan', order_id: order.order_id, device_type: 2 });
  const page = await shinhanDecide(session.json.redirect_url, 'approve');
  await postForm(/** @type {string} */ (page.action), page.fields);
  assert.deepEqual(await s.kpg.deliverEvents(), { delivered: 1, failed: 0, dead: 0 });
  assert.ok(printed.includes(`ship ${order.order_id}`), printed.join('\n'));
  const forged = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'webhook-id': 'evt_aaaaaaaaaaaaaaaaaaaaaaaa', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,Zm9yZ2Vk' }, body: '{"type":"payment.paid"}' });
  assert.equal(forged.status, 400);
  assert.equal(printed.filter((p) => p.startsWith('ship')).length, 1);
});
