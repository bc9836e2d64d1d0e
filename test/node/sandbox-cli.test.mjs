// @ts-check
// `kpg-checkout sandbox` (demo/sandbox/cli.mjs, the package's `kpg-checkout` command): both sandbox PGs from
// one command, on free ports or --port N / N + 1, printing server options and page lines that work as pasted.
// Here: the printed options block evaluated as JavaScript drives a kpg-checkout/server through a Shinhan and
// a Smartro payment at the started sandboxes (HTTP level; the scratch-shop test clicks them in Chromium), the
// printed environment variables mean the same options, and every printed page answers.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { test } from 'node:test';
import { optionsFromEnv } from '../../dist/server/index.js';
import { freePort } from '../server/free-port.mjs';
import { postForm, SANDBOX_SECRETS, shinhanDecide, shopOrders, smartroDecide, startServer } from './server-helpers.mjs';

const CLI = 'demo/sandbox/cli.mjs';

/**
 * Runs the command until it has printed its last section (or exited), and stops it when the test ends.
 * @param {import('node:test').TestContext} t @param {string[]} args
 */
async function sandbox(t, args) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (err += c));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  });
  const done = await Promise.race([
    exited.then(() => 'exited'),
    new Promise((resolve) => {
      const check = () => /every payment \(JSON\): \S+\/__sandbox\/payments\n[^\n]*every payment \(JSON\): \S+\n/.test(out) && resolve('printed');
      child.stdout.on('data', check);
    }),
  ]);
  return { child, out, err: () => err, done, exited, lines: out.split('\n') };
}

