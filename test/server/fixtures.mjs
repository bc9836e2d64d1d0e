// @ts-check
// Test-only HTTP fixtures, mounted in web-test-runner (never in the demo): a backend that answers exactly
// what a test asks for, so every bad-input path can be driven through real HTTP.
//
//   /__fixture?status=500&type=application/json&delay=300&body=<text>&key=k&sequence=<json array>
//     Answers `body` with `status` and content `type` after `delay` ms. With `key`, the request (method,
//     query, body) is recorded; with `sequence` (a JSON array of {status, body}), the n-th request for
//     that key gets the n-th entry (the last one repeats).
//   /__fixture/calls?key=k   -> {count, requests: [{method, query, body}]}
//   /__fixture/reset?key=k   -> forgets recorded calls for k
//   /__fixture/page?charset=EUC-KR&body=<html>&csp=<policy>  -> an HTML page with that exact Content-Type
//                               charset (and that Content-Security-Policy header)
//   /__fixture/dist/<file>?hold=k -> a file from dist/ with `Content-Type: text/javascript` and no charset,
//                               as a CDN that does not declare one would send it; with `hold`, only once
//                               /__fixture/release?key=k is called (or after 15 s)
//   /__fixture/release?key=k -> lets the files held for k go
//   /__fixture/capture?key=k&page=<html>  -> records the request's RAW body bytes (as `raw`, one char per
//                               byte) and its content type, then answers `page` (UTF-8 HTML)

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

/** @type {Map<string, {method: string, query: Record<string, string>, body: string, raw?: string, contentType?: string}[]>} */
const calls = new Map();

/** @type {Map<string, {released: Promise<void>, release: () => void}>} */
const holds = new Map();

/** A gate for held responses: open once released, or after 15 s (no test waits longer). */
function hold(/** @type {string} */ key) {
  let gate = holds.get(key);
  if (!gate) {
    /** @type {() => void} */
    let release = () => {};
    const released = new Promise((resolve) => {
      release = () => resolve(undefined);
      setTimeout(resolve, 15_000).unref();
    });
    gate = { released: /** @type {Promise<void>} */ (released), release };
    holds.set(key, gate);
  }
  return gate;
}

/** @param {import('node:http').IncomingMessage} req @returns {Promise<Buffer>} */
function readBytes(req) {
  return new Promise((resolveBody, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolveBody(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Koa-style middleware for @web/test-runner. */
const SHOP_TAB_JS = `window.kpgLog = [];
['kpg-session', 'kpg-success', 'kpg-fail', 'kpg-cancel', 'kpg-error', 'kpg-refunded'].forEach(function (t) {
  document.addEventListener(t, function (e) { kpgLog.push({ type: t, detail: e.detail }); });
});
window.kpgStates = [];
setInterval(function () {
  var e = document.querySelector('kpg-checkout'), b = e && e.shadowRoot && e.shadowRoot.querySelector('button');
  if (!b) return;
  var s = e.state + (b.disabled || b.getAttribute('aria-disabled') === 'true' ? ':disabled' : ':enabled');
  if (kpgStates[kpgStates.length - 1] !== s) kpgStates.push(s);
}, 10);
window.kpgAnswers = [];
var f = window.fetch;
window.fetch = function (i, o) {
  return f.apply(this, arguments).then(function (r) {
    var u = new URL(r.url);
    if (u.pathname.indexOf('/api/kpg/') === 0) r.clone().json().then(function (j) { kpgAnswers.push((o && o.method || 'GET') + ' ' + u.pathname + ' ' + r.status + ' ' + (j.status || j.code)); }, function () {});
    return r;
  });
};
`;

export function fixtureMiddleware() {
  /** @param {any} ctx @param {() => Promise<void>} next */
  return async (ctx, next) => {
    const url = new URL(ctx.url, 'http://localhost');
    if (!url.pathname.startsWith('/__fixture')) return next();
    const q = Object.fromEntries(url.searchParams);
    const key = q.key ?? '';

    if (url.pathname === '/__fixture/calls') {
      ctx.type = 'application/json';
      const list = calls.get(key) ?? [];
      ctx.body = JSON.stringify({ count: list.length, requests: list });
      return;
    }
    if (url.pathname === '/__fixture/reset') {
      calls.delete(key);
      ctx.body = 'ok';
      return;
    }
    // A shop tab's instrumentation (test/helpers.ts shopPageUrl): its outcomes, the checkout's states and the
    // server's answers, recorded for the test. External, so the page URL stays short (the page's own URL
    // travels as return_to, which the server caps at 2,000 characters) and a strict CSP allows it.
    if (url.pathname === '/__fixture/shop-tab.js') {
      ctx.status = 200;
      ctx.set('Content-Type', 'text/javascript; charset=utf-8');
      ctx.body = SHOP_TAB_JS;
      return;
    }
    // The shipped script's JavaScript opt-in for the sandbox origins (`?o=` space-separated), as a shop's own script calls it.
    if (url.pathname === '/__fixture/allow-pg-origins.js') {
      ctx.status = 200;
      ctx.set('Content-Type', 'text/javascript; charset=utf-8');
      ctx.body = `KpgCheckout.allowPgOrigins(${JSON.stringify((q.o ?? '').split(' ').filter(Boolean))});`;
      return;
    }
    if (url.pathname === '/__fixture/page') {
      ctx.status = 200;
      ctx.set('Content-Type', `text/html; charset=${q.charset ?? 'utf-8'}`);
      if (q.csp) ctx.set('Content-Security-Policy', q.csp);
      ctx.body = q.body ?? '';
      return;
    }
    if (url.pathname === '/__fixture/release') {
      hold(key).release();
      ctx.body = 'ok';
      return;
    }
    if (url.pathname.startsWith('/__fixture/dist/')) {
      const file = url.pathname.slice('/__fixture/dist/'.length).replace(/[^A-Za-z0-9._-]/g, '');
      if (q.hold) await hold(q.hold).released;
      ctx.status = 200;
      ctx.set('Content-Type', 'text/javascript'); // deliberately no charset
      ctx.set('Cache-Control', 'no-store');
      ctx.body = await readFile(resolve('dist', file));
      return;
    }

    if (url.pathname === '/__fixture/capture') {
      const bytes = await readBytes(ctx.req);
      const list = calls.get(key) ?? [];
      list.push({ method: ctx.method, query: q, body: bytes.toString('utf8'), raw: bytes.toString('latin1'), contentType: ctx.get('content-type') });
      calls.set(key, list);
      ctx.status = 200;
      ctx.set('Content-Type', 'text/html; charset=utf-8');
      ctx.set('Cache-Control', 'no-store');
      ctx.body = q.page ?? '<!doctype html><title>captured</title><p>captured</p>';
      return;
    }

    const body = (await readBytes(ctx.req)).toString('utf8');
    const list = calls.get(key) ?? [];
    if (key) {
      list.push({ method: ctx.method, query: q, body });
      calls.set(key, list);
    }
    let status = Number(q.status ?? 200);
    let text = q.body ?? '';
    if (q.sequence) {
      /** @type {{status?: number, body: unknown}[]} */
      const sequence = JSON.parse(q.sequence);
      const step = sequence[Math.min(list.length - 1, sequence.length - 1)] ?? { body: '' };
      status = step.status ?? 200;
      text = typeof step.body === 'string' ? step.body : JSON.stringify(step.body);
    }
    if (q.delay) await new Promise((r) => setTimeout(r, Number(q.delay)));
    ctx.status = status;
    ctx.set('Content-Type', q.type ?? 'application/json; charset=utf-8');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = text;
  };
}
