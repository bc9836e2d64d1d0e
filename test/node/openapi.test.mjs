// @ts-check
/**
 * Issue 24, item 10: the OpenAPI document of kpg-checkout/server. Every route app.ts and staff.ts register
 * is in it with its request and answer schemas; it is OpenAPI 3.1 in structure (paths, operations,
 * components, every $ref resolved, every schema valid JSON Schema 2020-12); the server serves it under its
 * basePath and the package ships the same document; and real requests and answers of every route (the
 * buyers', the PGs', the staff's), through the sandbox PGs on PGlite and PostgreSQL, match what it documents
 * (ajv, JSON Schema 2020-12).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import { createApp } from '../../dist/server/app.js';
import { openApiDocument } from '../../dist/server/index.js';
import { ROUTES, VERSION } from '../../dist/server/openapi.js';
import { forEachEngine, postForm, sandboxes, SANDBOX_SECRETS, shinhanDecide, shopOrders, smartroDecide, startServer } from './server-helpers.mjs';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

/** The routes a createApp registers (Hono's own list), as "METHOD /path" under basePath. */
function registered(basePath = '/api/kpg') {
  const unused = () => {
    throw new Error('not called: only the route list is read');
  };
  const app = createApp(
    /** @type {any} */ ({
      basePath,
      publicBaseUrl: 'https://shop.example',
      payments: {},
      log: { write() {} },
      bodyTimeoutMs: 1000,
      returnScriptUrl: '/kpg-return.js',
      limits: {},
      clientIp: () => undefined,
      ready: async () => {},
      providers: { shinhan: true, smartro: true },
      staff: { publicBaseUrl: 'https://shop.example', authorizeStaff: unused, cancels: unused },
      openApi: () => openApiDocument({ basePath }),
    }),
  );
  const out = new Set();
  for (const r of app.routes) {
    // Middleware (`use`) and the 405 answers (`all`) are not routes of their own.
    if (r.method === 'ALL' || r.path.includes('*')) continue;
    out.add(`${r.method} ${r.path.slice(basePath.length)}`);
  }
  return out;
}

/** @param {any} doc */
function documented(doc) {
  const out = new Set();
  for (const [path, item] of Object.entries(doc.paths)) for (const method of Object.keys(/** @type {object} */ (item))) out.add(`${method.toUpperCase()} ${path}`);
  return out;
}

/** Every JSON Schema of the document compiled with ajv (2020-12), refs resolved against its components. @param {any} doc */
function validators(doc) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: 'kpg:openapi', components: doc.components });
  /** @param {any} schema */
  const compile = (schema) => {
    const resolved = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"kpg:openapi#/components/'));
    return ajv.compile(resolved);
  };
  return { ajv, compile };
}

test('every route app.ts and staff.ts register is in the document, and nothing else', () => {
  const doc = openApiDocument();
  const routes = registered();
  assert.ok(routes.has('POST /session') && routes.has('POST /staff/cancel') && routes.has('GET /openapi.json'), [...routes].join(', '));
  assert.deepEqual([...documented(doc)].sort(), [...routes].sort());
  // Under another basePath too: the same routes, the document's server says where.
  const other = openApiDocument({ basePath: '/pay/kpg' });
  assert.deepEqual([...documented(other)].sort(), [...registered('/pay/kpg')].sort());
  assert.equal(other.servers[0].url, '/pay/kpg');
});

test('every operation has its request schema (body or query parameters) and a schema for each JSON answer', () => {
  const doc = openApiDocument();
  for (const route of ROUTES) {
    const op = doc.paths[route.path][route.method];
    const what = `${route.method} ${route.path}`;
    if (route.body) {
      const content = op.requestBody?.content;
      assert.ok(content && Object.keys(content).length, `${what}: no requestBody`);
      for (const media of Object.values(content)) assert.ok(media.schema, `${what}: a request media type without a schema`);
    }
    if (route.query) {
      assert.ok(op.parameters?.length, `${what}: no query parameters`);
      for (const p of op.parameters) assert.ok(p.in === 'query' && p.name && p.schema, `${what}: a bad parameter ${JSON.stringify(p)}`);
    }
    // A route that takes input documents it: the buyer routes, the PG routes and the staff routes all do.
    if (route.path !== '/openapi.json') assert.ok(route.body || route.query, `${what}: takes no input?`);
    assert.ok(Object.keys(op.responses).some((s) => s.startsWith('2') || s.startsWith('3')), `${what}: no success answer`);
    for (const [status, answer] of Object.entries(op.responses)) {
      assert.match(status, /^[1-5]\d\d$/, `${what}: status ${status}`);
      assert.ok(answer.description, `${what} ${status}: no description`);
      for (const [type, media] of Object.entries(answer.content ?? {})) assert.ok(media.schema, `${what} ${status} ${type}: no schema`);
      if (answer.content?.['application/json']) assert.ok(answer.content['application/json'].schema, `${what} ${status}`);
    }
  }
  // The staff routes say how they are guarded.
  for (const path of ['/staff/cancel', '/staff/cancel-due', '/staff/cancels/confirm', '/staff/cancels/record']) {
    assert.deepEqual(doc.paths[path].post.security, [{ staffHeader: [] }]);
  }
  assert.deepEqual(doc.paths['/staff/cancels'].get.security, [{ staffHeader: [] }]);
});

