// npm run bench: the widget measured in headless Chromium against the built files, the reference backend
// (kpg-checkout/server on PGlite, the demo's buyer-bound orders) and the sandbox PGs, all on this machine.
// Prints its tables (medians, and the bare baseline measured in the same run beside each widget figure)
// and writes bench-results/bench.json:
//
// 1. bytes: each shipped file (raw, gzip -9, brotli), and per page type what the page fetched of the widget
//    before its element was interactive and in all (the second stage of a two-stage file counts in all);
// 2. load: <script> to interactive button and the script's evaluation, per file, and with the CPU 4x slower
//    (DevTools protocol) as a phone proxy;
// 3. click to PG window: the widget (kpg-shinhan.js) against a bare handler (a plain click listener that
//    fetches the same session and hands its URL to Shinhan's script), in pairs whose order alternates,
//    against the real backend and against an instant stub (a canned session answered at once: the widget's
//    share without the backend's); then traced pairs: the critical path read from the trace (click to
//    session request sent, response received to window.open; the widget's less the bare handler's is its own
//    work), and the long tasks (> 50 ms) of the click and window tasks split into the widget's code and
//    everyone else's (the browser opening the window, the PG's script); and clicks that come before the
//    second stage has arrived;
// 4. a 50-card picker, and the JS heap over create/attach/remove cycles.
//
// Every wait is on a promise the page resolves (a custom element defined, an update complete, window.open
// called), never on polling per frame. The bench seeds its own orders (each run buys one for the page's own
// buyer cookie, as a shop's order step does) and sets its own rate limits (one client making hundreds of
// sessions a minute is the bench, not an attack).
//
//   npm run bench                      everything, with a fresh build
//   npm run bench -- --no-build        use dist/ as it is
//   npm run bench -- --quick           a few runs of each (what test/node/bench.test.mjs runs in npm test)
//   npm run bench -- --out FILE        write the JSON there instead of bench-results/bench.json
//   BENCH_RUNS=20 (loads, pickers)  BENCH_PAIRS=15 (click pairs per backend)  BENCH_TRACED=5  BENCH_CYCLES=1000
//   CHROME_PATH=/usr/bin/chromium
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, extname } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import puppeteer from 'puppeteer-core';
import { demoServers } from '../demo/servers.mjs';
import { findChrome } from './chrome.mjs';
import { CARD_COMPANIES } from '../demo/sandbox/shinhan/cards.mjs';
import { freePort } from '../test/server/free-port.mjs';

const QUICK = process.argv.includes('--quick');
const OUT = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1] : 'bench-results/bench.json';
const env = (name, full, quick) => Number(process.env[name] ?? (QUICK ? quick : full));
const RUNS = env('BENCH_RUNS', 20, 2);
const PAIRS = env('BENCH_PAIRS', 15, 2);
const TRACED = env('BENCH_TRACED', 5, 1);
const CYCLES = env('BENCH_CYCLES', 1000, 20);
const PORT = await freePort(); // free ports: a bench beside `npm test` or a demo never collides
const ORIGIN = `http://localhost:${PORT}`;
const TARGETS = JSON.parse(readFileSync(new URL('../size-budgets.json', import.meta.url), 'utf8'));

if (!process.argv.includes('--no-build')) execFileSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });

