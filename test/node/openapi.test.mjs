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
import { PINNED } from './clock.mjs';
import { forEachEngine, postForm, recordOwed, sandboxes, SANDBOX_SECRETS, SANDBOX_SHINHAN, SANDBOX_SMARTRO, shinhanDecide, shopOrders, smartroDecide, startServer, uid } from './server-helpers.mjs';

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
    out.add(`${r.method} ${openApiPath(r.path.slice(basePath.length))}`);
  }
  return out;
}

/**
 * A hono path as OpenAPI writes it. `:name` is a path parameter, `{name}`. `:name{/?}` (staff.ts's
 * `/staff/:slash{/?}`) is not a parameter a client fills: its only value that routes is nothing, and it is how
 * the ready page answers at `/staff/` as well as `/staff` (a sub-app's '/'); OpenAPI has no optional path
 * parameter (`in: path` must be required) and `/staff/{slash}` would tell a client generator to send one, so
 * it stands for the literal path with the trailing slash, which the document lists as an operation of its own.
 * Any other pattern fails here, to be decided when it appears.
 * @param {string} path
 */
function openApiPath(path) {
  return path
    .replace(/\/:[A-Za-z_]\w*\{\/\?\}$/, '/')
    .replace(/:([A-Za-z_]\w*)(\{[^}]*\})?/g, (_, name, pattern) => {
      if (pattern) throw new Error(`${path}: a hono pattern this test does not know how to write in OpenAPI`);
      return `{${name}}`;
    });
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
  assert.ok(routes.has('GET /staff') && routes.has('GET /staff/') && routes.has('GET /staff/orders/{order_id}'), 'the staff console\'s page (both forms) and a path parameter, normalised');
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
    // What a client generator shows as the operation's name: a sentence, not a blank.
    assert.ok(typeof op.summary === 'string' && op.summary.trim().length >= 12, `${what}: no summary`);
    if (route.body) {
      const content = op.requestBody?.content;
      assert.ok(content && Object.keys(content).length, `${what}: no requestBody`);
      for (const media of Object.values(content)) assert.ok(media.schema, `${what}: a request media type without a schema`);
    }
    if (route.query) {
      assert.ok(op.parameters?.length, `${what}: no query parameters`);
      for (const p of op.parameters) assert.ok(p.in === 'query' && p.name && p.schema, `${what}: a bad parameter ${JSON.stringify(p)}`);
    }
    if (route.params) {
      const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      assert.deepEqual(op.parameters.filter((/** @type {any} */ p) => p.in === 'path').map((/** @type {any} */ p) => [p.name, p.required]), names.map((n) => [n, true]), `${what}: its path parameters`);
    } else assert.ok(!route.path.includes('{'), `${what}: a path parameter without its schema`);
    // A route that takes input documents it: the buyer routes, the PG routes and the staff routes do; these take none.
    if (!['/openapi.json', '/staff', '/staff/', '/staff/kpg-admin.js', '/staff/me'].includes(route.path)) assert.ok(route.body || route.query || route.params, `${what}: takes no input?`);
    assert.ok(Object.keys(op.responses).some((s) => s.startsWith('2') || s.startsWith('3')), `${what}: no success answer`);
    for (const [status, answer] of Object.entries(op.responses)) {
      assert.match(status, /^[1-5]\d\d$/, `${what}: status ${status}`);
      assert.ok(answer.description, `${what} ${status}: no description`);
      for (const [type, media] of Object.entries(answer.content ?? {})) assert.ok(media.schema, `${what} ${status} ${type}: no schema`);
      if (answer.content?.['application/json']) assert.ok(answer.content['application/json'].schema, `${what} ${status}`);
    }
  }
  // The staff routes say how they are guarded.
  // The staff routes say how they are guarded; the console's page and script (a browser's navigation) carry no header.
  const pages = ['/staff', '/staff/', '/staff/kpg-admin.js'];
  const staffRoutes = ROUTES.filter((r) => r.path.startsWith('/staff'));
  assert.equal(staffRoutes.length, 18, "issue 22's five, the console's page (two forms) and script, its ten routes");
  for (const route of staffRoutes) {
    assert.deepEqual(doc.paths[route.path][route.method].security, pages.includes(route.path) ? undefined : [{ staffHeader: [] }], `${route.method} ${route.path}`);
  }
  assert.ok(doc.paths['/staff'].get.responses['200'].content['text/html'] && doc.paths['/staff/'].get.responses['200'].content['text/html']);
  assert.ok(doc.paths['/staff/kpg-admin.js'].get.responses['200'].content['text/javascript']);
});

