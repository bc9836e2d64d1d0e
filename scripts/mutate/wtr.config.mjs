// @ts-check
// web-test-runner for npm run mutate:full (scripts/mutate/stryker-runner.mjs): the project's own
// configuration (web-test-runner.config.mjs, against src/ through esbuild) plus
// - the active mutant (KPG_MUT_ACTIVE) set in each test page before any module loads;
// - scripts/mutate/wtr-hooks.js imported first by every test file: coverage and results per test;
// - the commands those hooks call: results to KPG_MUT_COVERAGE_DIR, and, on the first failed test when
//   KPG_MUT_BAIL is set, a line `KPG_MUT_FAILED <file> :: <title>` on stdout (the runner stops the run there);
// - KPG_MUT_GREP: only the tests whose full titles match (mocha's grep);
// - the shop pages a test opens in an iframe or a window (/__fixture/page: the mobile flows, EUC-KR pages,
//   the return) share the test page's __stryker__: the widget's code running there reads the active mutant
//   and counts coverage for the test that opened them (without it, that code was "reached by no test").
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import base from '../../web-test-runner.config.mjs';

const active = process.env.KPG_MUT_ACTIVE;
const bail = process.env.KPG_MUT_BAIL === '1';
const covDir = process.env.KPG_MUT_COVERAGE_DIR;
const stryker = `<script>globalThis.__stryker__ = ${JSON.stringify({ ...(active ? { activeMutant: active } : {}), bailOnFailure: bail })};</script>`;
const baseHtml = /** @type {(fw: string, cfg: any) => string} */ (base.testRunnerHtml);
let files = 0;

/** First in every shop page of the test server, before any module: the opener's (same origin) __stryker__. */
const SHARE = '<script>try{var kpgMutOwner=window.parent!==window?window.parent:window.opener;if(kpgMutOwner&&kpgMutOwner.__stryker__)window.__stryker__=kpgMutOwner.__stryker__}catch(e){}</script>';
/**
 * Koa middleware in front of the project's own (so it sees what they answer). A page with a CSP is left as
 * it is (an inline script would be a violation those tests count).
 * @param {any} ctx @param {() => Promise<void>} next
 */
export async function shareStryker(ctx, next) {
  await next();
  if (ctx.path !== '/__fixture/page' || ctx.query.csp || typeof ctx.body !== 'string') return;
  const body = /** @type {string} */ (ctx.body);
  ctx.body = /<head[^>]*>/i.test(body) ? body.replace(/<head[^>]*>/i, (m) => m + SHARE) : SHARE + body;
}

export default {
  ...base,
  testRunnerHtml: (/** @type {string} */ fw, /** @type {any} */ cfg) => baseHtml(fw, cfg).replace('<head>', `<head>${stryker}`),
  middleware: [shareStryker, ...(base.middleware ?? [])],
  testFramework: {
    config: {
      ...(base.testFramework?.config ?? {}),
      ...(process.env.KPG_MUT_GREP ? { grep: process.env.KPG_MUT_GREP } : {}),
      ...(bail ? { bail: true } : {}),
    },
  },
  plugins: [
    ...(base.plugins ?? []),
    {
      name: 'kpg-mutate',
      /** @param {{ path: string, body: unknown }} context */
      transform(context) {
        if (/^\/test\/.*\.test\.ts$/.test(context.path) && typeof context.body === 'string')
          return { body: `import '/scripts/mutate/wtr-hooks.js';\n${context.body}` };
        return undefined;
      },
      /** @param {{ command: string, payload: any, session: any }} args */
      executeCommand({ command, payload, session }) {
        const file = relative(process.cwd(), session.testFile);
        if (command === 'kpg-mut-failed') {
          process.stdout.write(`\nKPG_MUT_FAILED ${file} :: ${payload.title}\n`);
          return true;
        }
        if (command === 'kpg-mut-coverage') {
          if (covDir) {
            mkdirSync(covDir, { recursive: true });
            writeFileSync(join(covDir, `browser-${process.pid}-${++files}.json`), JSON.stringify({ file, ...payload }));
          }
          return true;
        }
        return undefined;
      },
    },
  ],
};