test('the document is OpenAPI 3.1 in structure: info, servers, paths, operations, components, every $ref resolved, every schema valid JSON Schema 2020-12', () => {
  const doc = openApiDocument();
  assert.match(doc.openapi, /^3\.1\.\d+$/);
  assert.equal(doc.info.title, 'kpg-checkout server');
  assert.equal(doc.info.version, pkg.version, 'VERSION in src/server/openapi.ts follows package.json');
  assert.equal(VERSION, pkg.version);
  assert.ok(Array.isArray(doc.servers) && doc.servers[0].url === '/api/kpg');
  const allowed = new Set(['openapi', 'info', 'jsonSchemaDialect', 'servers', 'paths', 'webhooks', 'components', 'security', 'tags', 'externalDocs']);
  for (const key of Object.keys(doc)) assert.ok(allowed.has(key), `unknown top-level field ${key}`);
  const ids = new Set();
  const tags = new Set(doc.tags.map((/** @type {any} */ t) => t.name));
  for (const [path, item] of Object.entries(doc.paths)) {
    assert.match(path, /^\/[A-Za-z0-9/._-]*$/);
    for (const [method, op] of Object.entries(/** @type {Record<string, any>} */ (item))) {
      assert.ok(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].includes(method), method);
      assert.ok(op.operationId && !ids.has(op.operationId), `operationId ${op.operationId} missing or repeated`);
      ids.add(op.operationId);
      for (const tag of op.tags) assert.ok(tags.has(tag), `tag ${tag} not declared`);
      for (const s of op.security ?? []) for (const name of Object.keys(s)) assert.ok(doc.components.securitySchemes[name], `security scheme ${name}`);
    }
  }
  // Every $ref points at a schema that is there.
  const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]);
  assert.ok(refs.length > 10);
  for (const ref of refs) {
    assert.match(ref, /^#\/components\/schemas\/[A-Za-z0-9]+$/, ref);
    assert.ok(doc.components.schemas[ref.split('/').pop()], `${ref} does not resolve`);
  }
  // Every schema compiles as JSON Schema 2020-12 (OpenAPI 3.1's dialect), and so does every inline one.
  const { compile } = validators(doc);
  for (const [name, schema] of Object.entries(doc.components.schemas)) assert.doesNotThrow(() => compile(schema), name);
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(/** @type {Record<string, any>} */ (item))) {
      for (const p of op.parameters ?? []) compile(p.schema);
      for (const media of Object.values(op.requestBody?.content ?? {})) compile(/** @type {any} */ (media).schema);
      for (const answer of Object.values(op.responses)) for (const media of Object.values(/** @type {any} */ (answer).content ?? {})) compile(/** @type {any} */ (media).schema);
    }
  }
});

test('the package ships the same document (kpg-checkout/server/openapi.json, basePath /api/kpg)', () => {
  assert.equal(pkg.exports['./server/openapi.json'], './dist/server/openapi.json');
  const shipped = JSON.parse(readFileSync(new URL('../../dist/server/openapi.json', import.meta.url), 'utf8'));
  assert.deepEqual(shipped, openApiDocument());
});

