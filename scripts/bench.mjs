// npm run bench: the widget measured in headless Chromium against the built files, the reference
// backend and the sandbox PGs on this machine. Prints one table (medians of many runs, and ratios against
// a bare baseline measured in the same run) and writes bench-results/bench.json.
//
//   BENCH_RUNS=20 (page loads and picker renders)   BENCH_POPUP_RUNS=15   BENCH_CYCLES=1000
//   CHROME_PATH=/usr/bin/chromium   --no-build (use dist/ as it is)
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { extname } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import puppeteer from 'puppeteer-core';
import { demoServers } from '../demo/servers.mjs';
import { findChrome } from './chrome.mjs';
import { CARD_COMPANIES } from '../demo/sandbox/shinhan/cards.mjs';
import { freePort } from '../test/server/free-port.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const POPUP_RUNS = Number(process.env.BENCH_POPUP_RUNS ?? 15);
const CYCLES = Number(process.env.BENCH_CYCLES ?? 1000);
const PORT = await freePort(); // free ports: a bench beside `npm test` or a demo never collides
const ORIGIN = `http://localhost:${PORT}`;
const BUDGETS = JSON.parse(readFileSync(new URL('../size-budgets.json', import.meta.url), 'utf8'));

if (!process.argv.includes('--no-build')) execFileSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });

// ------------------------------------------------------------------ bytes
const bytes = {};
for (const file of ['dist/kpg-checkout.js', 'dist/kpg-return.js']) {
  const data = readFileSync(file);
  bytes[file] = {
    raw: data.length,
    gzip: gzipSync(data, { level: 9 }).length,
    brotli: brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

// ------------------------------------------------------------------ servers
const servers = await demoServers({ publicBaseUrl: ORIGIN, shinhanPort: 0, smartroPort: 0, returnScriptFrom: 'dist' });
const SANDBOX = servers.shinhanOrigin;
const SCRIPT = `${SANDBOX}/businessPayment/unifiedPay/script`;

/** 50 card companies: the sandbox's ten, five times over with their own codes. */
const FIFTY = {
  ret_code: 0,
  ret_msg: 'OK',
  list: Array.from({ length: 50 }, (_, i) => {
    const c = CARD_COMPANIES[i % CARD_COMPANIES.length];
    return { ...c, card_cpny_cd: `B${String(i).padStart(3, '0')}`, card_cpny_name: `${c.card_cpny_name} ${i + 1}`, sort_no: 50 - i };
  }),
};

/** The sandbox is not Shinhan's host: allowed from the page's script (markup cannot), before elements connect. */
const ALLOW = `<script>KpgCheckout.allowPgOrigins(['${SANDBOX}']);</script>`;

const checkoutTag = (extra = '') => `<kpg-checkout provider="shinhan" device="pc" order-id="A-1001" amount="11000"
  session-url="/api/kpg/session" result-url="/api/kpg/result" script-src="${SCRIPT}" ${extra}></kpg-checkout>`;

const COMMON = `<script>
  window.__long = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__long.push(e.startTime); }).observe({ type: 'longtask', buffered: true });
</script>`;

const PAGES = {
  // From the <script> tag to the first rendered, clickable button.
  '/bench/load.html': `<!doctype html><html><head><meta charset="utf-8">${COMMON}
    <script>window.__t0 = performance.now();</script>
    <script src="/dist/kpg-checkout.js"></script>${ALLOW}
    <script>window.__tEval = performance.now();</script></head><body>${checkoutTag()}
    <script>(function poll() {
      const b = document.querySelector('kpg-checkout').shadowRoot?.querySelector('button');
      if (b && !b.disabled && b.getBoundingClientRect().width > 0) window.__tReady = performance.now();
      else requestAnimationFrame(poll);
    })();</script></body></html>`,
  '/bench/picker.html': `<!doctype html><html><head><meta charset="utf-8">${COMMON}<script src="/dist/kpg-checkout.js"></script>${ALLOW}</head><body>
    <script>window.renderPicker = (i) => new Promise((resolve) => {
      const el = document.createElement('kpg-card-picker');
      el.setAttribute('amount', '55000');
      const t = performance.now();
      el.setAttribute('cards-url', '/bench/cards-50?i=' + i);
      document.body.append(el);
      (function poll() {
        if (el.shadowRoot?.querySelectorAll('[role=radio]').length === 50) { resolve(performance.now() - t); el.remove(); }
        else requestAnimationFrame(poll);
      })();
    });</script></body></html>`,
  // The widget and a bare baseline: a plain click handler that fetches the same session and opens the same URL.
  '/bench/popup.html': `<!doctype html><html><head><meta charset="utf-8">${COMMON}
    <script>
      window.__opens = [];
      const open = window.open;
      window.open = function (url, ...rest) { window.__opens.push({ url: String(url), t: performance.now() }); return open.call(this, url, ...rest); };
      document.addEventListener('click', () => { window.__click = performance.now(); }, true);
    </script>
    <script src="/dist/kpg-checkout.js"></script>${ALLOW}</head><body>${checkoutTag()}
    <button id="baseline" style="display:block;width:200px;height:48px">baseline</button>
    <script>document.getElementById('baseline').addEventListener('click', async () => {
      const res = await fetch('/api/kpg/session', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ provider: 'shinhan', order_id: 'A-1001', device_type: 2, pgcode: 'selpay', main_color: 'FFFFFF', point_color: '5379FF' }) });
      const { redirect_url } = await res.json();
      window.open(redirect_url, 'ShinhanBizPay', 'width=480,height=720');
    });</script></body></html>`,
  '/bench/memory.html': `<!doctype html><html><head><meta charset="utf-8"><script src="/dist/kpg-checkout.js"></script>${ALLOW}</head><body>
    <script>window.cycles = async (n) => {
      for (let i = 0; i < n; i++) {
        const el = document.createElement('div');
        el.innerHTML = ${JSON.stringify(checkoutTag('pgcode="card" cards-url="/bench/cards-50?memory"'))};
        const checkout = el.firstElementChild;
        document.body.append(checkout);
        await checkout.updateComplete;
        const picker = checkout.shadowRoot.querySelector('kpg-card-picker');
        while (picker.shadowRoot.querySelectorAll('[role=radio]').length !== 50) await new Promise((r) => setTimeout(r, 0));
        checkout.remove();
      }
    };</script></body></html>`,
};

const TYPES = { '.js': 'text/javascript; charset=utf-8', '.json': 'application/json' };
const server = http.createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (PAGES[path]) {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    return res.end(PAGES[path]);
  }
  if (path === '/bench/cards-50') {
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
    return res.end(JSON.stringify(FIFTY));
  }
  if (path.startsWith('/dist/')) {
    try {
      const data = readFileSync(`.${path}`);
      res.writeHead(200, { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream', 'Cache-Control': 'max-age=3600' });
      return res.end(data);
    } catch {
      res.writeHead(404);
      return res.end();
    }
  }
  servers.backend(req, res, () => {
    res.writeHead(404);
    res.end();
  });
});
await new Promise((resolve) => server.listen(PORT, 'localhost', resolve));

// ------------------------------------------------------------------ browser
const browser = await puppeteer.launch({
  executablePath: findChrome('bench'),
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  ignoreDefaultArgs: ['--disable-popup-blocking'], // popups open only inside real clicks, as for shoppers
});

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const sum = (xs) => xs.reduce((a, b) => a + b, 0);

async function closePopups(keep) {
  for (const p of await browser.pages()) if (p !== keep) await p.close();
}

try {
  const page = await browser.newPage();

  // Load: script evaluation and time to a clickable button, fresh page loads (no HTTP cache).
  await page.setCacheEnabled(false);
  const evalMs = [];
  const readyMs = [];
  const loadLongTasks = [];
  for (let i = 0; i < RUNS; i++) {
    await page.goto(`${ORIGIN}/bench/load.html`, { waitUntil: 'load' });
    await page.waitForFunction('window.__tReady !== undefined');
    const r = await page.evaluate(() => {
      const entry = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/dist/kpg-checkout.js'));
      return { t0: window.__t0, tEval: window.__tEval, tReady: window.__tReady, fetched: entry ? entry.responseEnd : window.__t0, long: window.__long.length };
    });
    evalMs.push(r.tEval - Math.max(r.t0, r.fetched));
    readyMs.push(r.tReady - r.t0);
    loadLongTasks.push(r.long);
  }
  await page.setCacheEnabled(true);

  // A card picker of 50 cards: from attaching it to 50 rendered cards (each with its own URL: fetched too).
  await page.goto(`${ORIGIN}/bench/picker.html`, { waitUntil: 'load' });
  const pickerMs = [];
  for (let i = 0; i < RUNS; i++) pickerMs.push(await page.evaluate((n) => window.renderPicker(n), i));

  // Click to popup: widget vs bare baseline, alternating, each on a fresh page.
  const widgetMs = [];
  const baselineMs = [];
  const payLongTasks = [];
  const baselineLongTasks = [];
  for (let i = 0; i < POPUP_RUNS * 2; i++) {
    const widget = i % 2 === 0;
    await page.goto(`${ORIGIN}/bench/popup.html`, { waitUntil: 'load' });
    await page.waitForFunction('window.ShinhanBizPay !== undefined');
    await page.locator(widget ? 'kpg-checkout >>> button' : '#baseline').click();
    await page.waitForFunction('window.__opens.some((o) => o.url.includes("/pgsvc/pay"))', { timeout: 10000 });
    // Long tasks from the click on (the page's own load is measured above).
    const r = await page.evaluate(() => ({ click: window.__click, open: window.__opens.find((o) => o.url.includes('/pgsvc/pay')).t, long: window.__long.filter((t) => t >= window.__click).length }));
    (widget ? widgetMs : baselineMs).push(r.open - r.click);
    (widget ? payLongTasks : baselineLongTasks).push(r.long);
    await closePopups(page);
  }

  // Memory: 1,000 create/attach/remove cycles of a checkout with a picker, heap after a forced GC.
  await page.goto(`${ORIGIN}/bench/memory.html`, { waitUntil: 'load' });
  const cdp = await page.createCDPSession();
  // Settle before measuring: let pending tasks (image decodes, timers) finish, then collect several times,
  // since objects freed by one collection's finalizers are only reclaimed by the next.
  // The smallest of three settled readings: a collection that ran short only ever reads higher.
  const heap = async () => {
    const readings = [];
    for (let r = 0; r < 3; r++) {
      await page.evaluate(() => new Promise((done) => setTimeout(done, 300)));
      for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
      readings.push((await cdp.send('Runtime.getHeapUsage')).usedSize);
    }
    return Math.min(...readings);
  };
  await page.evaluate(() => window.cycles(50)); // warm up: caches, compiled code
  const heapBefore = await heap();
  // Heap at four checkpoints: a leak grows with every batch, noise does not.
  const checkpoints = [];
  for (let batch = 0; batch < 4; batch++) {
    await page.evaluate((n) => window.cycles(n), CYCLES / 4);
    checkpoints.push(await heap());
  }
  const heapAfter = checkpoints[checkpoints.length - 1];

  // ------------------------------------------------------------------ report
  // Widget and baseline ran in alternating pairs: the median of the pairs' ratios cancels slow drift of a
  // shared machine better than the ratio of the two medians (both are reported).
  const pairRatios = widgetMs.map((w, i) => w / baselineMs[i]);
  const ratio = median(pairRatios);
  const results = {
    date: new Date().toISOString(),
    chromium: await browser.version(),
    runs: { loads: RUNS, pickers: RUNS, popups: POPUP_RUNS, cycles: CYCLES },
    bytes,
    load: { scriptEvalMs: round(median(evalMs), 2), scriptToClickableButtonMs: round(median(readyMs), 2), longTasks: sum(loadLongTasks), runsWithLongTasks: loadLongTasks.filter(Boolean).length },
    picker50: { renderMs: round(median(pickerMs), 2) },
    clickToPopup: {
      widgetMs: round(median(widgetMs), 2),
      baselineMs: round(median(baselineMs), 2),
      ratio: round(ratio, 3),
      ratioOfMedians: round(median(widgetMs) / median(baselineMs), 3),
      longTasks: sum(payLongTasks),
      baselineLongTasks: sum(baselineLongTasks),
    },
    memory: { heapBeforeBytes: heapBefore, heapAfterBytes: heapAfter, growthBytes: heapAfter - heapBefore, checkpoints },
  };
  const checks = [
    ['dist/kpg-checkout.js gzip', bytes['dist/kpg-checkout.js'].gzip, `<= ${BUDGETS['dist/kpg-checkout.js'].target} (issue goal)`, bytes['dist/kpg-checkout.js'].gzip <= BUDGETS['dist/kpg-checkout.js'].target],
    ['dist/kpg-return.js gzip', bytes['dist/kpg-return.js'].gzip, `<= ${BUDGETS['dist/kpg-return.js'].target}`, bytes['dist/kpg-return.js'].gzip <= BUDGETS['dist/kpg-return.js'].target],
    ['click-to-popup ratio', results.clickToPopup.ratio, '<= 1.10', ratio <= 1.1],
    ['long tasks (load, pay)', `${results.load.longTasks}, ${results.clickToPopup.longTasks}`, '0', results.load.longTasks === 0 && results.clickToPopup.longTasks === 0],
    ['heap growth, bytes', results.memory.growthBytes, '< 1048576', results.memory.growthBytes < 1048576],
  ];
  results.budgets = Object.fromEntries(checks.map(([name, value, limit, ok]) => [name, { value, limit, ok }]));

  const rows = [
    ['dist/kpg-checkout.js', `${bytes['dist/kpg-checkout.js'].raw} B raw, ${bytes['dist/kpg-checkout.js'].gzip} B gzip -9, ${bytes['dist/kpg-checkout.js'].brotli} B brotli`],
    ['dist/kpg-return.js', `${bytes['dist/kpg-return.js'].raw} B raw, ${bytes['dist/kpg-return.js'].gzip} B gzip -9, ${bytes['dist/kpg-return.js'].brotli} B brotli`],
    ['script evaluation (median)', `${results.load.scriptEvalMs} ms`],
    ['<script> to clickable button (median)', `${results.load.scriptToClickableButtonMs} ms`],
    ['card picker, 50 cards (median)', `${results.picker50.renderMs} ms`],
    ['click to PG window: widget / baseline (medians)', `${results.clickToPopup.widgetMs} ms / ${results.clickToPopup.baselineMs} ms`],
    ['  ratio: median of paired runs (of medians)', `${results.clickToPopup.ratio} (${results.clickToPopup.ratioOfMedians})`],
    [`long tasks > 50 ms, all runs: load / pay / baseline pay`, `${results.load.longTasks} / ${results.clickToPopup.longTasks} / ${results.clickToPopup.baselineLongTasks}`],
    [`JS heap after ${CYCLES} create/attach/remove cycles`, `${heapBefore} -> ${heapAfter} B (${results.memory.growthBytes >= 0 ? '+' : ''}${results.memory.growthBytes} B); every ${CYCLES / 4}: ${checkpoints.join(', ')}`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\nkpg-checkout benchmark (${results.chromium}; ${RUNS} loads, ${POPUP_RUNS}+${POPUP_RUNS} popups, ${CYCLES} cycles)\n`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  console.log('\nbudgets');
  for (const [name, value, limit, ok] of checks) console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${name}: ${value} (${limit})`);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/bench.json', `${JSON.stringify(results, null, 2)}\n`);
  console.log('\nwritten: bench-results/bench.json');
} finally {
  await browser.close();
  server.close();
  await servers.close();
}
