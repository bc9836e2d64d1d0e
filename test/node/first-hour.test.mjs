// @ts-check
// A shop developer's first hour (issue 24), in a scratch folder, from the README alone:
// a fresh copy of this checkout (what a clone holds: `git ls-files`, tracked and new files, nothing ignored,
// so no node_modules and no dist), then the commands of README "Your shop against the sandboxes" (with the
// build `npm start` runs first, prestart, between install and pack: the state issue 24 packed from), the
// tarball installed into a new Express shop in CommonJS and one in ES modules, every export imported or
// required, the sandboxes started by the packaged command (`npx kpg-checkout sandbox`), both shops started
// from the README's files, and a Shinhan and a Smartro payment clicked through in Chromium in each. Every
// line every command prints is kept; a warning neither the README nor docs/ explains fails the test. Ports are free
// ones (the README's 4010 / 4011 / 3000 replaced), folders are temporary, npm uses its normal cache: a second
// npm test beside this one does not collide. Heavy (two npm installs from the registry or its cache, one full
// build): it prints how long each step took. Alone: node --test --test-timeout=1800000 test/node/first-hour.test.mjs
// (npm test runs it so, after the other node tests: scripts/test.mjs).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort } from '../server/free-port.mjs';
import { waitForDeep } from '../server/deep-wait.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
/** The README and its guides (docs/), where a warning may be explained. */
const GUIDES = [README, ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => readFileSync(join(ROOT, 'docs', f), 'utf8'))].join('\n');
const MINUTE = 60_000;

// ------------------------------------------------------------------------------------------ the README

/** The text of README section `title` (up to the next `## `). @param {string} title */
function section(title) {
  const start = README.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `README has no section "${title}"`);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}
const GUIDE = section('Your shop against the sandboxes');
/** Its fenced code blocks, in order: { lang, code }. */
const BLOCKS = [...GUIDE.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1], code: m[2] }));
/** The block whose first line is `firstLine` (or, for `lang`, the only block in that language). @param {string} what */
function block(what) {
  const found = BLOCKS.filter((b) => b.code.split('\n')[0].startsWith(what) || b.lang === what);
  assert.equal(found.length, 1, `README "Your shop against the sandboxes": one block starting "${what}" (found ${found.length})`);
  return found[0].code;
}
const SETUP = block('bash');
const SERVER_CJS = block('// server.js');
const PAGE = block('<!-- public/index.html -->');
const ENV_FILE = block('ini');
const SERVER_ESM = block('// server.mjs');
const SANDBOX_LINE = 'npx kpg-checkout sandbox --port 4010';
const ESM_COMMAND = 'node --env-file=sandbox.env server.mjs';

/**
 * The README's ports replaced by this run's free ones: the sandboxes' 4010 / 4011 and the shop's 3000.
 * @param {string} text @param {{ pg: number, shop: number }} ports
 */
const withPorts = (text, { pg, shop }) => text.replace(/\b4010\b/g, String(pg)).replace(/\b4011\b/g, String(pg + 1)).replace(/\b3000\b/g, String(shop));

// ------------------------------------------------------------------------------- commands and their output

/** Every command's output, for the warning check: { what, text }. */
const outputs = /** @type {{ what: string, text: string }[]} */ ([]);
/** How long each step took (printed at the end; measured, never asserted). */
const timings = /** @type {[string, number][]} */ ([]);
/** Processes still running (the sandboxes, the shops), stopped at the end by their own handles. */
const running = /** @type {import('node:child_process').ChildProcess[]} */ ([]);

/** A clean environment: none of the npm_* settings of the `npm test` around us, nor the test runner's. */
const ENV = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => ['PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'TMPDIR', 'TERM'].includes(k))),
  // What npm already has in its cache is taken from there, without asking the registry first (the README's
  // commands as they are; only fewer round trips).
  npm_config_prefer_offline: 'true',
};

/**
 * Runs `cmd args` in `cwd` to the end (killed after `timeoutMs`), keeps its output, fails on a non-zero exit.
 * @param {string} what @param {string} cmd @param {string[]} args @param {string} cwd @param {number} timeoutMs
 */