// ------------------------------------------------------------------ bytes of every shipped script
const bytes = {};
for (const name of readdirSync('dist').filter((f) => /^kpg-.*\.js$/.test(f)).sort()) {
  const data = readFileSync(`dist/${name}`);
  bytes[name] = {
    raw: data.length,
    gzip: gzipSync(data, { level: 9 }).length,
    brotli: brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}
const fileOf = (url) => new URL(url).pathname.split('/').pop();

// ------------------------------------------------------------------ servers
const servers = await demoServers({
  publicBaseUrl: ORIGIN,
  shinhanPort: 0,
  smartroPort: 0,
  returnScriptFrom: 'dist',
  // The bench is one client making a few hundred sessions (and their lookups) a minute: the shop's
  // per-client limits (20 sessions a minute) would answer 429 from the 21st click on.
  rateLimit: Object.fromEntries(['session', 'cards', 'lookups', 'refusals'].map((name) => [name, { limit: 100_000, windowMs: 60_000 }])),
  // The click path as it was measured: no consent step to tick first (issue 25's step is measured apart).
  shinhanTerms: 'none',
});
const SANDBOX = servers.shinhanOrigin;
const SCRIPT = `${SANDBOX}/businessPayment/unifiedPay/script`;
const PAY_PAGE = `${SANDBOX}/pgsvc/pay`;

/** 50 card companies: the sandbox's ten, five times over with their own codes. */
const FIFTY = {
  ret_code: 0,
  ret_msg: 'OK',
  list: Array.from({ length: 50 }, (_, i) => {
    const c = CARD_COMPANIES[i % CARD_COMPANIES.length];
    return { ...c, card_cpny_cd: `B${String(i).padStart(3, '0')}`, card_cpny_name: `${c.card_cpny_name} ${i + 1}`, sort_no: 50 - i };
  }),
};

/** The backends a click can talk to: the real one (the demo's orders, kpg-checkout/server, the sandbox) and an instant stub. */
const BACKENDS = {
  real: { session: '/api/kpg/session', result: '/api/kpg/result' },
  stub: { session: '/bench/stub/session', result: '/bench/stub/result' },
};

/** The sandbox is not Shinhan's host: allowed from the page's script (markup cannot), before elements connect. */
const ALLOW = `<script>KpgCheckout.allowPgOrigins(['${SANDBOX}']);</script>`;

const checkoutTag = ({ order = 'A-1001', backend = BACKENDS.real, extra = '' } = {}) =>
  `<kpg-checkout provider="shinhan" device="pc" order-id="${order}" amount="11000" session-url="${backend.session}"
  result-url="${backend.result}" script-src="${SCRIPT}" ${extra}></kpg-checkout>`;

/**
 * Promises the page resolves, so the bench waits on events and never polls: `__interactive` when the
 * checkout is defined and rendered (its button enabled), `__complete` when every element is defined (the
 * second stage of a two-stage file arrived), `__bizPay` when Shinhan's script has set its API.
 */
const PROBES = `<script>
  window.__long = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__long.push(e.startTime); }).observe({ type: 'longtask', buffered: true });
  window.__bizPay = new Promise((resolve) => {
    let api;
    Object.defineProperty(window, 'ShinhanBizPay', { configurable: true, get: () => api, set: (value) => { api = value; resolve(performance.now()); } });
  });
  window.__complete = Promise.all(['kpg-checkout', 'kpg-receipt'].map((t) => customElements.whenDefined(t))).then(() => performance.now());
</script>`;

/** At the end of the body (the checkout is parsed): \`__interactive\`, when its first render is done and its button enabled. */
const INTERACTIVE = `<script>
  window.__interactive = customElements.whenDefined('kpg-checkout').then(async () => {
    const el = document.querySelector('kpg-checkout');
    await el.updateComplete;
    const button = el.shadowRoot.querySelector('button');
    if (!button || button.disabled) throw new Error('the checkout rendered no enabled button');
    return performance.now();
  });
</script>`;

/**
 * The click probes of the popup page: when the click reached the document (capture), and a promise for the
 * first window.open (a user-timing mark too, so traces show it).
 */
const CLICK_PROBES = `<script>
  document.addEventListener('click', () => { window.__click ??= performance.now(); }, true);
  // When the session request is handed to fetch, and when its body has been read (text() or json(): the
  // widget reads text, the bare handler json): the same probes for both arms, no tracing overhead.
  const fetch0 = window.fetch;
  window.fetch = function (input, init) {
    const session = String(input instanceof Request ? input.url : input).includes('/session');
    if (session) window.__fetchAt ??= performance.now();
    const response = fetch0.call(this, input, init);
    return session ? response.then((r) => { r.__session = true; return r; }) : response;
  };
  for (const read of ['text', 'json']) {
    const original = Response.prototype[read];
    Response.prototype[read] = function () {
      const body = original.call(this);
      return this.__session ? body.then((v) => { window.__bodyAt ??= performance.now(); return v; }) : body;
    };
  }
  window.__opened = new Promise((resolve) => {
    const open = window.open;
    window.open = function (url, ...rest) {
      performance.mark('kpg-bench-window-open');
      const t = performance.now();
      const win = open.call(this, url, ...rest);
      resolve({ url: String(url), t, ok: !!win });
      return win;
    };
  });
</script>`;

/** Buy an order for this page's buyer (the demo shop's order step; its cookie is set by the answer). */
const BUY = `async function buy() {
    const res = await fetch('/api/demo/orders', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"product_id":"p1"}' });
    if (!res.ok) throw new Error('order: HTTP ' + res.status);
    return (await res.json()).order_id;
  }`;

/** \`until(root, done)\`: resolves once \`done()\` holds, checked again on every change under \`root\` (no polling). */
const UNTIL = `window.until = (root, done) => new Promise((resolve) => {
      if (done()) return resolve();
      new MutationObserver((_, observer) => { if (done()) { observer.disconnect(); resolve(); } }).observe(root, { childList: true, subtree: true, attributes: true });
    });`;

/** The file a shop of each kind loads, and what it puts on the page (bytes and requests per page type). */
const PAGE_TYPES = {
  'Shinhan checkout': { file: 'kpg-shinhan.js', body: checkoutTag() },
  'Smartro checkout': {
    file: 'kpg-smartro.js',
    body: '<kpg-checkout provider="smartro" device="pc" order-id="A-1002" amount="55000" session-url="/api/kpg/session" result-url="/api/kpg/result"></kpg-checkout>',
  },
  'Shinhan checkout + card picker (50 cards)': { file: 'kpg-shinhan.js', body: checkoutTag({ extra: 'pgcode="card" cards-url="/bench/cards-50?page"' }) },
  'Shinhan and Smartro, one file': { file: 'kpg-checkout.js', body: checkoutTag() },
};

const PAGES = {
  '/bench/page.html': (q) => {
    const t = PAGE_TYPES[q.get('type')];
    return `<!doctype html><html><head><meta charset="utf-8">${PROBES}<script src="/dist/${t.file}"></script>${ALLOW}</head><body>${t.body}${INTERACTIVE}</body></html>`;
  },
  // From the <script> tag to an interactive button (the evaluation: the script alone).
  '/bench/load.html': (q) => `<!doctype html><html><head><meta charset="utf-8">${PROBES}
    <script>window.__t0 = performance.now();</script>
    <script src="/dist/${q.get('file')}"></script>${ALLOW}
    <script>window.__tEval = performance.now();</script></head><body>${checkoutTag()}${INTERACTIVE}</body></html>`,
  '/bench/picker.html': () => `<!doctype html><html><head><meta charset="utf-8">${PROBES}<script src="/dist/kpg-shinhan.js"></script>${ALLOW}</head><body>
    <script>${UNTIL}
    window.renderPicker = async (i) => {
      await customElements.whenDefined('kpg-card-picker');
      const el = document.createElement('kpg-card-picker');
      el.setAttribute('amount', '55000');
      const t = performance.now();
      el.setAttribute('cards-url', '/bench/cards-50?i=' + i);
      document.body.append(el);
      await el.updateComplete;
      await until(el.shadowRoot, () => el.shadowRoot.querySelectorAll('[role=radio]').length === 50);
      const ms = performance.now() - t;
      el.remove();
      return ms;
    };</script></body></html>`,
  // The widget (kpg-shinhan.js, as a Shinhan shop loads it) and a bare baseline on the same page: a plain
  // click handler that fetches the same session and hands the same URL to Shinhan's script (which opens the
  // window, as for the widget). ?backend=real|stub; the bench clicks one of the two buttons.
  '/bench/popup.html': (q) => {
    const backend = BACKENDS[q.get('backend')];
    const delay = q.get('stage2delay');
    const stage2 = delay ? ` data-kpg-stage2="/dist/kpg-shinhan.stage2.js?delay=${delay}"` : '';
    return `<!doctype html><html><head><meta charset="utf-8">${PROBES}${CLICK_PROBES}
    <script src="/dist/kpg-shinhan.js"${stage2}></script>${ALLOW}</head><body>
    ${checkoutTag({ order: 'pending', backend })}
    <button id="bare" style="display:block;width:240px;height:52px;margin-top:8px">bare</button>${INTERACTIVE}
    <script>${BUY}
    window.__order = ${q.get('backend') === 'real' ? 'buy()' : "Promise.resolve('S-' + Math.random().toString(36).slice(2))"}.then((order) => {
      document.querySelector('kpg-checkout').setAttribute('order-id', order);
      return order;
    });
    document.getElementById('bare').addEventListener('click', async () => {
      const res = await fetch(${JSON.stringify(backend.session)}, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ provider: 'shinhan', order_id: await window.__order, device_type: 2, pgcode: 'selpay', main_color: 'FFFFFF', point_color: '5379FF' }) });
      const { redirect_url } = await res.json();
      ShinhanBizPay.openPopup(redirect_url, function () {}); // Shinhan opens its window from its own script

    });</script></body></html>`;
  },
  '/bench/memory.html': () => `<!doctype html><html><head><meta charset="utf-8"><script src="/dist/kpg-checkout.js"></script>${ALLOW}</head><body>
    <script>${UNTIL}
    window.cycles = async (n) => {
      for (let i = 0; i < n; i++) {
        const el = document.createElement('div');
        el.innerHTML = ${JSON.stringify(checkoutTag({ extra: 'pgcode="card" cards-url="/bench/cards-50?memory"' }))};
        const checkout = el.firstElementChild;
        document.body.append(checkout);
        await checkout.updateComplete;
        const picker = checkout.shadowRoot.querySelector('kpg-card-picker');
        await customElements.whenDefined('kpg-card-picker');
        await picker.updateComplete;
        await until(picker.shadowRoot, () => picker.shadowRoot.querySelectorAll('[role=radio]').length === 50);
        checkout.remove();
      }
    };</script></body></html>`,
};

// ------------------------------------------------------------------ traces
/** The renderer's main thread of the page at `pageUrl` in a trace: its process and thread ids. */
function mainThread(events, pageUrl) {
  const started = events.find((e) => e.name === 'TracingStartedInBrowser');
  const frame = started?.args?.data?.frames?.find((f) => f.url === pageUrl) ?? started?.args?.data?.frames?.find((f) => !f.parent);
  const pid = frame?.processId;
  const tid = events.find((e) => e.pid === pid && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')?.tid;
  return { pid, tid };
}

/** CPU samples of the page's process: [time, node] pairs, the nodes (their URLs say whose code ran), the interval. */
function cpuSamples(events, pid) {
  const nodes = new Map();
  const samples = [];
  const deltas = [];
  let t;
  for (const e of events) {
    if (e.pid !== pid || (e.name !== 'Profile' && e.name !== 'ProfileChunk')) continue;
    const data = e.args?.data ?? {};
    if (e.name === 'Profile') {
      t = data.startTime;
      continue;
    }
    for (const n of data.cpuProfile?.nodes ?? []) nodes.set(n.id, n);
    const ids = data.cpuProfile?.samples ?? [];
    for (let i = 0; i < ids.length; i++) {
      const d = data.timeDeltas?.[i] ?? 0;
      t = (t ?? e.ts) + d;
      deltas.push(d);
      samples.push([t, ids[i]]);
    }
  }
  return { nodes, samples, interval: median(deltas.filter((d) => d > 0)) || 100 };
}

/**
 * Milliseconds the CPU samples put in the widget's files (`/dist/kpg-`) and elsewhere within [from, to].
 * A sample stands for the time to the next one, at most four sampling intervals: a gap in the samples (a
 * busy machine starves the sampler) is not charged to whatever ran before it.
 */
function whose({ nodes, samples, interval }, from, to) {
  let widget = 0;
  let other = 0;
  const inside = samples.filter(([t]) => t >= from && t <= to);
  for (let i = 0; i < inside.length; i++) {
    const span = Math.min((inside[i + 1]?.[0] ?? to) - inside[i][0], 4 * interval);
    const url = nodes.get(inside[i][1])?.callFrame?.url ?? '';
    if (url.includes('/dist/kpg-')) widget += span;
    else other += span;
  }
  return { widgetMs: widget / 1000, otherMs: other / 1000 };
}

/**
 * One traced click, read from the trace: the critical path (the click's dispatch to the session request
 * sent; the response received to window.open) and the long tasks (> 50 ms) after the click, each split
 * into the widget's code and the rest.
 */
function readTrace(trace, pageUrl, sessionPath) {
  const events = trace.traceEvents;
  const { pid, tid } = mainThread(events, pageUrl);
  const click = events.find((e) => e.pid === pid && e.tid === tid && e.name === 'EventDispatch' && e.args?.data?.type === 'click');
  const sent = events.find((e) => e.name === 'ResourceSendRequest' && e.args?.data?.url?.includes(sessionPath));
  const requestId = sent?.args?.data?.requestId;
  const received = events.filter((e) => e.args?.data?.requestId === requestId && (e.name === 'ResourceReceiveResponse' || e.name === 'ResourceFinish'));
  const finished = received.find((e) => e.name === 'ResourceFinish') ?? received[received.length - 1];
  const open = events.find((e) => e.name === 'kpg-bench-window-open' && (e.ph === 'R' || e.ph === 'I' || e.ph === 'n' || e.ph === 'b'));
  if (!click || !sent || !finished || !open) {
    throw new Error(`trace incomplete: click ${!!click}, request ${!!sent}, response ${!!finished}, window.open ${!!open}`);
  }
  const cpu = cpuSamples(events, pid);
  const tasks = events.filter((e) => e.pid === pid && e.tid === tid && e.name === 'RunTask' && e.ph === 'X' && e.dur > 50_000 && e.ts + e.dur >= click.ts);
  return {
    clickToRequestMs: (sent.ts - click.ts) / 1000,
    responseToOpenMs: (open.ts - finished.ts) / 1000,
    clickToOpenMs: (open.ts - click.ts) / 1000,
    clickWidgetCpuMs: whose(cpu, click.ts, sent.ts).widgetMs,
    openWidgetCpuMs: whose(cpu, finished.ts, open.ts).widgetMs,
    longTasks: tasks.map((task) => ({ ms: task.dur / 1000, ...whose(cpu, task.ts, task.ts + task.dur) })),
  };
}

// ------------------------------------------------------------------ the bench's own server
const TYPES = { '.js': 'text/javascript; charset=utf-8', '.json': 'application/json' };
const json = (res, status, body) => {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
};
const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', ORIGIN);
  if (PAGES[url.pathname]) {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    return res.end(PAGES[url.pathname](url.searchParams));
  }
  if (url.pathname === '/bench/cards-50') return json(res, 200, FIFTY);
  // The instant stub: a canned session for any order at once (the same pay page as the real backend's),
  // and `pending` for its result (the bench closes the window: the widget reports it and ends cancelled).
  if (url.pathname === BACKENDS.stub.session) {
    req.resume();
    const order_no = `B${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    return json(res, 200, { provider: 'shinhan', order_no, redirect_url: `${PAY_PAGE}?stub=${order_no}` });
  }
  if (url.pathname === BACKENDS.stub.result) {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => json(res, 200, { status: 'pending', order_no: url.searchParams.get('order_no') ?? JSON.parse(body || '{}').order_no }));
    return undefined;
  }
  if (url.pathname.startsWith('/dist/')) {
    let data;
    try {
      data = readFileSync(`.${url.pathname}`);
    } catch {
      res.writeHead(404);
      return res.end();
    }
    // ?delay=ms: a second stage still on its way when the buyer clicks (the click-early runs).
    setTimeout(() => {
      res.writeHead(200, { 'Content-Type': TYPES[extname(url.pathname)] ?? 'application/octet-stream', 'Cache-Control': 'max-age=3600' });
      res.end(data);
    }, Number(url.searchParams.get('delay') ?? 0));
    return undefined;
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

function median(xs) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'disabled-by-default-v8.cpu_profiler', 'blink.user_timing', 'loading', 'netlog'];

async function closeOthers(keep) {
  for (const p of await browser.pages()) if (p !== keep) await p.close();
}

/**
 * A real click (trusted, with user activation) on the centre of the element `selector` finds, once it has a
 * box: on a loaded machine the element can be there before it is laid out (boundingBox null), so its box is
 * awaited, bounded (10 s), not assumed.
 */
async function click(page, selector) {
  const deadline = Date.now() + 10_000;
  let box = null;
  while (!(box = await (await page.$(selector))?.boundingBox()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (!box) throw new Error(`bench: ${selector} has no box to click within 10 s (not rendered?)`);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}

try {
  const page = await browser.newPage();
  const cdp = await page.createCDPSession();

  // 1. Bytes per page type: the widget's files the page fetched before its checkout was interactive (requests
  // started before that moment), and everything it fetched once the network was idle.
  const pageTypes = {};
  for (const [type, t] of Object.entries(PAGE_TYPES)) {
    await page.goto(`${ORIGIN}/bench/page.html?type=${encodeURIComponent(type)}`, { waitUntil: 'load' });
    const interactive = await page.evaluate(() => window.__interactive);
    await page.evaluate(() => window.__complete);
    await page.waitForNetworkIdle({ idleTime: 300 });
    const entries = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => ({ url: e.name, start: e.startTime })));
    const widget = entries.filter((e) => new URL(e.url).pathname.startsWith('/dist/'));
    const gz = (list) => sum(list.map((e) => bytes[fileOf(e.url)]?.gzip ?? 0));
    const before = widget.filter((e) => e.start < interactive);
    pageTypes[type] = {
      files: widget.map((e) => fileOf(e.url)),
      beforeInteractive: { files: before.map((e) => fileOf(e.url)), gzip: gz(before) },
      all: { requests: widget.length, gzip: gz(widget), brotli: sum(widget.map((e) => bytes[fileOf(e.url)]?.brotli ?? 0)) },
      other: entries.filter((e) => !widget.includes(e)).map((e) => new URL(e.url).pathname),
    };
  }

  // 2. Load: fresh page loads (no HTTP cache), per file, and kpg-shinhan.js again with the CPU 4x slower.
  await page.setCacheEnabled(false);
  const loads = {};
  const loadFiles = ['kpg-shinhan.js', 'kpg-checkout.js'];
  for (const [name, file, rate] of [...loadFiles.map((f) => [f, f, 1]), ['kpg-shinhan.js, CPU 4x slower', 'kpg-shinhan.js', 4]]) {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate });
    const evalMs = [];
    const interactiveMs = [];
    const completeMs = [];
    let long = 0;
    for (let i = 0; i < RUNS; i++) {
      await page.goto(`${ORIGIN}/bench/load.html?file=${file}`, { waitUntil: 'load' });
      const r = await page.evaluate(async (f) => {
        const interactive = await window.__interactive;
        const complete = await window.__complete;
        const entry = performance.getEntriesByType('resource').find((e) => e.name.endsWith(`/dist/${f}`));
        return { t0: window.__t0, tEval: window.__tEval, interactive, complete, fetched: entry ? entry.responseEnd : window.__t0, long: window.__long.length };
      }, file);
      evalMs.push(r.tEval - Math.max(r.t0, r.fetched));
      interactiveMs.push(r.interactive - r.t0);
      completeMs.push(r.complete - r.t0);
      long += r.long;
    }
    // The script's own evaluation (compile and run), from traced loads: the main thread's EvaluateScript
    // for the file (the timings above also hold the parser's and the network's waits).
    const traceEval = [];
    for (let i = 0; i < Math.max(2, Math.ceil(RUNS / 4)); i++) {
      await page.tracing.start({ categories: TRACE_CATEGORIES });
      await page.goto(`${ORIGIN}/bench/load.html?file=${file}`, { waitUntil: 'load' });
      await page.evaluate(() => window.__interactive);
      const trace = JSON.parse(Buffer.from(await page.tracing.stop()).toString('utf8'));
      const evaluated = trace.traceEvents.filter((e) => e.name === 'EvaluateScript' && e.ph === 'X' && e.args?.data?.url?.endsWith(`/dist/${file}`));
      if (evaluated.length) traceEval.push(sum(evaluated.map((e) => e.dur)) / 1000);
    }
    loads[name] = {
      evalMs: round(median(traceEval)),
      evalBetweenTagsMs: round(median(evalMs)),
      interactiveMs: round(median(interactiveMs)),
      completeMs: round(median(completeMs)),
      longTasks: long,
    };
  }
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  await page.setCacheEnabled(true);

  // 4a. A card picker of 50 cards: from attaching it to 50 rendered cards (each with its own URL: fetched too).
  await page.goto(`${ORIGIN}/bench/picker.html`, { waitUntil: 'load' });
  const pickerMs = [];
  for (let i = 0; i < RUNS; i++) pickerMs.push(await page.evaluate((n) => window.renderPicker(n), i));

  // 3. Click to PG window, in pairs whose order alternates (widget first, then bare first), each run on a
  // fresh page with its own order, ready before the click: the checkout interactive, every element defined,
  // Shinhan's script loaded, the order bought. Then traced pairs (tracing slows the page: not timed).
  const popup = async (arm, backend, traced) => {
    const url = `${ORIGIN}/bench/popup.html?backend=${backend}`;
    await page.goto(url, { waitUntil: 'load' });
    await page.evaluate(() => Promise.all([window.__interactive, window.__complete, window.__bizPay, window.__order]));
    if (traced) await page.tracing.start({ categories: TRACE_CATEGORIES });
    await click(page, arm === 'bare' ? '#bare' : 'kpg-checkout >>> button');
    const opened = await page.evaluate(() => window.__opened.then((o) => ({ ...o, click: window.__click, fetchAt: window.__fetchAt, bodyAt: window.__bodyAt })));
    if (!opened.ok || !opened.url.startsWith(PAY_PAGE)) throw new Error(`${arm}/${backend}: the PG window did not open (${opened.url})`);
    let result = { clickToOpenMs: opened.t - opened.click, clickToFetchMs: opened.fetchAt - opened.click, bodyToOpenMs: opened.t - opened.bodyAt };
    if (traced) {
      // Let the window's task finish inside the trace (its long task is the browser opening the window).
      await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
      const trace = JSON.parse(Buffer.from(await page.tracing.stop()).toString('utf8'));
      result = readTrace(trace, url, BACKENDS[backend].session);
    }
    await closeOthers(page);
    return result;
  };
  const clicks = {};
  for (const backend of Object.keys(BACKENDS)) {
    const runs = { widget: [], bare: [] };
    const traced = { widget: [], bare: [] };
    for (let i = 0; i < PAIRS + TRACED; i++) {
      const order = i % 2 === 0 ? ['widget', 'bare'] : ['bare', 'widget'];
      for (const arm of order) {
        if (i < PAIRS) runs[arm].push(await popup(arm, backend, false));
        else traced[arm].push(await popup(arm, backend, true));
      }
    }
    const pairRatios = runs.widget.map((w, i) => w.clickToOpenMs / runs.bare[i].clickToOpenMs);
    const path = (list, key) => round(median(list.map((r) => r[key])));
    const arm = (name) => ({
      clickToOpenMs: round(median(runs[name].map((r) => r.clickToOpenMs))),
      // Untraced, from the page's own probes: the click to fetch(), the body read to window.open.
      clickToFetchMs: round(median(runs[name].map((r) => r.clickToFetchMs))),
      bodyToOpenMs: round(median(runs[name].map((r) => r.bodyToOpenMs))),
      trace: {
        clickToRequestMs: path(traced[name], 'clickToRequestMs'),
        responseToOpenMs: path(traced[name], 'responseToOpenMs'),
        criticalPathMs: round(median(traced[name].map((r) => r.clickToRequestMs + r.responseToOpenMs))),
        widgetCpuMs: round(median(traced[name].map((r) => r.clickWidgetCpuMs + r.openWidgetCpuMs))),
        longTasks: traced[name].flatMap((r) => r.longTasks),
      },
    });
    // The widget's own work on the critical path: its traced path less the bare handler's in the same pair
    // (what any handler pays, fetch() and window.open themselves, cancels out).
    // The same from the untraced pairs' probes (tracing slows every function call, the widget makes more).
    const critical = (r) => r.clickToRequestMs + r.responseToOpenMs;
    const probed = (r) => r.clickToFetchMs + r.bodyToOpenMs;
    const ownMs = round(median(traced.widget.map((w, i) => critical(w) - critical(traced.bare[i]))));
    const ownProbedMs = round(median(runs.widget.map((w, i) => probed(w) - probed(runs.bare[i]))));
    const widgetProbedMs = round(median(runs.widget.map(probed)));
    clicks[backend] = {
      widget: arm('widget'),
      bare: arm('bare'),
      ownMs,
      ownProbedMs,
      widgetProbedMs,
      ratio: round(median(pairRatios), 3),
      ratioOfMedians: round(median(runs.widget.map((r) => r.clickToOpenMs)) / median(runs.bare.map((r) => r.clickToOpenMs)), 3),
    };
  }

  // 3b. A click before the second stage has arrived (it is served a second late; the click comes as soon
  // as the button is interactive): the session request leaves at once, and the window opens as soon as
  // both the session's answer and the second stage are here, never later than the later of the two plus the
  // widget's own work.
  const STAGE2_DELAY = 1000;
  const early = [];
  for (let i = 0; i < Math.max(2, Math.ceil(PAIRS / 3)); i++) {
    await page.goto(`${ORIGIN}/bench/popup.html?backend=stub&stage2delay=${STAGE2_DELAY}`, { waitUntil: 'domcontentloaded' });
    await page.evaluate(() => Promise.all([window.__interactive, window.__bizPay, window.__order]));
    const before = await page.evaluate(() => !customElements.get('kpg-receipt'));
    await click(page, 'kpg-checkout >>> button');
    const r = await page.evaluate(async () => {
      const opened = await window.__opened;
      const entry = (part) => performance.getEntriesByType('resource').find((e) => e.name.includes(part));
      return { click: window.__click, open: opened.t, sent: entry('/bench/stub/session').startTime, answered: entry('/bench/stub/session').responseEnd, stage2: entry('stage2.js').responseEnd };
    });
    if (before) early.push(r);
    await closeOthers(page);
  }
  const earlyResult = {
    runs: early.length,
    stage2DelayMs: STAGE2_DELAY,
    clickToRequestMs: round(median(early.map((r) => r.sent - r.click))),
    clickToOpenMs: round(median(early.map((r) => r.open - r.click))),
    openAfterBothMs: round(median(early.map((r) => r.open - Math.max(r.answered, r.stage2)))),
  };

  // 4b. Memory: create/attach/remove cycles of a checkout with a picker, heap after forced collections.
  await page.goto(`${ORIGIN}/bench/memory.html`, { waitUntil: 'load' });
  // The smallest of three settled readings (a collection that ran short only ever reads higher): pending
  // tasks finish first, and several collections run, since objects freed by finalizers go in the next one.
  const heap = async () => {
    const readings = [];
    for (let r = 0; r < 3; r++) {
      await page.evaluate(() => new Promise((done) => setTimeout(done, 300)));
      for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
      readings.push((await cdp.send('Runtime.getHeapUsage')).usedSize);
    }
    return Math.min(...readings);
  };
  await page.evaluate((n) => window.cycles(n), Math.min(50, Math.ceil(CYCLES / 4))); // warm-up: caches, compiled code
  const heapBefore = await heap();
  const checkpoints = []; // a leak grows with every batch, noise does not
  for (let batch = 0; batch < 4; batch++) {
    await page.evaluate((n) => window.cycles(n), Math.ceil(CYCLES / 4));
    checkpoints.push(await heap());
  }
  const heapAfter = checkpoints[checkpoints.length - 1];

  // ------------------------------------------------------------------ report
  const shinhan = pageTypes['Shinhan checkout'];
  const throttled = loads['kpg-shinhan.js, CPU 4x slower'];
  const widgetTasks = clicks.real.widget.trace.longTasks.concat(clicks.stub.widget.trace.longTasks);
  // A long task "has widget code" when the trace's samples put 1 ms or more of it in the widget's files (the
  // window's task always holds the widget's call into the PG's script: a few microseconds).
  const withWidget = widgetTasks.filter((t) => t.widgetMs >= 1);
  const results = {
    date: new Date().toISOString(),
    chromium: await browser.version(),
    runs: { loads: RUNS, pickers: RUNS, pairs: PAIRS, traced: TRACED, cycles: CYCLES },
    bytes,
    pageTypes,
    loads,
    picker50: { renderMs: round(median(pickerMs)) },
    clicks,
    clickBeforeStage2: earlyResult,
    memory: { heapBeforeBytes: heapBefore, heapAfterBytes: heapAfter, growthBytes: heapAfter - heapBefore, checkpoints },
  };
  const target = (file) => TARGETS[`dist/${file}`]?.target;
  const smartro = pageTypes['Smartro checkout'];
  const checks = [
    ['bytes before the Shinhan button is interactive (gzip -9)', shinhan.beforeInteractive.gzip, target('kpg-shinhan.js')],
    ['everything a Shinhan checkout fetches (gzip -9)', shinhan.all.gzip, TARGETS.pages['Shinhan checkout'].target],
    ['bytes before the Smartro button is interactive (gzip -9)', smartro.beforeInteractive.gzip, target('kpg-smartro.js')],
    ['everything a Smartro checkout fetches (gzip -9)', smartro.all.gzip, TARGETS.pages['Smartro checkout'].target],
    ...Object.keys(bytes).filter(target).filter((f) => !/^kpg-(shinhan|smartro)\.js$/.test(f)).map((f) => [`${f} (gzip -9)`, bytes[f].gzip, target(f)]),
    ['evaluation before the Shinhan button is interactive, CPU 4x slower (ms)', throttled.evalMs, 8],
    ["the widget's own work on the click path: click to fetch() + body read to window.open, less the bare handler's (median of pairs, ms; stub backend)", clicks.stub.ownProbedMs, 1],
    ['long tasks with widget code (>= 1 ms of it in a task > 50 ms)', withWidget.length, 0],
    ['JS heap growth over the cycles (bytes)', results.memory.growthBytes, 1024 * 1024 - 1],
  ].map(([name, value, limit]) => ({ name, value, limit, ok: value <= limit }));
  results.targets = checks;

  const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
  const print = (title, rows) => {
    console.log(`\n${title}`);
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  };
  console.log(`\nkpg-checkout bench (${results.chromium}; ${RUNS} loads, ${PAIRS}+${PAIRS} click pairs and ${TRACED}+${TRACED} traced per backend, ${CYCLES} cycles)`);
  print('bytes: files (gzip -9; brotli)', Object.entries(bytes).map(([f, b]) => [`dist/${f}`, `${b.gzip} B (${b.raw} B raw; ${b.brotli} B brotli)`]));
  print(
    'bytes: per page, the widget before its button is interactive / in all',
    Object.entries(pageTypes).map(([type, p]) => [
      type,
      `${kb(p.beforeInteractive.gzip)} (${p.beforeInteractive.files.join(' + ')}) / ${kb(p.all.gzip)} in ${p.all.requests} request${p.all.requests === 1 ? '' : 's'} (${p.files.join(' + ')})`,
    ]),
  );
  print(
    'load (median): <script> to interactive button / every element defined; the script\'s evaluation (traced EvaluateScript; between the tags around it)',
    Object.entries(loads).map(([name, l]) => [name, `${l.interactiveMs} ms / ${l.completeMs} ms; evaluation ${l.evalMs} ms (${l.evalBetweenTagsMs} ms); long tasks ${l.longTasks}`]),
  );
  print('card picker, 50 cards (median)', [['attach to 50 rendered cards', `${results.picker50.renderMs} ms`]]);
  for (const [backend, c] of Object.entries(clicks)) {
    const row = (name) => {
      const a = c[name];
      return [
        name === 'widget' ? 'widget (kpg-shinhan.js)' : 'bare handler (baseline)',
        `${a.clickToOpenMs} ms | ${a.clickToFetchMs} + ${a.bodyToOpenMs} ms | ${a.trace.clickToRequestMs} + ${a.trace.responseToOpenMs} = ${a.trace.criticalPathMs} ms (CPU in kpg files ${a.trace.widgetCpuMs} ms)`,
      ];
    };
    print(`click to PG window, ${backend === 'real' ? 'real backend (kpg-checkout/server, PGlite, sandbox)' : 'instant stub backend'}: click to window.open (median) | probed: click to fetch() + body read to window.open | traced: click to request sent + response received to window.open`, [
      row('widget'),
      row('bare'),
      ["the widget's own work: its path less the bare handler's (median of pairs: probed; traced)", `${c.ownProbedMs} ms; ${c.ownMs} ms`],
      ['ratio widget / bare, click to window (median of pairs; of medians)', `${c.ratio} (${c.ratioOfMedians})`],
    ]);
  }
  print(`a click before the second stage arrives (served ${STAGE2_DELAY} ms late; stub backend; median of ${earlyResult.runs})`, [
    ['click to session request sent', `${earlyResult.clickToRequestMs} ms`],
    ['click to window.open', `${earlyResult.clickToOpenMs} ms`],
    ['window.open after the later of (session answered, second stage arrived)', `${earlyResult.openAfterBothMs} ms`],
  ]);
  print(`long tasks > 50 ms from the click on, ${TRACED}+${TRACED} traced clicks per backend`, [
    ['widget runs / bare runs', `${widgetTasks.length} / ${clicks.real.bare.trace.longTasks.length + clicks.stub.bare.trace.longTasks.length}`],
    ['with >= 1 ms of widget code', `${withWidget.length} (widget code in all of them ${round(sum(widgetTasks.map((t) => t.widgetMs)))} ms, the rest ${round(sum(widgetTasks.map((t) => t.otherMs)))} ms)`],
  ]);
  print(`JS heap over ${CYCLES} create/attach/remove cycles`, [
    ['after warm-up -> end (growth)', `${heapBefore} -> ${heapAfter} B (${results.memory.growthBytes >= 0 ? '+' : ''}${results.memory.growthBytes} B); each quarter: ${checkpoints.join(', ')}`],
  ]);
  console.log('\ntargets');
  for (const c of checks) console.log(`  ${c.ok ? 'PASS' : 'FAIL'}  ${c.name}: ${c.value} (at most ${c.limit})`);
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwritten: ${OUT}`);
} finally {
  await browser.close();
  server.close();
  await servers.close();
}
