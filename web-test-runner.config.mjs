// @ts-check
// npm test runs this (through scripts/test.mjs) in headless Chromium. The reference merchant backend is
// mounted as middleware on the test server's origin (like a shop's own server), and each sandbox PG runs
// on its own origin (127.0.0.1, a free port), as the real PGs are. Every port is chosen free at start, so
// two runs of `npm test` on one machine never collide; the test page learns the sandbox origins from
// `window.__KPG_TEST_ENV__` (see test/helpers.ts).
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter, summaryReporter as builtinSummary } from '@web/test-runner';
import { chromeLauncher } from '@web/test-runner-chrome';
import { demoServers } from './demo/servers.mjs';
import { fixtureMiddleware } from './test/server/fixtures.mjs';
import { fetchedBytesCommand } from './test/server/fetched-bytes.mjs';
import { pgWindowCommands } from './test/server/pg-window.mjs';
import { sandboxCommands } from './test/server/sandbox-control.mjs';
import { summaryReporter } from './test/server/summary-reporter.mjs';
import { freePort } from './test/server/free-port.mjs';

const TEST_PORT = Number(process.env.KPG_TEST_PORT) || (await freePort());

/** @type {Awaited<ReturnType<typeof demoServers>> | undefined} */
let servers;

/** Mount Connect-style middleware (the reference backend) in the runner's Koa server. */
function connectMiddleware() {
  /** @param {any} ctx @param {() => Promise<void>} next */
  return async (ctx, next) => {
    if (!servers) return next();
    const backend = servers.backend;
    let passed = false;
    await new Promise((resolve, reject) => {
      ctx.res.once('finish', resolve);
      backend(ctx.req, ctx.res, (/** @type {unknown} */ error) => {
        passed = true;
        if (error) reject(error);
        else resolve(undefined);
      });
    });
    if (passed) return next();
    ctx.respond = false; // the backend answered on the raw response
  };
}

const chromeArgs = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * `npm test` (KPG_TEST_DIST=1) runs the browser tests against the built files, each loaded by a plain
 * `<script>` as a shop loads it (test/elements.ts): every test against kpg-checkout.js, and the tests that
 * apply to one PG again against kpg-shinhan.js or kpg-smartro.js (a test that needs the other PG skips
 * itself). The ESM package test runs alone. Without KPG_TEST_DIST (a developer's run), everything runs
 * once against src/ through esbuild, no build needed.
 */
const DIST = process.env.KPG_TEST_DIST === '1';
const ESM_ONLY = ['test/package.test.ts'];
const ELEMENT_TESTS = ['test/**/*.test.ts', ...ESM_ONLY.map((f) => `!${f}`)];
const BOTH = ['test/checkout-causes.test.ts', 'test/click-path.test.ts', 'test/csp.test.ts', 'test/dist-script.test.ts', 'test/pg-files.test.ts', 'test/receipt.test.ts', 'test/sandbox-flows.test.ts'];
const PG_FILES = {
  'kpg-shinhan.js': [...BOTH, 'test/terms.test.ts', 'test/card-picker.test.ts', 'test/checkout-a11y.test.ts', 'test/checkout-errors.test.ts', 'test/checkout-lifecycle.test.ts', 'test/checkout-shinhan.test.ts', 'test/contract-v2.test.ts', 'test/theme.test.ts'],
  'kpg-smartro.js': [...BOTH, 'test/checkout-smartro.test.ts', 'test/in-app.test.ts'],
  // The development build (src/messages.ts): the tests that read developer messages, which the production
  // files above say in their short form.
  'kpg-checkout.dev.js': ['test/checkout-errors.test.ts', 'test/checkout-causes.test.ts', 'test/checkout-smartro.test.ts', 'test/contract-v2.test.ts'],
};

/** The page each test runs in: the sandbox origins (free ports) and the file under test, if any. */
const runnerHtml = (/** @type {string | undefined} */ script) => (/** @type {string} */ testFramework) =>
  `<!doctype html><html><head><meta charset="utf-8"><script>window.__KPG_TEST_ENV__ = ${JSON.stringify({
    shinhan: servers?.shinhanOrigin,
    smartro: servers?.smartroOrigin,
    script,
  })};</script></head><body><script type="module" src="${testFramework}"></script></body></html>`;

export default {
  files: DIST ? undefined : ['test/**/*.test.ts'],
  groups: DIST
    ? [
        { name: 'kpg-checkout.js', files: ELEMENT_TESTS, testRunnerHtml: runnerHtml('kpg-checkout.js') },
        ...Object.entries(PG_FILES).map(([script, files]) => ({ name: script, files, testRunnerHtml: runnerHtml(script) })),
        { name: 'esm', files: ESM_ONLY },
      ]
    : [],
  nodeResolve: true,
  hostname: 'localhost',
  port: TEST_PORT,
  concurrency: 1,
  // KPG_TEST_GREP (npm run mutate): only the tests whose names match this regular expression.
  // 20 s per test: every wait inside a test is bounded below it (rec.outcome and waitFor take at most 15 s),
  // so a test that fails says what it waited for instead of mocha's bare timeout.
  testFramework: { config: { timeout: 20000, ...(process.env.KPG_TEST_GREP ? { grep: process.env.KPG_TEST_GREP } : {}) } },
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
        headless: true,
        args: chromeArgs,
        // Keep Chromium's popup blocker ON (puppeteer turns it off by default): a popup that only opens
        // because the test browser is lenient would be a bug waiting for real shoppers.
        ignoreDefaultArgs: ['--disable-popup-blocking'],
      },
    }),
  ],
  plugins: [
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './tsconfig.json' }),
    pgWindowCommands(),
    fetchedBytesCommand(),
    sandboxCommands(() => servers),
    {
      name: 'kpg-demo-servers',
      async serverStart() {
        servers = await demoServers({
          publicBaseUrl: `http://localhost:${TEST_PORT}`,
          shinhanPort: 0,
          smartroPort: 0,
          returnScriptFrom: 'dist',
          // Every browser test is one client here (127.0.0.1), so the per-client limits of a real shop (20
          // sessions a minute) would refuse the suite's own payments with 429 when tests come thick and fast.
          // The limits themselves have node tests (test/node/server-*.test.mjs).
          rateLimit: Object.fromEntries(['session', 'cards', 'lookups', 'refusals'].map((name) => [name, { limit: 1000, windowMs: 60_000 }])),
          // Issue 25: no PG terms through the demo server, so every other test pays without the consent step;
          // test/terms.test.ts gives the checkout its terms through terms-url.
          shinhanTerms: 'none',
        });
      },
      async serverStop() {
        await servers?.close();
      },
    },
  ],
  // The sandbox origins (free ports) reach the tests through the page that runs them.
  testRunnerHtml: runnerHtml(undefined),
  middleware: [fixtureMiddleware(), connectMiddleware()],
  reporters: [defaultReporter(), builtinSummary({ flatten: false }), summaryReporter()],
};