test('the document is OpenAPI 3.1 in structure: info, servers, paths, operations, components, every $ref resolved, every schema valid JSON Schema 2020-12', () => {
  const doc = openApiDocument();
  assert.match(doc.openapi, /^3\.1\.\d+$/);
  assert.equal(doc.info.title, 'kpg-checkout server');
  assert.equal(doc.info.version, pkg.version, 'VERSION in src/server/openapi.ts follows package.json');
  assert.equal(VERSION, pkg.version);
  assert.ok(Array.isArray(doc.servers) && doc.servers[0].url === '/api/kpg');
  // Mounted at the root or elsewhere: the server URL is that path ('/' for the root, never an empty URL).
  assert.deepEqual(['/', '/pay'].map((basePath) => openApiDocument({ basePath }).servers[0].url), ['/', '/pay']);
  const allowed = new Set(['openapi', 'info', 'jsonSchemaDialect', 'servers', 'paths', 'webhooks', 'components', 'security', 'tags', 'externalDocs']);
  for (const key of Object.keys(doc)) assert.ok(allowed.has(key), `unknown top-level field ${key}`);
  const ids = new Set();
  const tags = new Set(doc.tags.map((/** @type {any} */ t) => t.name));
  for (const [path, item] of Object.entries(doc.paths)) {
    assert.match(path, /^\/([A-Za-z0-9._-]+|\{[a-z_]+\})?(\/([A-Za-z0-9._-]+|\{[a-z_]+\})?)*$/);
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

test('a result is one schema per status: each status carries what it says and nothing another status carries', () => {
  const doc = openApiDocument();
  const { compile } = validators(doc);
  const result = compile({ $ref: '#/components/schemas/Result' });
  const base = { order_no: 'ORD-1', order_id: 'o_1', provider: 'shinhan', amount: 50000, product_name: '한글 상품' };
  const vbank = { bank_name: '신한은행', holder: '케이피지', amount: 50000, due_date: '2026-12-09' };
  /** @type {[string, Record<string, unknown>, boolean][]} */
  const cases = [
    ['paid', { status: 'paid', tid: 'T1' }, true],
    ['paid, part given back', { status: 'paid', tid: 'T1', card_no: '9410-12**-****-1234', refunded_total: 1000, balance: 49000 }, true],
    ['paid without its TID', { status: 'paid' }, false],
    ['paid with an empty TID', { status: 'paid', tid: '' }, false],
    ['paid with a reason', { status: 'paid', tid: 'T1', reason: 'superseded' }, false],
    ['paid with a failure code', { status: 'paid', tid: 'T1', code: 'x', message: 'm' }, false],
    ['refunded', { status: 'refunded', tid: 'T1', refunded_total: 50000, balance: 0 }, true],
    ['refunded with a balance left', { status: 'refunded', tid: 'T1', refunded_total: 1000, balance: 49000 }, false],
    ['refunded without refunded_total', { status: 'refunded', tid: 'T1', balance: 0 }, false],
    ['awaiting_deposit', { status: 'awaiting_deposit', tid: 'T1', vbank }, true],
    ['awaiting_deposit without its account', { status: 'awaiting_deposit', tid: 'T1' }, false],
    ['awaiting_deposit with card details', { status: 'awaiting_deposit', tid: 'T1', vbank, card_no: '1234' }, false],
    ['failed', { status: 'failed', code: 'card-declined', message: '카드사에서 승인하지 않았습니다.', pg_message: 'pg' }, true],
    ['failed without its text', { status: 'failed', code: 'card-declined' }, false],
    ['failed with a TID', { status: 'failed', code: 'x', message: 'm', tid: 'T1' }, false],
    ['cancelled', { status: 'cancelled', reason: 'popup-closed' }, true],
    ['cancelled without its reason', { status: 'cancelled' }, false],
    ['cancelled with money given back', { status: 'cancelled', reason: 'x', refunded_total: 0, balance: 0 }, false],
    ['pending', { status: 'pending', pay_method: 'card', terms_agreed: [1, 2] }, true],
    ['pending with a TID', { status: 'pending', tid: 'T1' }, false],
    ['processing with a null TID', { status: 'processing', tid: null }, false],
    ['unknown with an account', { status: 'unknown', vbank }, false],
    ['a status that is none', { status: 'done' }, false],
  ];
  for (const [what, fields, valid] of cases) assert.equal(result({ ...base, ...fields }), valid, `${what}: ${JSON.stringify(result.errors?.slice(0, 2))}`);
});

test('the package ships the same document (kpg-checkout/server/openapi.json, basePath /api/kpg)', () => {
  assert.equal(pkg.exports['./server/openapi.json'], './dist/server/openapi.json');
  const shipped = JSON.parse(readFileSync(new URL('../../dist/server/openapi.json', import.meta.url), 'utf8'));
  assert.deepEqual(shipped, openApiDocument());
});

test('docs/openapi.json is the document the code makes: the API changes only in a reviewed diff of it (npm run openapi rewrites it)', () => {
  const committed = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));
  assert.deepEqual(openApiDocument(), committed, 'the server\'s API document differs from docs/openapi.json: if the change is meant, run `npm run openapi` and commit docs/openapi.json with it');
});

forEachEngine('the OpenAPI document against the real server', ({ store }) => {
  test('every path answers a method it does not take with 405 and an Allow header naming exactly the methods the document lists for it', async (t) => {
    const shop = shopOrders();
    const s = await startServer(t, store(), {
      // No PG is asked anything: a dead address for each.
      shinhan: { ...SANDBOX_SHINHAN, apiBase: 'http://127.0.0.1:2/' },
      smartro: { ...SANDBOX_SMARTRO, pcAction: 'http://127.0.0.1:2/a.jsp', mobileAction: 'http://127.0.0.1:2/m', apiBase: 'http://127.0.0.1:2/' },
      loadOrder: shop.loadOrder,
      authorize: shop.authorize,
      authorizeStaff: () => ({ id: 'kim' }),
      rateLimit: false,
    });
    const doc = openApiDocument();
    let asked = 0;
    const wrong = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      const listed = Object.keys(/** @type {object} */ (item)).map((m) => m.toUpperCase());
      for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH']) {
        if (listed.includes(method)) continue;
        const r = await s.call(`/api/kpg${path.replace('{order_id}', 'A-1')}`, { method, headers: { 'x-staff': 'kim' }, ...(method === 'GET' ? {} : { body: '' }) });
        const allow = (r.res.headers.get('allow') ?? '').split(/,\s*/).sort();
        if (r.status !== 405 || allow.join() !== [...listed].sort().join()) wrong.push(`${method} ${path}: ${r.status}, Allow ${r.res.headers.get('allow')} (listed: ${listed})`);
        asked++;
      }
    }
    assert.deepEqual(wrong, []);
    assert.ok(asked > 60, `${asked} wrong methods asked`);
  });

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
    // As docs/server.md says: a client generator or viewer may keep it five minutes (it changes only with a release).
    assert.equal(served.res.headers.get('cache-control'), 'public, max-age=300');
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
    const terms = await s.call('/api/kpg/terms?pgcode=card');
    assert.equal(terms.status, 200, terms.text);
    matches('get', '/terms', terms);
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

    // The staff console's routes (issue 23), on the same orders: the page and its script (a browser's
    // navigation: no header), who is signed in, a search, the paid order's story (its cancels, events and audit
    // rows in the timeline), its receipt, money owed back listed and resolved, deliveries, a retry, reconcile now,
    // the audit table; and their refusals (no header, not JSON, a bad query, no such order, Smartro's receipt).
    /** @param {string} path @param {Record<string, string>} [headers] */
    const staffGet = (path, headers = STAFF) => s.call(`/api/kpg/staff${path}`, { headers, buyer: null });
    for (const path of ['/staff', '/staff/']) {
      const pageAnswer = await s.call(`/api/kpg${path}`, { buyer: null });
      assert.equal(pageAnswer.status, 200, path);
      assert.match(pageAnswer.text, /<kpg-admin api-url="\/api\/kpg\/staff">/);
      matches('get', path, pageAnswer);
    }
    const script = await s.call('/api/kpg/staff/kpg-admin.js', { buyer: null });
    // dist/kpg-admin.js is the browser build's (node scripts/build.mjs); after the server's build alone: 404 not-built.
    const built = await import('node:fs').then((fs) => fs.existsSync(new URL('../../dist/kpg-admin.js', import.meta.url)));
    assert.deepEqual([script.status, script.json?.code], built ? [200, undefined] : [404, 'not-built']);
    matches('get', '/staff/kpg-admin.js', script);

    const me = await staffGet('/me');
    assert.deepEqual([me.status, me.json.staff], [200, 'staff:kim']);
    matches('get', '/staff/me', me);
    const noHeader = await staffGet('/me', { 'x-staff': 'kim' });
    assert.deepEqual([noHeader.status, noHeader.json.code], [403, 'staff-header-missing']);
    matches('get', '/staff/me', noHeader);
    const found = await staffGet(`/orders?q=${paid.order_id}`);
    assert.equal(found.status, 200, found.text);
    assert.ok(found.json.items.some((/** @type {any} */ r) => r.order_id === paid.order_id && r.status === 'paid' && r.refunded_total === 1500));
    matches('get', '/staff/orders', found);
    const wide = await staffGet('/orders?sort=amount&dir=asc&limit=100');
    assert.ok(wide.json.items.length >= 5, 'every attempt above, the failed, cancelled and open ones too');
    matches('get', '/staff/orders', wide);
    const badQuery = await staffGet('/orders?limit=101');
    assert.deepEqual([badQuery.status, badQuery.json.code, badQuery.json.field], [400, 'invalid-field', 'limit']);
    matches('get', '/staff/orders', badQuery);

    // Money owed back on the paid order (what a second payment of it would leave), so that the lists and the story carry one.
    const dueTid = uid('TOPENAPI');
    assert.ok(await recordOwed(await s.kpg.store(), { provider: 'shinhan', tid: dueTid, merchant_id: 'kpgdemo01', order_no: session.json.order_no, order_id: paid.order_id, amount: 1000, reason: 'duplicate' }, new Date(PINNED).toISOString()));
    const dues = await staffGet('/refunds-due');
    assert.ok(dues.json.items.some((/** @type {any} */ d) => d.tid === dueTid), dues.text);
    matches('get', '/staff/refunds-due', dues);
    const resolve = { provider: 'shinhan', tid: dueTid, note: '계좌로 환불함' };
    const resolved = await staff('/refunds-due/resolve', resolve);
    assert.equal(resolved.status, 200, resolved.text);
    matches('post', '/staff/refunds-due/resolve', resolved, resolve);
    const again = await staff('/refunds-due/resolve', resolve);
    assert.deepEqual([again.status, again.json.code], [409, 'not-open']);
    matches('post', '/staff/refunds-due/resolve', again, resolve);
    const allDues = await staffGet('/refunds-due?resolved=1');
    assert.ok(allDues.json.items.some((/** @type {any} */ d) => d.tid === dueTid && d.resolution === '계좌로 환불함'));
    matches('get', '/staff/refunds-due', allDues);

    const story = await staffGet(`/orders/${paid.order_id}`);
    assert.equal(story.status, 200, story.text);
    const kinds = new Set(story.json.timeline.map((/** @type {any} */ e) => e.kind));
    for (const kind of ['attempt', 'status', 'cancel', 'refund-due', 'refund-resolved', 'event', 'staff']) assert.ok(kinds.has(kind), `the story has a ${kind} entry: ${[...kinds]}`);
    assert.deepEqual([story.json.payment.refunded_total, story.json.cancels.length >= 2], [1500, true]);
    matches('get', '/staff/orders/{order_id}', story);
    const noOrder = await staffGet('/orders/A-none');
    assert.deepEqual([noOrder.status, noOrder.json.code], [404, 'unknown-order']);
    matches('get', '/staff/orders/{order_id}', noOrder);
    const staffReceipt = await staffGet(`/receipt?order_id=${paid.order_id}`);
    assert.equal(staffReceipt.status, 200, staffReceipt.text);
    matches('get', '/staff/receipt', staffReceipt);
    const smNoPage = await staffGet(`/receipt?order_id=${sm.order_id}`);
    assert.deepEqual([smNoPage.status, smNoPage.json.code], [404, 'no-receipt-page']);
    matches('get', '/staff/receipt', smNoPage);

    for (const which of ['', '?status=failing']) matches('get', '/staff/deliveries', await staffGet(`/deliveries${which}`));
    const retried = await staff('/deliveries/retry', { dead: true });
    assert.equal(retried.status, 200, retried.text);
    matches('post', '/staff/deliveries/retry', retried, { dead: true });
    const badRetry = await staff('/deliveries/retry', { event_id: 'nope' });
    assert.equal(badRetry.status, 400);
    matches('post', '/staff/deliveries/retry', badRetry);
    const reconciled = await staff('/reconcile', {});
    assert.equal(reconciled.status, 200, reconciled.text);
    matches('post', '/staff/reconcile', reconciled, {});
    const notJson = await s.call('/api/kpg/staff/reconcile', { method: 'POST', headers: { ...STAFF, 'Content-Type': 'text/plain' }, body: '{}', buyer: null });
    assert.deepEqual([notJson.status, notJson.json.code, notJson.json.message], [415, 'unsupported-media-type', 'Send the body as application/json.']);
    matches('post', '/staff/reconcile', notJson);
    const audit = await staffGet(`/audit?order_id=${paid.order_id}`);
    assert.ok(audit.json.items.some((/** @type {any} */ e) => e.action === 'refunds-due/resolve' && e.http_status === 409), audit.text);
    matches('get', '/staff/audit', audit);
    matches('get', '/staff/audit', await staffGet('/audit?limit=200'));

    // Every route was asked for real.
    assert.deepEqual([...documented(doc)].filter((r) => !seen.has(r)), []);
  });
});