function run(what, cmd, args, cwd, timeoutMs) {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (c) => (text += c));
    child.stderr.on('data', (c) => (text += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      outputs.push({ what, text });
      timings.push([what, Date.now() - started]);
      if (code === 0) resolve(text);
      else reject(new Error(`${what}: exit ${code ?? signal}${signal === 'SIGKILL' ? ` (killed after ${timeoutMs / 1000} s)` : ''}\n${text.slice(-4000)}`));
    });
  });
}

/**
 * Starts a long-running command and resolves once its output matches `ready` (within `timeoutMs`).
 * @param {string} what @param {string} cmd @param {string[]} args @param {string} cwd @param {RegExp} ready
 */
function start(what, cmd, args, cwd, ready, timeoutMs = 30_000) {
  // Its own process group: npx runs the command in a child of its own, which a signal to npx alone leaves
  // running (a terminal's Ctrl-C reaches the whole group; stop() does the same).
  const child = spawn(cmd, args, { cwd, env: ENV, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.push(child);
  const entry = { what, text: '' };
  outputs.push(entry);
  child.stdout.on('data', (c) => (entry.text += c));
  child.stderr.on('data', (c) => (entry.text += c));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: not ready within ${timeoutMs / 1000} s\n${entry.text}`)), timeoutMs);
    const check = () => {
      if (!ready.test(entry.text)) return;
      clearTimeout(timer);
      resolve({ child, output: () => entry.text });
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before it was ready\n${entry.text}`));
    });
  });
}

/** SIGTERM to the process group start() made (the command and its children), then its exit. @param {import('node:child_process').ChildProcess} child */
function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
  return exited;
}

/** A port N whose N + 1 is free too (the sandbox command's --port takes both). */
async function freePair() {
  for (let i = 0; i < 20; i++) {
    const port = await freePort();
    const next = await new Promise((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port + 1, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (port < 65534 && next) return port;
  }
  throw new Error('no two consecutive free ports');
}

// ------------------------------------------------------------------------------------------------ state

let dir = '';
const paths = { checkout: '', cjs: '', esm: '', tarball: '' };
const ports = { pg: 0, cjs: 0, esm: 0 };
/** @type {string} */
let sandboxOutput = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kpg-first-hour-'));
  paths.checkout = join(dir, 'kpg-checkout');
  paths.cjs = join(dir, 'myshop');
  paths.esm = join(dir, 'myshop-esm');
  paths.tarball = join(paths.checkout, 'kpg-checkout-0.1.0.tgz');
  ports.pg = await freePair();
  ports.cjs = await freePort();
  ports.esm = await freePort();
});

after(async () => {
  await Promise.all(running.map(stop));
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (timings.length) console.log(`first-hour timings: ${timings.map(([w, ms]) => `${w} ${(ms / 1000).toFixed(1)} s`).join('; ')}`);
});

// ------------------------------------------------------------------------------------------------ steps

test('a fresh copy of the checkout, then the README\'s commands: npm install, npm pack (after the build npm start runs), a new CommonJS shop', { timeout: 25 * MINUTE }, async () => {
  const started = Date.now();
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    const from = join(ROOT, file);
    if (!existsSync(from)) continue; // deleted in the working tree
    mkdirSync(dirname(join(paths.checkout, file)), { recursive: true });
    cpSync(from, join(paths.checkout, file));
  }
  assert.ok(!existsSync(join(paths.checkout, 'dist')) && !existsSync(join(paths.checkout, 'node_modules')));
  timings.push(['copy', Date.now() - started]);

  // The README's lines, as a bash script, but for the sandbox (it runs until stopped: started below).
  assert.ok(SETUP.includes('npm install && npm pack'), 'the README builds the tarball with npm install && npm pack');
  assert.ok(SETUP.split('\n').some((l) => l.startsWith(`${SANDBOX_LINE} `)), `the README starts the sandboxes with "${SANDBOX_LINE}"`);
  const script = SETUP.split('\n')
    .filter((l) => !l.startsWith('npx kpg-checkout sandbox'))
    // What `npm start` builds before it starts (prestart: dist/server only) between the two: the tarball
    // issue 24 packed without the browser files. prepack must build them anyway.
    .map((l) => l.replace('npm install && npm pack', 'npm install && npm run prestart && npm pack'))
    .join('\n');
  await run('README commands (npm install, npm pack, npm init, npm install express + tarball)', 'bash', ['-euo', 'pipefail', '-c', script], paths.checkout, 25 * MINUTE);

  const listing = execFileSync('tar', ['-tzf', paths.tarball], { encoding: 'utf8' }).split('\n');
  for (const file of ['dist/esm/no-dom.js', 'dist/esm/index.js', 'dist/kpg-checkout.js', 'dist/kpg-shinhan.js', 'dist/kpg-smartro.js', 'dist/kpg-return.js', 'dist/no-dom.cjs', 'dist/custom-elements.json', 'dist/server/index.js', 'dist/server/openapi.json', 'dist/server/store/migrations/001_init.sql', 'demo/sandbox/cli.mjs']) {
    assert.ok(listing.includes(`package/${file}`), `the tarball lacks ${file}`);
  }
  const shop = JSON.parse(readFileSync(join(paths.cjs, 'package.json'), 'utf8'));
  assert.equal(shop.type, 'commonjs', 'npm init wrote a CommonJS project');
  assert.ok(shop.dependencies.express && shop.dependencies['kpg-checkout']);
});