/** The indented lines between a heading that starts with `from` and the next blank line. @param {string[]} lines @param {string} from */
function section(lines, from) {
  const start = lines.findIndex((l) => l.startsWith(from));
  assert.ok(start >= 0, `no "${from}" in the output`);
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

test('free ports by default: the printed options, pasted into createKpgServer, pay with Shinhan and Smartro at the started sandboxes', async (t) => {
  const s = await sandbox(t, ['sandbox']);
  assert.equal(s.done, 'printed', s.err());
  const [, shinhan] = /Shinhan PG {2}(http:\/\/127\.0\.0\.1:\d+)/.exec(s.out) ?? [];
  const [, smartro] = /Smartro PG {2}(http:\/\/127\.0\.0\.1:\d+)/.exec(s.out) ?? [];
  assert.ok(shinhan && smartro && shinhan !== smartro, s.out);

  // The options block exactly as printed, as a shop pastes it into createKpgServer({ ... }).
  const options = section(s.lines, '1. Server options');
  const block = options.slice(0, options.findIndex((l) => /^ {3}\S/.test(l)));
  const printed = new Function(`return {\n${block.join('\n')}\n};`)();
  assert.equal(printed.publicBaseUrl, 'http://localhost:3000');
  assert.equal(printed.shinhan.apiBase, `${shinhan}/`);
  assert.equal(printed.smartro.pcAction, `${smartro}/interfaceURL.jsp`);
  // ... and the environment variables printed beside it mean the same (optionsFromEnv, the CLI's way).
  const env = Object.fromEntries(options.filter((l) => /^ {2}[A-Z_]+=/.test(l)).map((l) => l.trim().split(/=(.*)/s, 2)));
  assert.equal(Object.keys(env).length, 12);
  const fromEnv = optionsFromEnv(env);
  assert.deepEqual({ ...fromEnv, database: undefined }, { publicBaseUrl: printed.publicBaseUrl, shinhan: printed.shinhan, smartro: printed.smartro, database: undefined });

  const shop = shopOrders();
  const { publicBaseUrl: _unused, ...pgs } = printed;
  const server = await startServer(t, /** @type {any} */ (undefined), { database: { memory: true }, ...pgs, loadOrder: shop.loadOrder, authorize: shop.authorize }, { secrets: SANDBOX_SECRETS });
  const paid = async (/** @type {string} */ orderNo) => (await server.call(`/api/kpg/result?order_no=${orderNo}`)).json.status;

  // Consent is required by default (issue 25): the session carries it, as the widget's consent step sends it.
  const terms = (await server.call('/api/kpg/terms?pgcode=selpay')).json;
  assert.equal(terms.required, true);
  const consent = { terms_agreed: terms.list.map((/** @type {any} */ x) => x.terms_no), terms_hash: terms.terms_hash };
  const a = await server.postJson('/api/kpg/session', { provider: 'shinhan', order_id: shop.add().order_id, device_type: 2, ...consent });
  assert.equal(a.status, 200, a.text);
  assert.ok(a.json.redirect_url.startsWith(`${shinhan}/`));
  const page = await shinhanDecide(a.json.redirect_url, 'approve');
  assert.equal((await postForm(/** @type {string} */ (page.action), page.fields)).status, 200);
  assert.equal(await paid(a.json.order_no), 'paid');

  const b = await server.postJson('/api/kpg/session', { provider: 'smartro', order_id: shop.add().order_id, device_type: 2, pay_method: 'vbank' });
  assert.equal(b.status, 200, b.text);
  const card = await server.postJson('/api/kpg/session', { provider: 'smartro', order_id: shop.add().order_id, device_type: 2 });
  const result = await smartroDecide(card.json, 'approve');
  assert.equal((await postForm(/** @type {string} */ (result.action), result.fields)).status, 200);
  assert.equal(await paid(card.json.order_no), 'paid');

  // Every page the command lists answers, and the page lines name the started origins.
  for (const line of section(s.lines, "3. The sandboxes' own pages")) {
    const url = /(http:\S+)$/.exec(line)?.[1];
    assert.ok(url, line);
    const res = await fetch(url);
    assert.equal(res.status, 200, `${line}: ${res.status}`);
  }
  const pageLines = section(s.lines, '2. Page lines').join('\n');
  assert.ok(pageLines.includes(`KpgCheckout.allowPgOrigins(['${shinhan}', '${smartro}'])`));
  assert.ok(pageLines.includes(`script-src="${shinhan}/businessPayment/unifiedPay/script"`));
  assert.ok(pageLines.includes(`issue-url="${smartro}/issue/IssueLoader.jsp"`));
  assert.equal((await fetch(`${shinhan}/businessPayment/unifiedPay/script`)).status, 200);

  // Ctrl-C (SIGINT) stops both and exits 0.
  s.child.kill('SIGINT');
  assert.equal(await s.exited, 0);
  await assert.rejects(fetch(`${shinhan}/__sandbox/payments`));
  await assert.rejects(fetch(`${smartro}/__sandbox/payments`));
});

/** A port N whose N + 1 is free too (both found free, then given to the command). */
async function freePair() {
  for (let i = 0; i < 20; i++) {
    const port = await freePort();
    if (port < 65534 && (await isFree(port + 1))) return port;
  }
  throw new Error('no two consecutive free ports');
}
/** @param {number} port */
function isFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

test('--port N: Shinhan on N, Smartro on N + 1; a port in use is an error naming it, exit code 1', async (t) => {
  const port = await freePair();
  const s = await sandbox(t, ['sandbox', '--port', String(port), '--shop', 'http://localhost:8080/shop']);
  assert.equal(s.done, 'printed', s.err());
  assert.match(s.out, new RegExp(`Shinhan PG {2}http://127\\.0\\.0\\.1:${port}\\n {2}Smartro PG {2}http://127\\.0\\.0\\.1:${port + 1}\\n`));
  assert.match(s.out, /publicBaseUrl: 'http:\/\/localhost:8080',/);
  const busy = await sandbox(t, ['sandbox', '--port', String(port)]);
  assert.equal(busy.done, 'exited');
  assert.equal(await busy.exited, 1);
  assert.match(busy.err(), new RegExp(`port ${port} or ${port + 1} is in use`));
});

test('usage: no command or an unknown argument prints the usage and exits 2', async (t) => {
  for (const args of [[], ['sandbox', '--bogus'], ['sandbox', '--port', 'x']]) {
    const s = await sandbox(t, args);
    assert.equal(await s.exited, 2, args.join(' '));
    assert.match(s.err(), /usage: kpg-checkout sandbox \[--port N\]/);
  }
});
