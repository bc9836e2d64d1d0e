// @ts-check
/**
 * What the backend tests (test/node/backend-*.test.mjs) share: servers on port 0 for the fake PGs and
 * for the backend under test, a client for the backend that checks no reply leaks a key, and the
 * fake PGs' ways of answering. Not a test file itself.
 */
import assert from 'node:assert/strict';
import http from 'node:http';

/**
 * An answer a test hands a fake PG: the body as sent, with its status (200) and Content-Type (JSON,
 * UTF-8); 'hang' never answers.
 * @typedef {{ status?: number, type?: string, body: string } | 'hang'} Answer
 */

// -----------------------------------------------------------------------------------------------
// Servers
// -----------------------------------------------------------------------------------------------

/** @param {http.Server} server @returns {Promise<string>} origin */
function listen(server) {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = /** @type {import('node:net').AddressInfo} */ (server.address());
      resolve(`http://127.0.0.1:${address.port}`);
    });
  });
}

/** @param {http.Server} server */
function close(server) {
  return new Promise((resolve) => {
    if (!server.listening) return resolve(undefined);
    server.closeAllConnections();
    server.close(() => resolve(undefined));
  });
}

/**
 * Serves `handler` on 127.0.0.1, port 0, until the test ends.
 * @param {import('node:test').TestContext} t
 * @param {http.RequestListener} handler
 * @returns {Promise<string>} origin
 */
export async function serve(t, handler) {
  const server = http.createServer(handler);
  t.after(() => close(server));
  return listen(server);
}

/** An origin nothing listens on (a server started and closed again): a PG that cannot be reached. */
export async function deadOrigin() {
  const spare = http.createServer();
  const origin = await listen(spare);
  await close(spare);
  return origin;
}

// -----------------------------------------------------------------------------------------------
// The backend under test
// -----------------------------------------------------------------------------------------------

/**
 * Mounts the backend on a node:http server, as a shop's server would (what it passes on with
 * `next()` gets 404 "next() called"), and returns a client for it. Every reply is checked for the
 * `secrets`: keys must never reach a browser. Redirects are not followed (the tests check the 303s).
 * @param {import('node:test').TestContext} t
 * @param {import('../../demo/backend/index.mjs').MerchantBackend} backend
 * @param {string[]} secrets
 */
export async function startBackend(t, backend, secrets) {
  const base = await serve(t, (req, res) =>
    backend(req, res, () => {
      res.statusCode = 404;
      res.end('next() called');
    }),
  );

  /** @param {string} path @param {RequestInit} [init] */
  async function call(path, init = {}) {
    const res = await fetch(`${base}${path}`, { redirect: 'manual', ...init });
    const text = await res.text();
    for (const secret of secrets) {
      assert.ok(!text.includes(secret), `reply to ${path} leaks a key`);
      assert.ok(![...res.headers.values()].some((v) => v.includes(secret)), `headers of ${path} leak a key`);
    }
    const json = res.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : undefined;
    return { res, status: res.status, text, json };
  }

  /** @param {string} path @param {unknown} body */
  const postJson = (path, body) =>
    call(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  return { base, call, postJson };
}

// -----------------------------------------------------------------------------------------------
// Fake PGs
// -----------------------------------------------------------------------------------------------

/** The whole request body as text. @param {http.IncomingMessage} req */
export async function readAll(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}

/**
 * Answers JSON; a string is sent as it is.
 * @param {http.ServerResponse} res @param {number} status @param {unknown} body
 */
export function answerJson(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** Gives the answer a test asked for ('hang': none at all). @param {http.ServerResponse} res @param {Answer} answer */
export function answerWith(res, answer) {
  if (answer === 'hang') return;
  res.writeHead(answer.status ?? 200, { 'Content-Type': answer.type ?? 'application/json; charset=utf-8' });
  res.end(answer.body);
}