test('a new ES-module shop installs the same tarball', { timeout: 10 * MINUTE }, async () => {
  mkdirSync(paths.esm);
  await run('ESM shop: npm init -y, npm pkg set type=module', 'bash', ['-euo', 'pipefail', '-c', 'npm init -y && npm pkg set type=module'], paths.esm, 2 * MINUTE);
  await run('ESM shop: npm install express + tarball', 'npm', ['install', 'express', paths.tarball], paths.esm, 8 * MINUTE);
});

test('every export: required in the CommonJS shop, imported in the ES-module shop (the script-tag files resolved, and run in Chromium below)', { timeout: 2 * MINUTE }, async () => {
  // The script-tag files (both stages of each PG's, the console's...): every ./kpg-*.js export, resolved, not loaded.
  const SCRIPT_FILES = Object.keys(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).exports).filter((key) => /^\.\/kpg-[\w.-]+\.js$/.test(key));
  const probe = (/** @type {'require' | 'import'} */ how) => `
    const { readFileSync, statSync } = require('node:fs');
    const exp = JSON.parse(readFileSync('node_modules/kpg-checkout/package.json', 'utf8')).exports;
    const out = {};
    const scripts = ${JSON.stringify(SCRIPT_FILES)};
    (async () => {
      for (const key of Object.keys(exp)) {
        const name = 'kpg-checkout' + key.slice(1);
        if (scripts.includes(key)) { out[key] = statSync(require.resolve(name)).size > 100 ? 'file' : 'empty'; continue; }
        const m = ${how === 'require' ? 'require(name)' : "await import(name, name.endsWith('.json') ? { with: { type: 'json' } } : undefined)"};
        out[key] = Object.keys(m).sort().join(',');
      }
      console.log(JSON.stringify(out));
    })().catch((e) => { console.error(e); process.exit(1); });`;
  writeFileSync(join(paths.cjs, 'every-export.cjs'), probe('require'));
  // In the ES-module shop a .cjs file too (it needs require.resolve), whose loop uses import().
  writeFileSync(join(paths.esm, 'every-export.cjs'), probe('import'));
  const required = JSON.parse(await run('CommonJS shop: require() every export', process.execPath, ['every-export.cjs'], paths.cjs, MINUTE));
  const imported = JSON.parse(await run('ES-module shop: import() every export', process.execPath, ['every-export.cjs'], paths.esm, MINUTE));
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.deepEqual(Object.keys(required), Object.keys(pkg.exports));
  for (const result of [required, imported]) {
    for (const key of SCRIPT_FILES) assert.equal(result[key], 'file', key);
    assert.match(result['./server'], /(^|,)createKpgServer(,|$)/);
    assert.match(result['./server'], /(^|,)optionsFromEnv(,|$)/);
    assert.equal(result['./server/node'].split(',').includes('toNodeHandler'), true);
    // On Node the element entries resolve to the module that defines nothing (the `node` condition).
    for (const key of ['.', './checkout', './card-picker', './receipt', './shinhan', './smartro']) assert.match(result[key], /allowPgOrigins/, key);
    assert.match(result['./elements'], /KpgCheckout/);
  }
  // import() sees the JSON module's default export; require() the object itself.
  assert.match(required['./custom-elements.json'], /modules/);
  assert.equal(imported['./custom-elements.json'], 'default');
  // The OpenAPI document (issue 24, item 10), the same way.
  assert.match(required['./server/openapi.json'], /(^|,)openapi(,|$)/);
  assert.equal(imported['./server/openapi.json'], 'default');
});