forEachEngine('the OpenAPI document against the real server', ({ store }) => {
  test('served at GET {base}/openapi.json; real requests and answers of every route match it (shinhan, smartro, pages, RetryURL, staff)', async (t) => {
    const pgs = await sandboxes(t);
    const shop = shopOrders();
    const s = await startServer(
      t,
      store(),
      {
        ...pgs.options,
        shinhan: { ...pgs.options.shinhan, pgcodes: ['selpay', 'card'] },
        loadOrder: shop.loadOrder,
        authorize: shop.authorize,
        authorizeStaff: (/** @type {{ request: Request }} */ { request }) => (request.headers.get('x-staff') ? { id: /** @type {string} */ (request.headers.get('x-staff')) } : false),
        rateLimit: false,
      },
      { secrets: SANDBOX_SECRETS },
    );
    const served = await s.call('/api/kpg/openapi.json');
    assert.equal(served.status, 200);
    assert.match(served.res.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(served.json, openApiDocument({ basePath: '/api/kpg' }));
    const doc = served.json;
    const { compile } = validators(doc);
    const seen = new Set();

    /**
     * The answer is documented for its status, with its media type, and its JSON matches the schema.
     * @param {'get' | 'post'} method @param {string} path @param {{ status: number, res: Response, json?: any }} answer @param {unknown} [sent] the JSON or form fields sent
     */
    function matches(method, path, answer, sent) {
      const op = doc.paths[path]?.[method];
      assert.ok(op, `${method} ${path} is not documented`);
      seen.add(`${method.toUpperCase()} ${path}`);
      if (sent !== undefined) {
        const media = Object.values(op.requestBody.content)[0];
        const check = compile(/** @type {any} */ (media).schema);
        assert.ok(check(sent), `${method} ${path} request: ${JSON.stringify(check.errors)}`);
      }
      const documentedAnswer = op.responses[String(answer.status)];
      assert.ok(documentedAnswer, `${method} ${path} answered ${answer.status}, which is not documented`);
      const type = (answer.res.headers.get('content-type') ?? '').split(';')[0];
      if (!documentedAnswer.content) return;
      assert.ok(documentedAnswer.content[type], `${method} ${path} ${answer.status}: ${type} is not documented (${Object.keys(documentedAnswer.content)})`);
      if (type === 'application/json') {
        const check = compile(documentedAnswer.content[type].schema);
        assert.ok(check(answer.json), `${method} ${path} ${answer.status}: ${JSON.stringify(check.errors)} for ${JSON.stringify(answer.json).slice(0, 400)}`);
      }
    }
    matches('get', '/openapi.json', served);

    // POST session, GET and POST result, the Shinhan pages: a Shinhan payment approved, one cancelled, one failed.
    const paid = shop.add({ amount: 55000 });
    // (paid: the Shinhan payment the staff's routes cancel at the end)
    const body = { provider: 'shinhan', order_id: paid.order_id, device_type: 2, pgcode: 'selpay' };
    const session = await s.postJson('/api/kpg/session', body);
    matches('post', '/session', session, body);
    assert.equal(session.status, 200);
    let result = await s.call(`/api/kpg/result?order_no=${session.json.order_no}`);
    matches('get', '/result', result);
    assert.equal(result.json.status, 'pending');
    const page = await shinhanDecide(session.json.redirect_url, 'approve');
    const returned = await postForm(/** @type {string} */ (page.action), page.fields);
    matches('post', '/shinhan/return', { status: returned.status, res: returned }, page.fields);
    result = await s.call(`/api/kpg/result?order_no=${session.json.order_no}`);
    matches('get', '/result', result);
    assert.equal(result.json.status, 'paid');
    const shinhanTid = result.json.tid;
    // 409 already-paid, 403 another buyer, 404 an unknown order, 400 a pgcode this shop does not offer.
    matches('post', '/session', await s.postJson('/api/kpg/session', body), body);
    matches('post', '/session', await s.postJson('/api/kpg/session', body, { buyer: 'mallory' }), body);
    matches('post', '/session', await s.postJson('/api/kpg/session', { ...body, order_id: 'A-none' }), { ...body, order_id: 'A-none' });
    const refused = await s.postJson('/api/kpg/session', { ...body, order_id: shop.add().order_id, pgcode: 'vbank' });
    assert.deepEqual([refused.status, refused.json.field], [400, 'pgcode']);
    matches('post', '/session', refused);

    for (const choice of /** @type {const} */ (['cancel', 'fail'])) {
      const order = shop.add();
      const started = await s.postJson('/api/kpg/session', { ...body, order_id: order.order_id });
      const decided = await shinhanDecide(started.json.redirect_url, choice);
      const url = new URL(/** @type {string} */ (decided.action));
      for (const [k, v] of Object.entries(decided.fields)) url.searchParams.set(k, v);
      const answer = await fetch(url, { redirect: 'manual' });
      assert.equal(url.pathname, `/api/kpg/shinhan/${choice}`);
      matches('get', `/shinhan/${choice}`, { status: answer.status, res: answer });
      await answer.body?.cancel();
    }

    // The buyer closes the window: POST result.
    const closing = shop.add();
    const open = await s.postJson('/api/kpg/session', { ...body, order_id: closing.order_id });
    const closed = await s.postJson('/api/kpg/result', { order_no: open.json.order_no, event: 'window-closed' });
    matches('post', '/result', closed, { order_no: open.json.order_no, event: 'window-closed' });
    assert.equal(closed.status, 200);

    // GET cards, GET receipt (Shinhan's page).
    const cards = await s.call('/api/kpg/cards?pgcode=card');
    assert.equal(cards.status, 200, cards.text);
    matches('get', '/cards', cards);
    const shinhanReceipt = await s.call(`/api/kpg/receipt?tid=${shinhanTid}`);
    assert.equal(shinhanReceipt.status, 200, shinhanReceipt.text);
    matches('get', '/receipt', shinhanReceipt);
    matches('get', '/receipt', await s.call('/api/kpg/receipt?tid=NOSUCHTID000000000000000000000'));

    // Smartro: a refused pay_method, a payment approved (ReturnURL, RetryURL), its receipt, a StopURL.
    const sm = shop.add();
    const smBody = { provider: 'smartro', order_id: sm.order_id, device_type: 2 };
    const notOffered = await s.postJson('/api/kpg/session', { ...smBody, pay_method: 'vbank' });
    assert.deepEqual([notOffered.status, notOffered.json.code, notOffered.json.field], [400, 'invalid-field', 'pay_method']);
    matches('post', '/session', notOffered, { ...smBody, pay_method: 'vbank' });
    const smSession = await s.postJson('/api/kpg/session', smBody);
    assert.equal(smSession.status, 200, smSession.text);
    matches('post', '/session', smSession, smBody);
    const form = await smartroDecide(smSession.json, 'approve');
    const smReturn = await postForm(/** @type {string} */ (form.action), form.fields);
    matches('post', '/smartro/return', { status: smReturn.status, res: smReturn }, form.fields);
    await smReturn.body?.cancel();
    const retry = await postForm(`${s.base}/api/kpg/smartro/retry`, form.fields);
    assert.equal(retry.status, 200);
    matches('post', '/smartro/retry', { status: retry.status, res: retry }, form.fields);
    await retry.body?.cancel();
    const smResult = await s.call(`/api/kpg/result?order_no=${smSession.json.order_no}`);
    assert.equal(smResult.json.status, 'paid');
    matches('get', '/result', smResult);
    const smReceipt = await s.call(`/api/kpg/receipt?tid=${smResult.json.tid}`);
    assert.equal(smReceipt.status, 200, smReceipt.text);
    matches('get', '/receipt', smReceipt);

    const stopping = shop.add();
    const mobile = await s.postJson('/api/kpg/session', { provider: 'smartro', order_id: stopping.order_id, device_type: 1, return_to: `${s.base}/shop/checkout` });
    assert.equal(mobile.status, 200, mobile.text);
    for (const method of /** @type {const} */ (['get', 'post'])) {
      const stop = await fetch(`${s.base}/api/kpg/smartro/stop?order_no=${mobile.json.order_no}`, { method: method.toUpperCase(), redirect: 'manual' });
      assert.equal(stop.status, 303);
      matches(method, '/smartro/stop', { status: stop.status, res: stop });
      await stop.body?.cancel();
    }

    // The staff's routes, on the paid Shinhan payment: a partial cancel, the order's cancels, a cancel recorded
    // from the PG's admin site, and the refusals of each (not staff, no such cancel, no such refund).
    const STAFF = { 'X-KPG-Staff': '1', 'x-staff': 'kim' };
    /** @param {string} path @param {Record<string, unknown>} sent @param {Record<string, string>} [headers] */
    const staff = (path, sent, headers = STAFF) => s.call(`/api/kpg/staff${path}`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(sent), buyer: null });
    const partial = { order_id: paid.order_id, amount: 1000, reason: '반품', idempotency_key: 'openapi-1' };
    const cancelled = await staff('/cancel', partial);
    assert.equal(cancelled.status, 200, cancelled.text);
    matches('post', '/staff/cancel', cancelled, partial);
    matches('post', '/staff/cancel', await staff('/cancel', { ...partial, idempotency_key: 'openapi-2' }, { 'X-KPG-Staff': '1' }), partial);
    const reused = await staff('/cancel', { ...partial, amount: 2000 });
    assert.deepEqual([reused.status, reused.json.code], [409, 'idempotency-key-reused']);
    matches('post', '/staff/cancel', reused);
    const recorded = { order_id: paid.order_id, amount: 500, reason: '관리자 화면에서 취소', idempotency_key: 'openapi-3' };
    matches('post', '/staff/cancels/record', await staff('/cancels/record', recorded), recorded);
    const listed = await s.call(`/api/kpg/staff/cancels?order_id=${paid.order_id}`, { headers: STAFF, buyer: null });
    assert.equal(listed.status, 200, listed.text);
    assert.ok(listed.json.cancels.length >= 1);
    matches('get', '/staff/cancels', listed);
    const confirm = { cancel_id: 999999, done: true };
    matches('post', '/staff/cancels/confirm', await staff('/cancels/confirm', confirm), confirm);
    const due = { tid: 'NOSUCHTID', reason: '환불', idempotency_key: 'openapi-4' };
    matches('post', '/staff/cancel-due', await staff('/cancel-due', due), due);

    // Every route was asked for real.
    assert.deepEqual([...documented(doc)].filter((r) => !seen.has(r)), []);
  });
});