test('npx kpg-checkout sandbox (the packaged command) prints the README\'s options, environment and page lines', { timeout: 2 * MINUTE }, async () => {
  const command = withPorts(SANDBOX_LINE, { pg: ports.pg, shop: 0 }).split(' ');
  const started = await start('npx kpg-checkout sandbox', command[0], command.slice(1), paths.cjs, /Smartro: every payment \(JSON\): \S+\n/);
  sandboxOutput = started.output();
  // The printout with the README's ports: each line of it must be in the README as printed.
  const printed = sandboxOutput.replaceAll(`127.0.0.1:${ports.pg + 1}`, '127.0.0.1:4011').replaceAll(`127.0.0.1:${ports.pg}`, '127.0.0.1:4010').split('\n');
  const from = (/** @type {string} */ heading) => {
    const i = printed.findIndex((l) => l.startsWith(heading));
    return printed.slice(i + 1, printed.indexOf('', i));
  };
  const options = from('1. Server options');
  const optionLines = options.slice(0, options.findIndex((l) => /^ {3}\S/.test(l)));
  assert.ok(optionLines.length > 10);
  for (const line of optionLines) assert.ok(SERVER_CJS.includes(`\n${line}\n`), `README server.js lacks the printed line "${line}"`);
  const envLines = options.filter((l) => /^ {2}[A-Z_]+=/.test(l)).map((l) => l.trim());
  assert.deepEqual(envLines, ENV_FILE.trim().split('\n'), 'README sandbox.env is what the command prints');
  const pageLines = from('2. Page lines').map((l) => l.trim());
  assert.ok(PAGE.includes(pageLines[0]), 'README index.html has the printed allowPgOrigins line');
  assert.ok(PAGE.includes(/script-src="[^"]+"/.exec(pageLines[1])?.[0] ?? '?'), 'README index.html has the printed script-src');
});

test('both shops start from the README\'s files, as the README starts them', { timeout: 3 * MINUTE }, async () => {
  assert.ok(GUIDE.includes('`node server.js`') && GUIDE.includes(`\`${ESM_COMMAND}\``));
  mkdirSync(join(paths.cjs, 'public'));
  mkdirSync(join(paths.esm, 'public'));
  writeFileSync(join(paths.cjs, 'server.js'), withPorts(SERVER_CJS, { pg: ports.pg, shop: ports.cjs }));
  writeFileSync(join(paths.cjs, 'public/index.html'), withPorts(PAGE, { pg: ports.pg, shop: ports.cjs }));
  writeFileSync(join(paths.esm, 'server.mjs'), withPorts(SERVER_ESM, { pg: ports.pg, shop: ports.esm }));
  writeFileSync(join(paths.esm, 'sandbox.env'), withPorts(ENV_FILE, { pg: ports.pg, shop: ports.esm }));
  writeFileSync(join(paths.esm, 'public/index.html'), withPorts(PAGE, { pg: ports.pg, shop: ports.esm }));
  // Ready: listening, and its database open (PGlite's first start runs initdb in the shop's own thread: on
  // a loaded machine, seconds in which the shop answers nothing). The reconcile line follows the migration.
  const ready = (/** @type {number} */ port) => new RegExp(`(shop on http://localhost:${port}[\\s\\S]*"event":"reconcile")|("event":"reconcile"[\\s\\S]*shop on http://localhost:${port})`);
  const esm = ESM_COMMAND.split(' ');
  await Promise.all([
    start('CommonJS shop: node server.js', process.execPath, ['server.js'], paths.cjs, ready(ports.cjs), 2 * MINUTE),
    start(`ES-module shop: ${ESM_COMMAND}`, process.execPath, esm.slice(1), paths.esm, ready(ports.esm), 2 * MINUTE),
  ]);
});

test('Chromium: a Shinhan and a Smartro payment clicked through in each shop; the sandboxes recorded them; the one-PG script files define the elements', { timeout: 5 * MINUTE }, async (t) => {
  const started = Date.now();
  const { findChrome } = await import('../../scripts/chrome.mjs');
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({
    executablePath: findChrome('first-hour test'),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  t.after(() => browser.close());
  const shinhanOrigin = `http://127.0.0.1:${ports.pg}`;
  const smartroOrigin = `http://127.0.0.1:${ports.pg + 1}`;

  for (const [name, port] of /** @type {const} */ ([['CommonJS', ports.cjs], ['ES modules', ports.esm]])) {
    const page = await browser.newPage();
    /** @type {string[]} */
    const problems = [];
    page.on('console', (m) => {
      // A resource that failed is reported below with its URL (the browser asks for /favicon.ico by itself).
      if ((m.type() === 'error' || m.type() === 'warn') && !m.text().startsWith('Failed to load resource')) problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(`http://localhost:${port}/`, { timeout: 60_000 });
    for (const [provider, orderId, pgOrigin] of [['shinhan', 'A-1001', shinhanOrigin], ['smartro', 'A-1002', smartroOrigin]]) {
      const checkout = `kpg-checkout[provider="${provider}"]`;
      // Waits are on conditions; their bounds are wide because this test runs beside others on a loaded
      // 2-core machine (a 15 s bound on the terms checkbox once ran out at load average 8.5).
      await page.waitForFunction((sel) => /** @type {any} */ (document.querySelector(sel))?.state === 'idle', { timeout: 60_000 }, checkout);
      // Shinhan: the buyer agrees to the PG's terms first (issue 25: the consent step, as the README says).
      if (provider === 'shinhan') {
        // (Not page.waitForSelector: its `>>>` wait watches the document only and missed the checkbox, which
        // appears by changes inside shadow roots, in 2 of 5 runs: test/server/deep-wait.mjs.)
        const agree = await waitForDeep(page, `${checkout} >>> kpg-terms:not([hidden]) >>> input[type="checkbox"]`, { timeout: 60_000 }).catch(async (error) => {
          // If it does not come: what the page had instead.
          const seen = await page.$eval(checkout, (el) => {
            const terms = el.shadowRoot?.querySelector('kpg-terms');
            return JSON.stringify({
              state: /** @type {any} */ (el).state,
              stage2: !!customElements.get('kpg-receipt'),
              terms: terms ? { hidden: terms.hidden, status: /** @type {any} */ (terms)._status, text: terms.shadowRoot?.textContent?.trim().slice(0, 200) } : null,
              termsState: /** @type {any} */ (el).termsState ?? null,
            });
          });
          throw new Error(`${name} shop: no consent checkbox within 60 s: ${seen}; ${problems.join('; ') || 'no failed request or console error'}`, { cause: error });
        });
        await agree.click();
      }
      const opened = browser.waitForTarget((target) => target.url().startsWith(pgOrigin), { timeout: 60_000 });
      await page.click(`${checkout} >>> [part="button"]`); // a real mouse click: the window opens in it
      const pg = /** @type {import('puppeteer-core').Page} */ (await (await opened).page());
      await pg.waitForSelector('#approve', { timeout: 60_000 });
      await pg.click('#approve');
      // Bounded, on the outcome: the shop verifies the result with the PG (Smartro: its receipt API) first.
      await page.waitForFunction((sel) => ['paid', 'failed', 'cancelled', 'error'].includes(/** @type {any} */ (document.querySelector(sel)).state), { timeout: 60_000 }, checkout);
      const state = await page.$eval(checkout, (el) => /** @type {any} */ (el).state);
      const outcome = await page.$eval('#outcome', (el) => el.textContent ?? '');
      assert.equal(state, 'paid', `${name} shop, ${provider}: ${outcome} ${problems.join('; ')}`);
      assert.match(outcome, new RegExp(`^paid: ${orderId} \\S+$`));
      // The money at the PG: the sandbox's own record of this order's payment.
      const tid = outcome.split(' ')[2];
      const records = await (await fetch(`${pgOrigin}/__sandbox/payments`)).json();
      const record = records.payments.find((/** @type {any} */ p) => p.tid === tid);
      assert.ok(record, `${provider} sandbox has no payment ${tid}`);
      // Shinhan's order_no is "A-1001-..."; Smartro's Moid "A1001..." (no special characters, guide).
      if (provider === 'shinhan') assert.deepEqual([record.orderNo.startsWith(`${orderId}-`), record.status], [true, 'confirmed']);
      else assert.deepEqual([record.moid.startsWith(orderId.replace('-', '')), record.status, record.amt], [true, 'approved', '55000']);
    }
    assert.deepEqual(problems, [], `${name} shop: the page reported problems`);
    await page.close();
  }

  // The one-PG script-tag files of the installed package define the elements in a browser.
  const page = await browser.newPage();
  for (const file of ['kpg-shinhan.js', 'kpg-smartro.js']) {
    await page.goto(`http://localhost:${ports.cjs}/`);
    await page.setContent('<!doctype html><title>x</title>');
    await page.addScriptTag({ content: readFileSync(join(paths.cjs, 'node_modules/kpg-checkout/dist', file), 'utf8') });
    assert.equal(await page.evaluate(() => typeof customElements.get('kpg-checkout') === 'function' && typeof (/** @type {any} */ (window).KpgCheckout?.allowPgOrigins)), 'function', file);
  }
  timings.push(['Chromium payments', Date.now() - started]);
});

test('mounted after express.json() (real Express), POST /session answers 500 at once naming the fix, with one warning', { timeout: 2 * MINUTE }, async () => {
  const port = await freePort();
  writeFileSync(
    join(paths.cjs, 'body-parser-first.js'),
    withPorts(SERVER_CJS, { pg: ports.pg, shop: port })
      .replace('app.use(toNodeHandler(kpg));', 'app.use(express.json());\napp.use(toNodeHandler(kpg));')
      // Its own database: the shop above keeps .data/kpg-checkout open (one PGlite per process).
      .replace('const kpg = createKpgServer({', 'const kpg = createKpgServer({\n  database: { memory: true },'),
  );
  const shop = await start('CommonJS shop with express.json() first', process.execPath, ['body-parser-first.js'], paths.cjs, new RegExp(`shop on http://localhost:${port}`));
  for (let i = 0; i < 2; i++) {
    const res = await fetch(`http://localhost:${port}/api/kpg/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ provider: 'smartro', order_id: 'A-1002', device_type: 2 }),
    });
    assert.equal(res.status, 500);
    const body = await res.json();
    assert.equal(body.code, 'body-already-read');
    assert.match(body.message, /mount toNodeHandler\(kpg\) before body parsers/);
  }
  await stop(shop.child);
  const warnings = shop.output().split('\n').filter((l) => l.includes('KPG_BODY_ALREADY_READ'));
  assert.equal(warnings.length, 1, shop.output());
});

test('no warning printed that the README and its guides do not explain (npm install, pack, the shops\' installs, the sandbox, the shops)', () => {
  // Each explained warning: what the output says, and where the README or a guide of docs/ explains it.
  const EXPLAINED = [
    { line: /^\(node:\d+\) \[KPG_BODY_ALREADY_READ\] Warning: kpg-checkout\/server: a body parser/, readme: '[KPG_BODY_ALREADY_READ] Warning: kpg-checkout/server: a body parser' },
    { line: /^\(Use `node --trace-warnings \.\.\.` to show where the warning was created\)$/, readme: '[KPG_BODY_ALREADY_READ] Warning' },
  ];
  for (const { readme } of EXPLAINED) assert.ok(GUIDES.includes(readme), `neither the README nor docs/ explains "${readme}" any more`);
  assert.ok(outputs.length >= 8, 'every step ran');
  const unexplained = outputs.flatMap(({ what, text }) =>
    text
      .split('\n')
      .filter((l) => !l.startsWith('npm notice'))
      .filter((l) => /\bwarn(ing)?s?\b|deprecat|ERR!|ERESOLVE|"level":"(warn|error)"/i.test(l))
      .filter((l) => !EXPLAINED.some((e) => e.line.test(l)))
      .map((l) => `${what}: ${l}`),
  );
  assert.deepEqual(unexplained, []);
});
