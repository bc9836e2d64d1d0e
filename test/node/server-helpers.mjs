// @ts-check
/**
 * What the kpg-checkout/server tests (test/node/server-*.test.mjs) share. Not a test file itself.
 *
 * - `forEachEngine(title, body)`: the same suite once on PGlite and once on a real PostgreSQL server
 *   (`KPG_TEST_DATABASE_URL`, set by scripts/test.mjs from scripts/postgres.mjs). Without PostgreSQL the
 *   PostgreSQL suites are SKIPPED (node:test skip), never passed. Each suite gets its own database: an
 *   in-memory PGlite, or a fresh PostgreSQL database dropped at the end.
 * - `startServer(t, store, options)`: a kpg-checkout/server on its own node:http server (port 0) over that
 *   suite's store; every reply is checked for the keys; its log lines are kept.
 * - `buyer`: what a shopper's browser does at the sandbox PGs' pages (approve, cancel), at the HTTP level.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { after, before, describe } from 'node:test';
import { createKpgServer, openApiDocument, openStore, toNodeHandler } from '../../dist/server/index.js';
import { builtText } from '../../dist/server/http.js';
import { eventsOf } from '../../dist/server/payments/events.js';
import { TRANSITIONS } from '../../dist/server/state.js';
import { failText } from '../../dist/server/texts.js';
import { CancelAnswerSchema, ResultSchema } from '../../dist/server/openapi.js';
import Ajv2020 from 'ajv/dist/2020.js';

export const PG_URL = process.env.KPG_TEST_DATABASE_URL;
export const PG_SKIP = PG_URL ? false : process.env.KPG_TEST_DATABASE_SKIP || 'PostgreSQL is not available (run through `npm test`, which starts one)';

/** @typedef {import('../../dist/server/index.js').PaymentStore} PaymentStore */

/**
 * @typedef {object} Engine
 * @property {'pglite' | 'postgres'} name
 * @property {false | string} skip
 * @property {() => Promise<{ database: import('../../dist/server/index.js').DatabaseOptions, drop(): Promise<void> }>} create
 *   a fresh, empty database for one suite
 */

/** @type {Engine[]} */
export const ENGINES = [
  {
    name: 'pglite',
    skip: false,
    async create() {
      return { database: { memory: true }, drop: async () => {} };
    },
  },
  {
    name: 'postgres',
    skip: PG_SKIP,
    async create() {
      const name = `kpg_t_${randomBytes(6).toString('hex')}`;
      await adminQuery(`CREATE DATABASE ${name}`);
      const url = new URL(/** @type {string} */ (PG_URL));
      url.pathname = `/${name}`;
      return { database: { url: url.href }, drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
    },
  },
];

/** @param {string} sql */
async function adminQuery(sql) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Runs `body` inside a describe() that opens a fresh database on `engine` for it (skipped where the engine
 * is not available).
 * @param {Engine} engine
 * @param {string} title
 * @param {(ctx: { engine: 'pglite' | 'postgres', store: () => PaymentStore, database: () => import('../../dist/server/index.js').DatabaseOptions }) => void} body
 */
export function onEngine(engine, title, body) {
  describe(`${title} [${engine.name}]`, { skip: engine.skip }, () => {
    /** @type {PaymentStore} */
    let store;
    /** @type {Awaited<ReturnType<Engine['create']>>} */
    let db;
    before(async () => {
      db = await engine.create();
      store = await openStore(db.database);
      await store.migrate();
    });
    after(async () => {
      await store?.close();
      await db?.drop();
    });
    body({ engine: engine.name, store: () => store, database: () => db.database });
  });
}

/**
 * Runs `body` once per engine, inside a describe() that opens a fresh database for it.
 * @param {string} title
 * @param {Parameters<typeof onEngine>[2]} body
 */
export function forEachEngine(title, body) {
  for (const engine of ENGINES) onEngine(engine, title, body);
}

let counter = 0;
/** A fresh order id (letters, digits, "-"), unique in this process. @param {string} [prefix] */
export const uid = (prefix = 'T') => `${prefix}${(++counter).toString(36)}${randomBytes(3).toString('hex')}`;

/** @param {http.Server} server @returns {Promise<string>} */
export function listen(server) {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = /** @type {import('node:net').AddressInfo} */ (server.address());
      resolve(`http://127.0.0.1:${address.port}`);
    });
  });
}

/** @param {http.Server} server */
export function closeServer(server) {
  return new Promise((resolve) => {
    if (!server.listening) return resolve(undefined);
    server.closeAllConnections();
    server.close(() => resolve(undefined));
  });
}

/**
 * Serves `handler` on 127.0.0.1, port 0, until the test ends.
 * @param {import('node:test').TestContext} t @param {http.RequestListener} handler
 */
export async function serve(t, handler) {
  const server = http.createServer(handler);
  t.after(() => closeServer(server));
  return listen(server);
}

/**
 * An origin nothing listens on: port 2 (privileged, unassigned in practice, and not on fetch's list of bad
 * ports). Not a port freed a moment ago: another test process (a second npm test, a mutation run) may be
 * given it for its own fake PG, which would then answer "the dead PG".
 */
export async function deadOrigin() {
  return 'http://127.0.0.1:2';
}

/** The whole request body. @param {http.IncomingMessage} req */
export async function readAll(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** @param {http.ServerResponse} res @param {number} status @param {unknown} body */
export function answerJson(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/**
 * The orders of one test's shop: `add()` makes one for a buyer; `loadOrder` / `authorize` are what the
 * server is given. A request proves its buyer with the header `x-buyer` (the tests' stand-in for a session).
 */
export function shopOrders() {
  /** @type {Map<string, any>} */
  const orders = new Map();
  return {
    orders,
    /** @param {Partial<{ order_id: string, amount: number, product_name: string, owner: string, buyer: any }>} [o] */
    add(o = {}) {
      const order = {
        order_id: o.order_id ?? uid('A-'),
        amount: o.amount ?? 11000,
        product_name: o.product_name ?? '테스트 상품',
        buyer: o.buyer ?? { id: 'buyer01', name: '홍길동', tel: '01012345678', email: 'buyer@example.com', ci: TEST_CI },
        owner: o.owner ?? 'alice',
      };
      orders.set(order.order_id, order);
      return order;
    },
    loadOrder: (/** @type {{ order_id: string }} */ { order_id }) => orders.get(order_id),
    authorize: (/** @type {{ request: Request, order: any }} */ { request, order }) => request.headers.get('x-buyer') === order.owner,
  };
}

/**
 * Every error the server answers says what went wrong and what to fix: a code, a message (never empty), and a
 * field, when it names one, that is not empty either. Checked on every error answer of every test.
 * @param {string} path @param {Record<string, unknown>} json
 */
export function saysWhatToFix(path, json) {
  assert.ok(typeof json.code === 'string' && json.code !== '', `the error answer to ${path} has no code: ${JSON.stringify(json)}`);
  assert.ok(typeof json.message === 'string' && json.message.trim() !== '', `the error answer to ${path} has no message: ${JSON.stringify(json)}`);
  if ('field' in json) assert.ok(typeof json.field === 'string' && json.field !== '', `the error answer to ${path} names an empty field: ${JSON.stringify(json)}`);
}

/**
 * A result view carries what its status says, and nothing another status carries: the OpenAPI document's
 * `Result`, one schema per status (openapi.ts: paid and refunded a TID, refunded a balance of 0,
 * awaiting_deposit a TID and the account, failed a code and a message, cancelled a reason, the open states
 * none of these), and a failed view's message is the fixed text of its code (texts.ts), never other words.
 * Checked on every result answer, every event's data and every kpg.payment() of every test.
 * @param {Record<string, any>} view @param {string} where
 */
export function viewSaysItsState(view, where) {
  const parsed = ResultSchema.safeParse(view);
  assert.ok(parsed.success, `${where}: a ${view?.status} view the document's Result refuses: ${parsed.error?.message}\n${JSON.stringify(view).slice(0, 400)}`);
  if (view.status === 'failed') assert.equal(view.message, failText(view.code), `${where}: a failed view whose message is not the fixed text of its code`);
}

/**
 * The OpenAPI document (src/server/openapi.ts) as every answer of every test is checked against it: its
 * operations by path template (a literal path before a parameter), each answer's JSON schema compiled once
 * (ajv, JSON Schema 2020-12, the document's dialect).
 */
const DOCUMENT = (() => {
  const doc = openApiDocument();
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: 'kpg:openapi', components: doc.components });
  /** @type {Map<string, import('ajv').ValidateFunction>} */
  const compiled = new Map();
  /** @param {unknown} schema */
  const validator = (schema) => {
    const text = JSON.stringify(schema).replaceAll('"#/components/', '"kpg:openapi#/components/');
    let check = compiled.get(text);
    if (!check) compiled.set(text, (check = ajv.compile(JSON.parse(text))));
    return check;
  };
  const paths = Object.keys(doc.paths)
    .map((path) => ({ path, re: new RegExp(`^${path.replace(/[.]/g, '\\.').replace(/\{[a-z_]+\}/g, '[^/]+')}$`), params: (path.match(/\{/g) ?? []).length }))
    .sort((a, b) => a.params - b.params);
  return { doc, validator, paths };
})();

/**
 * Every answer the server gives, to any route (the buyers', the PGs', the staff's), in every test, is one
 * the OpenAPI document says that operation gives: its status is listed, its media type is the listed one,
 * and its JSON matches the listed schema. A path no route has answers 404, a method the path does not take
 * 405 (the Allow header it names is held by the openapi test). Returns what is wrong, or nothing.
 * @param {string} method @param {string} path the path under the server's basePath @param {number} status
 * @param {string} type the answer's media type @param {string} body
 * @returns {string | undefined}
 */
export function undocumentedAnswer(method, path, status, type, body) {
  const what = `${method} ${path} answered ${status} ${type || '(no body)'}`;
  const found = DOCUMENT.paths.find((p) => p.re.test(path));
  if (!found) return status === 404 ? undefined : `${what}, on a path the document does not list`;
  const op = DOCUMENT.doc.paths[found.path][method.toLowerCase()];
  if (!op) return status === 405 ? undefined : `${what}, a method the document does not list for ${found.path} (405 expected)`;
  const answer = op.responses[String(status)];
  if (!answer) return `${what}: ${status} is not documented for ${method} ${found.path} (${Object.keys(op.responses).join(', ')})`;
  if (!answer.content) return undefined;
  const media = answer.content[type];
  if (!media) return `${what}: ${type} is not documented for ${status} (${Object.keys(answer.content).join(', ')})`;
  if (type !== 'application/json') return undefined;
  let json;
  try {
    json = JSON.parse(body);
  } catch {
    return `${what}: the body is not JSON: ${body.slice(0, 200)}`;
  }
  const check = DOCUMENT.validator(media.schema);
  if (check(json)) return undefined;
  const errors = (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`).join('; ');
  return `${what} outside its schema: ${errors.slice(0, 1500)}\n${body.slice(0, 400)}`;
}

/** The log's events (src/server/log.ts LogEvent) and what each line of them names besides `t`, `level` and `event`. */
const LOG_EVENTS = {
  transition: ['transition', 'order_no', 'to', 'why'], // and `from`, null only where the attempt is created
  refusal: ['code', 'message'],
  'refund-due': [],
  reconcile: [],
  error: ['message'],
  migrate: [],
  'pg-call': [],
  config: [],
  delivery: [],
  cancel: [],
};

/**
 * A log line as docs/server.md ("Logs") promises it to whoever reads the log: its time, a level, one of the
 * log's events with what that event names, and no field that is empty (a field that says nothing is a line
 * that cannot be acted on). Checked on every line of every test's server.
 * @param {Record<string, unknown>} line
 */
export function logLineSaysWhat(line) {
  const what = JSON.stringify(line);
  assert.ok(typeof line.t === 'string' && !Number.isNaN(Date.parse(line.t)), `a log line without its time: ${what}`);
  assert.ok(['info', 'warn', 'error'].includes(/** @type {string} */ (line.level)), `a log line without a level: ${what}`);
  const names = LOG_EVENTS[/** @type {keyof typeof LOG_EVENTS} */ (line.event)];
  assert.ok(names, `a log line of no known event: ${what}`);
  for (const name of names) assert.ok(typeof line[name] === 'string' && line[name] !== '', `a ${line.event} log line without its ${name}: ${what}`);
  if (line.event === 'transition') {
    assert.ok(typeof line.from === 'string' || (line.transition === 'create' && line.from === null), `a transition log line without its from: ${what}`);
    // Along state.ts's table: a transition that moved went from one of its states to its state.
    const edge = /** @type {Record<string, { from: readonly string[], to: string }>} */ ({ ...TRANSITIONS, create: { from: [], to: 'pending' } })[/** @type {string} */ (line.transition)];
    assert.ok(edge, `a transition log line of no transition in state.ts: ${what}`);
    assert.equal(line.to, edge.to, `a transition log line whose to is not its transition's: ${what}`);
    // A transition that did not move (another request or instance moved the attempt first) is a warning, as
    // payments/ledger.ts's move() writes it; one that moved is info. The hand-written lines follow the same rule.
    assert.equal(typeof line.moved, 'boolean', `a transition log line that does not say whether it moved: ${what}`);
    assert.equal(line.level, line.moved ? 'info' : 'warn', `a transition log line whose level does not follow moved: ${what}`);
    // An attempt that ends failed says why in its code, one that ends cancelled in its reason (what the
    // attempt row keeps, and what staff search the log by).
    const why = /** @type {Record<string, string>} */ ({ decline: 'code', fail: 'code', cancel: 'reason', expire: 'reason' })[/** @type {string} */ (line.transition)];
    if (line.moved === true && why) assert.ok(typeof line[why] === 'string' && line[why] !== '', `a ${line.transition} transition's log line without its ${why}: ${what}`);
    if (line.moved === true && line.transition !== 'create') assert.ok(edge.from.includes(/** @type {string} */ (line.from)), `a transition that moved from a state it does not leave: ${what}`);
  }
  if (line.event === 'cancel' && 'status' in line) {
    // A cancel's line (cancels.ts logCancel): a warning exactly when it did not give back (failed, or unknown:
    // the staff search the log for these), with its code; it names the cancel, its order and TID, and amount.
    const bad = line.status === 'failed' || line.status === 'unknown';
    assert.equal(line.level, bad ? 'warn' : 'info', `a ${line.status} cancel's log line at ${line.level}: ${what}`);
    if (bad) assert.ok(typeof line.code === 'string', `a ${line.status} cancel's log line without its code: ${what}`);
    assert.ok(Number.isInteger(line.cancel_id) && Number.isInteger(line.amount) && typeof line.tid === 'string' && typeof line.order_id === 'string', `a cancel's log line that does not say which: ${what}`);
    assert.notEqual(line.requested_amount, line.amount, `a cancel's log line with a requested_amount that is its amount: ${what}`);
  }
  if (line.event === 'cancel' && line.what === 'close-account') {
    assert.equal(line.level, line.outcome === 'done' ? 'info' : 'warn', `a closed account's log line at ${line.level}: ${what}`);
    // A close that did not happen says why: the PG's refusal with its code and message, or what went wrong.
    if (line.outcome === 'refused') assert.ok(typeof line.code === 'string' && 'pg_message' in line, `a refused account close's line without the PG's code and message: ${what}`);
    if (line.outcome === 'unknown') assert.ok(typeof line.pg_message === 'string', `an account close of unknown outcome without what went wrong: ${what}`);
  }
  const empty = Object.entries(line).filter(([, v]) => v === '').map(([k]) => k);
  assert.deepEqual(empty, [], `a log line with empty fields: ${what}`);
}

/**
 * A cancel's log line says what was asked where the PG gave back another amount (a Shinhan promotion's rule, a
 * whole cancel of less than asked): `requested_amount` exactly when the ledger's row asked for other than the
 * line's amount. Checked against the store when the test ends. @param {PaymentStore} store @param {any[]} logs
 */
async function cancelLinesSayWhatWasAsked(store, logs) {
  for (const line of logs) {
    if (line.event !== 'cancel' || !('status' in line) || !Number.isInteger(line.cancel_id)) continue;
    const row = await store.getCancel(line.cancel_id);
    if (!row) continue;
    const asked = row.requested_amount !== null && row.requested_amount !== line.amount ? row.requested_amount : undefined;
    assert.equal(line.requested_amount, asked, `a cancel's log line and what its row asked (${row.requested_amount}): ${JSON.stringify(line)}`);
  }
}

/**
 * Money owed, recorded on the store itself as the server records it (payments/ledger.ts `owe`): with its
 * refund.due event, in the same transaction.
 * @param {PaymentStore} store @param {Parameters<PaymentStore['recordRefundDue']>[0]} due @param {string} now
 */
export const recordOwed = (store, due, now) => store.recordRefundDue(due, now, eventsOf('refund.due', { refund: { tid: due.tid, amount: due.amount, reason: due.reason } }));

/**
 * The shop is told of every outcome exactly once (issue 21): checked against the store, for every attempt a
 * test's server touched, whatever the test itself asserts. An event is written in the transaction of the
 * change it tells, so this holds at every moment, not only at the end: an attempt's events are exactly what
 * its status says happened (paid: one payment.paid with its TID, maybe the account's vbank.issued before it;
 * failed: one payment.failed; cancelled: one payment.cancelled, or an account's issue and expiry; waiting:
 * the issue; still open: nothing), one payment.refunded per cancel recorded done, one refund.due per amount
 * owed. Each event names the attempt it is about.
 * @param {PaymentStore} store @param {Iterable<string>} orderNos
 */
export async function toldOnce(store, orderNos) {
  for (const orderNo of orderNos) {
    // Read until two reads agree: a server's background work (the relay, reconcileEveryMs) may still be
    // writing, and each of its writes is whole, so two equal reads are one consistent moment.
    let seen = await snapshot(store, orderNo);
    for (let reads = 1; ; reads++) {
      const again = await snapshot(store, orderNo);
      if (JSON.stringify(again) === JSON.stringify(seen)) break;
      assert.ok(reads < 50, `${orderNo} kept changing while it was checked`);
      seen = again;
    }
    if (seen) toldAsItIs(orderNo, seen);
  }
}

/** An attempt, its events (without their deliveries), cancels, amounts owed and ledger rows. @param {PaymentStore} store @param {string} orderNo */
async function snapshot(store, orderNo) {
  const attempt = await store.getAttempt(orderNo);
  if (!attempt) return undefined;
  const events = (await store.events({ orderId: attempt.order_id, limit: 1000 })).filter((e) => e.order_no === orderNo).map(({ deliveries: _, ...e }) => e);
  const cancels = (await store.cancelsOfOrder(attempt.order_id)).filter((c) => c.order_no === orderNo);
  const owed = (await store.refundsDue({ includeResolved: true })).filter((r) => r.order_no === orderNo);
  const tids = [...(attempt.status === 'paid' || attempt.status === 'refunded' ? [/** @type {string} */ (attempt.tid)] : []), ...owed.map((r) => r.tid)];
  const money = await Promise.all(tids.map(async (tid) => ({ tid, row: await store.paymentMoney(attempt.provider, tid) })));
  return { attempt, events, cancels, owed, money };
}

/** @param {string} orderNo @param {NonNullable<Awaited<ReturnType<typeof snapshot>>>} seen */
function toldAsItIs(orderNo, { attempt, events, cancels, owed, money }) {
  /** @param {string} type */
  const count = (type) => events.filter((e) => e.type === type).length;
  const told = Object.fromEntries(['payment.paid', 'payment.failed', 'payment.cancelled', 'vbank.issued', 'vbank.expired'].map((type) => [type, count(type)]));
  const story = `${orderNo} (${attempt.status}) told ${JSON.stringify(events.map((e) => e.type))}`;
  const none = { 'payment.paid': 0, 'payment.failed': 0, 'payment.cancelled': 0, 'vbank.issued': 0, 'vbank.expired': 0 };
  switch (attempt.status) {
    case 'paid':
    case 'refunded':
      assert.deepEqual(told, { ...none, 'payment.paid': 1, 'vbank.issued': Math.min(told['vbank.issued'], 1) }, story);
      assert.equal(events.find((e) => e.type === 'payment.paid')?.data.tid, attempt.tid, `${story}: payment.paid names another TID`);
      break;
    case 'failed':
      assert.deepEqual(told, { ...none, 'payment.failed': 1 }, story);
      break;
    case 'cancelled':
      assert.ok(
        JSON.stringify(told) === JSON.stringify({ ...none, 'payment.cancelled': 1 }) || JSON.stringify(told) === JSON.stringify({ ...none, 'vbank.issued': 1, 'vbank.expired': 1 }),
        story,
      );
      break;
    case 'awaiting_deposit':
      assert.deepEqual(told, { ...none, 'vbank.issued': 1 }, story);
      break;
    default:
      assert.deepEqual(told, none, story);
  }
  assert.deepEqual(
    events.filter((e) => e.type === 'payment.refunded').map((e) => e.data.cancel?.id).sort(),
    cancels.filter((c) => c.status === 'done').map((c) => c.id).sort(),
    `${story}: one payment.refunded per cancel done`,
  );
  assert.deepEqual(
    events.filter((e) => e.type === 'refund.due').map((e) => e.data.refund?.tid).sort(),
    owed.map((r) => r.tid).sort(),
    `${story}: one refund.due per amount owed`,
  );
  // Each event names its attempt and carries its view as result-url shows it (the documented schema), in the
  // state its type says, a failed one with the fixed text of its code.
  /** @type {Record<string, string[]>} */
  const viewOf = { 'payment.paid': ['paid'], 'payment.failed': ['failed'], 'payment.cancelled': ['cancelled'], 'vbank.issued': ['awaiting_deposit'], 'vbank.expired': ['cancelled'], 'payment.refunded': ['paid', 'refunded'] };
  for (const e of events) {
    assert.deepEqual([e.order_id, e.provider, e.data.order_no, e.data.order_id], [attempt.order_id, attempt.provider, orderNo, attempt.order_id], `${story}: ${e.type} names another attempt`);
    // (A refund_due entry given back tells payment.refunded with the view of the attempt that money came with,
    // whatever its state.)
    if (viewOf[e.type] && e.data.cancel?.source !== 'due') assert.ok(viewOf[e.type].includes(e.data.status), `${story}: ${e.type} carries a ${e.data.status} view`);
    viewSaysItsState(e.data, `${story}: ${e.type}`);
  }
  // Each payment's (and amount owed's) ledger row is this order's, and its counters are its cancels' sums
  // (held: every cancel that counts, requested, unknown or done; refunded: the done ones).
  for (const { tid, row } of money) {
    assert.equal(row?.order_no, orderNo, `${story}: ${tid} is not in the ledger for this order`);
    const sum = (/** @type {string[]} */ statuses) => cancels.filter((c) => c.tid === tid && statuses.includes(c.status)).reduce((n, c) => n + c.amount, 0);
    assert.deepEqual([row.held, row.refunded], [sum(['requested', 'unknown', 'done']), sum(['done'])], `${story}: ${tid}'s held and refunded are not its cancels' sums`);
  }
}

/** The sandbox PGs each test started (sandboxes(t)), by test: their records, as the PGs keep them. */
const PG_RECORDS = new WeakMap();
/** The log lines of every server each test started, by test (a TID one of them names was heard of). */
const TEST_LOGS = new WeakMap();

/**
 * The product's first promise, checked after every test that ran the sandbox PGs, whatever the test asserts:
 * the PG's own records and the server's ledger agree on the money.
 * - Money the PG holds (taken and not given back) is counted by the ledger: its attempt is paid by that TID,
 *   or the TID is owed back (refund_due), or the attempt is still open (reconcile will ask). Anything else is
 *   money lost: a buyer charged for an order the shop thinks failed, or charged twice. (A Smartro approval no
 *   server has heard of yet, its ReturnURL and RetryURL not delivered, is in flight: Smartro approves first.)
 * - An attempt the ledger says paid by a TID was paid at the PG by that TID (money moved there).
 * - The ledger never says more was given back of a payment than the PG gave back.
 * Records of orders another server's store holds are not this store's business.
 * @param {PaymentStore} store @param {{ shinhan: any, smartro: any }[]} pgs
 */
export async function pgAgrees(store, pgs, logs = '') {
  if (!pgs.length) return;
  const { balanceOf } = await import('../../demo/sandbox/shinhan/cancel.mjs');
  const owed = new Set((await store.refundsDue({ includeResolved: true })).map((r) => r.tid));
  for (const { shinhan, smartro } of pgs) {
    const records = [
      ...[...shinhan.payments.values()].map((/** @type {any} */ p) => ({
        provider: 'shinhan',
        orderNo: p.orderNo,
        tid: p.tid,
        moved: p.status === 'confirmed' || p.status === 'deposited',
        balance: balanceOf(p),
        given: p.cancels.reduce((/** @type {number} */ n, /** @type {any} */ c) => n + c.amount, 0),
        asked: p.cancels.filter((/** @type {any} */ c) => c.via === 'api').reduce((/** @type {number} */ n, /** @type {any} */ c) => n + c.amount, 0),
      })),
      ...[...smartro.payments.values()].map((/** @type {any} */ p) => ({
        provider: 'smartro',
        orderNo: p.moid,
        tid: p.tid,
        moved: p.status === 'approved' && (p.payMethod !== 'VBANK' || p.vbank?.depositedAt != null),
        balance: p.amount - p.cancel.cancelledAmount,
        given: p.cancel.cancelledAmount,
        // Smartro approves before the server hears (its ReturnURL through the browser, its RetryURL server to
        // server): an approval no server of this test was told of is in flight, not lost.
        notified: p.retry?.state === 'delivered',
        asked: p.cancel.log.filter((/** @type {any} */ c) => c.via === 'api').reduce((/** @type {number} */ n, /** @type {any} */ c) => n + c.amount, 0),
      })),
    ];
    for (const r of records) {
      const attempt = await store.getAttempt(r.orderNo);
      if (!attempt || attempt.provider !== r.provider) continue;
      const story = `${r.provider} ${r.orderNo} (${attempt.status}${attempt.tid ? ` by ${attempt.tid}` : ''}), at the PG ${r.tid ?? '(no TID)'} ${r.moved ? `took money, ${r.balance} won still held` : 'took no money'}`;
      const paidHere = (attempt.status === 'paid' || attempt.status === 'refunded') && attempt.tid === r.tid;
      const open = ['pending', 'processing', 'unknown', 'awaiting_deposit'].includes(attempt.status);
      // Shinhan takes money only at the server's own confirm; Smartro's approval counts once a server heard of
      // it (its RetryURL answered OK, the attempt claimed it, or a server's log names it).
      const heard = r.provider === 'shinhan' || r.notified || attempt.claimed_tid === r.tid || attempt.tid === r.tid || logs.includes(String(r.tid));
      if (r.moved && r.balance > 0 && heard) assert.ok(paidHere || owed.has(r.tid) || open, `${story}: money lost (the ledger neither counts it paid nor owes it back)`);
      if (paidHere) assert.ok(r.moved, `${story}: the ledger says paid by a TID the PG took no money for`);
      if (paidHere || owed.has(r.tid)) {
        // The cancels of this TID in the ledger, but those the shop recorded itself (kpg.recordCancel: a refund
        // it made outside the PG, say by bank transfer, which the PG's records cannot show).
        const cancels = (await store.cancelsOfOrder(attempt.order_id)).filter((c) => c.tid === r.tid && !c.idempotency_key.startsWith('pg:staff:'));
        const sum = (/** @type {string[]} */ statuses) => cancels.filter((c) => statuses.includes(c.status)).reduce((n, c) => n + c.amount, 0);
        const done = sum(['done']);
        const doubt = sum(['requested', 'unknown']);
        assert.ok(done <= r.given, `${story}: the ledger says ${done} won was given back, the PG gave back ${r.given}`);
        // What the server asked the PG to give back and the PG did is counted done, or still in doubt: never refused.
        assert.ok(r.asked <= done + doubt, `${story}: the PG gave back ${r.asked} won the server asked for; the ledger counts ${done} done and ${doubt} in doubt`);
      }
    }
  }
}

/**
 * A kpg-checkout/server over `store`, mounted on its own node:http server. Every reply is checked for the
 * `secrets` (keys never reach a browser). Requests carry `x-buyer: alice` unless told otherwise.
 * @param {import('node:test').TestContext} t
 * @param {PaymentStore} store
 * @param {Record<string, any>} options createKpgServer options (publicBaseUrl is filled in)
 * @param {{ secrets?: string[], buyer?: string | null }} [extra]
 */
export async function startServer(t, store, options, extra = {}) {
  const server = http.createServer();
  const base = await listen(server);
  t.after(() => closeServer(server));
  /** @type {any[]} */
  const logs = [];
  const kpg = createKpgServer({
    publicBaseUrl: base,
    database: store,
    reconcileOnStart: false,
    log: (/** @type {string} */ line) => logs.push(JSON.parse(line)),
    ...options,
  });
  // Before the server closes (and with it a store it opened): every attempt it touched was told to the shop
  // exactly as its status says, whatever the test asserts.
  t.after(async () => toldOnce(await kpg.store(), new Set(logs.map((l) => l.order_no).filter((o) => typeof o === 'string'))));
  // And the sandbox PGs' money agrees with its ledger: nothing taken is lost, nothing is counted the PG did not do.
  TEST_LOGS.set(t, [...(TEST_LOGS.get(t) ?? []), logs]);
  t.after(async () => pgAgrees(await kpg.store(), PG_RECORDS.get(t) ?? [], JSON.stringify(TEST_LOGS.get(t))));
  t.after(async () => cancelLinesSayWhatWasAsked(await kpg.store(), logs));
  t.after(() => kpg.close());
  // What the cancel API answers a test's code is a documented CancelAnswer, whatever the test asserts (only a
  // done cancel gave anything back; a refused or unknown one says why): the same schema the staff routes'
  // answers are checked against below.
  const payment = kpg.payment;
  Object.assign(kpg, {
    payment: async (/** @type {string} */ orderId) => {
      const view = await payment(orderId);
      if (view) viewSaysItsState(view, `kpg.payment(${orderId})`);
      return view;
    },
  });
  for (const name of /** @type {const} */ (['cancel', 'cancelDue', 'confirmCancel', 'recordCancel'])) {
    const method = /** @type {(...args: any[]) => Promise<unknown>} */ (kpg[name]);
    Object.assign(kpg, {
      [name]: async (/** @type {any[]} */ ...args) => {
        const answer = await method(...args);
        const checked = CancelAnswerSchema.safeParse(answer);
        assert.ok(checked.success, `kpg.${name} answered outside CancelAnswerSchema: ${checked.error?.message}\n${JSON.stringify(answer)}`);
        return answer;
      },
    });
  }
  // Every answer, whoever asked (this test, a sandbox PG posting its result, a browser's redirect), is read on
  // the side and checked against the OpenAPI document when the test ends.
  /** @type {Promise<string | undefined>[]} */
  const answers = [];
  const basePath = kpg.basePath === '/' ? '' : kpg.basePath;
  const observed = Object.assign(Object.create(kpg), {
    /** @param {Request} request @param {any} env */
    async fetch(request, env) {
      const response = await kpg.fetch(request, env);
      const path = new URL(request.url).pathname.slice(basePath.length) || '/';
      const type = (response.headers.get('content-type') ?? '').split(';')[0].trim();
      const text = builtText(response) ?? (response.body ? response.clone().text() : '');
      answers.push(Promise.resolve(text).then((body) => undocumentedAnswer(request.method, path, response.status, type, body), (error) => `${request.method} ${path}: the answer could not be read (${error})`));
      return response;
    },
  });
  t.after(async () => {
    const wrong = (await Promise.all(answers)).filter(Boolean);
    assert.deepEqual(wrong, [], 'answers the OpenAPI document does not describe');
  });
  server.on('request', toNodeHandler(observed));
  await kpg.ready;
  const secrets = extra.secrets ?? [];
  const defaultBuyer = extra.buyer === undefined ? 'alice' : extra.buyer;

  /** @param {string} path @param {RequestInit & { buyer?: string | null }} [init] */
  async function call(path, init = {}) {
    const headers = new Headers(init.headers);
    const buyer = init.buyer === undefined ? defaultBuyer : init.buyer;
    if (buyer) headers.set('x-buyer', buyer);
    const res = await fetch(`${base}${path}`, { redirect: 'manual', ...init, headers });
    const text = await res.text();
    for (const secret of secrets) {
      assert.ok(!text.includes(secret), `reply to ${path} leaks a key: ${text.slice(0, 300)}`);
      assert.ok(![...res.headers.values()].some((v) => v.includes(secret)), `headers of ${path} leak a key`);
    }
    const json = res.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : undefined;
    if (res.status >= 400 && json && typeof json === 'object' && 'code' in json) saysWhatToFix(path, json);
    // (Every answer is checked against the OpenAPI document when the test ends: undocumentedAnswer.)
    if (res.status === 200 && /^\/api\/kpg\/result(?:\?|$)/.test(path)) viewSaysItsState(json, `${init.method ?? 'GET'} ${path}`);
    return { res, status: res.status, text, json };
  }
  /** @param {string} path @param {unknown} body @param {{ buyer?: string | null }} [o] */
  const postJson = (path, body, o = {}) =>
    call(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), ...o });
  /** Every log line must be free of the keys too, and say something in each of its fields. */
  t.after(() => {
    const all = JSON.stringify(logs);
    for (const secret of secrets) assert.ok(!all.includes(secret), 'a log line leaks a key');
    for (const line of logs) logLineSaysWhat(line);
    // A payment given back whole says so twice, together: its last cancel's line with `refunded: true`, and at
    // once after it the payment's refund transition (cancels.ts logSettled), however the cancel was recorded.
    logs.forEach((line, i) => {
      if (line.event === 'cancel' && line.refunded === true) {
        const next = logs[i + 1];
        assert.deepEqual([next?.event, next?.transition, next?.order_id, next?.tid], ['transition', 'refund', line.order_id, line.tid], `a cancel that gave back the rest without the refund transition after it: ${JSON.stringify(line)}`);
      }
      if (line.event === 'transition' && line.transition === 'refund') {
        const before = logs[i - 1];
        assert.deepEqual([before?.event, before?.refunded, before?.order_id], ['cancel', true, line.order_id], `a refund transition without the cancel that made it before it: ${JSON.stringify(line)}`);
      }
    });
  });
  return { base, kpg, call, postJson, logs, server };
}

// -----------------------------------------------------------------------------------------------
// The shopper at the sandbox PGs' pages (HTTP level)
// -----------------------------------------------------------------------------------------------

/** Hidden inputs of an HTML page, as {name: value} (entities decoded). @param {string} html */
export function hiddenFields(html) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    out[unescape(m[1])] = unescape(m[2]);
  }
  return out;
}

/** @param {string} s */
function unescape(s) {
  return s
    .replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The form action of the auto-submitted result page. @param {string} html */
export function formAction(html) {
  const m = /<form[^>]*action="([^"]+)"/.exec(html);
  return m ? unescape(m[1]) : undefined;
}

/**
 * Shinhan's page: opens redirect_url, presses `choice` (with the page's other inputs in `extra`, e.g.
 * `{method: 'vbank'}`), returns where the page sends the browser and what it posts ({action, method, fields}), and the page as it was (window).
 * @param {string} redirectUrl @param {'approve' | 'cancel' | 'fail'} choice @param {Record<string, string>} [extra]
 */
export async function shinhanDecide(redirectUrl, choice, extra = {}) {
  const pageHtml = await (await fetch(redirectUrl)).text();
  const nonce = hiddenFields(pageHtml).nonce;
  assert.ok(nonce, 'no nonce on the Shinhan page');
  const origin = new URL(redirectUrl).origin;
  const html = await (await fetch(`${origin}/pgsvc/pay/decide`, { method: 'POST', body: new URLSearchParams({ nonce, choice, ...extra }) })).text();
  const fields = hiddenFields(html);
  const action = formAction(html) ?? /location\.replace\(("[^"]+")\)/.exec(html)?.[1];
  return { html, fields, action: action?.startsWith('"') ? JSON.parse(action) : action, window: pageHtml };
}

/**
 * Smartro's page: posts the session's form to its action (as the browser does: EUC-KR on PC, UTF-8 on
 * mobile, here ASCII-safe values only), presses `choice` (with the page's other inputs in `extra`, e.g. a
 * cash receipt), returns the result form ({action, fields}).
 * @param {{ action: string, fields: Record<string, string> }} session @param {'approve' | 'cancel' | 'fail'} choice
 * @param {Record<string, string>} [extra]
 */
export async function smartroDecide(session, choice, extra = {}) {
  const { encodeEucKr } = await import('../../demo/sandbox/smartro/server.mjs');
  const pc = session.action.endsWith('.jsp');
  const body = Object.entries(session.fields)
    .map(([k, v]) => `${encodeURIComponent(k)}=${pc ? [...encodeEucKr(v)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('') : encodeURIComponent(v)}`)
    .join('&');
  const pageHtml = await (await fetch(session.action, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body })).text();
  const nonce = hiddenFields(pageHtml).nonce;
  assert.ok(nonce, `no nonce on the Smartro page: ${pageHtml.slice(0, 400)}`);
  const origin = new URL(session.action).origin;
  const html = await (await fetch(`${origin}/pay/decide`, { method: 'POST', body: new URLSearchParams({ nonce, choice, ...extra }) })).text();
  return { action: formAction(html), fields: hiddenFields(html), html };
}

/**
 * Posts a result form as the browser would (form-urlencoded; values are ASCII or UTF-8 here).
 * @param {string} url @param {Record<string, string>} fields @param {Record<string, string>} [headers]
 */
export function postForm(url, fields, headers = {}) {
  return fetch(url, { method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields) });
}

/**
 * A store whose methods named in `wrap` run through it: `wrap[name](own, ...args)` in place of the method,
 * `own(...args)` being the store's own. For tests that play a database failure, or another instance, at a
 * chosen moment (real transitions, real constraints: only their timing or their failure is chosen).
 * @template {object} S @param {S} inner @param {Record<string, (own: (...args: any[]) => any, ...args: any[]) => any>} wrap @returns {S}
 */
export function storeWith(inner, wrap) {
  return new Proxy(inner, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const own = value.bind(target);
      const through = typeof prop === 'string' ? wrap[prop] : undefined;
      return through ? (/** @type {any[]} */ ...args) => through(own, ...args) : own;
    },
  });
}

/** Waits for `check` to hold, up to `timeoutMs` (a bounded wait on a condition, never a sleep). @param {() => Promise<boolean> | boolean} check */
export async function until(check, timeoutMs = 5000, what = 'condition') {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A buyer's CI (connecting information) as banks issue it: 88 characters of base64 (Shinhan user_ci, issue 25). */
export const TEST_CI = `${'S0lUVEVTVENJ'.repeat(8).slice(0, 86)}==`;

export const SANDBOX_SHINHAN = { clientId: 'kpgdemo01', paymentApiKey: 'sandbox-payment-key-0001', searchApiKey: 'sandbox-search-key-0001' };
export const SANDBOX_SMARTRO = { mid: 'kpgtest01m', merchantKey: 'c2FuZGJveC1zbWFydHJvLW1lcmNoYW50LWtleS0wMDAx' };
/** The Smartro sandbox merchant's cancel password (Cancelpw): a secret like the keys (issue 22). */
export const SANDBOX_SMARTRO_CANCEL_PASSWORD = 'sandbox-cancel-pw-0001';
export const SANDBOX_SECRETS = [SANDBOX_SHINHAN.paymentApiKey, SANDBOX_SHINHAN.searchApiKey, SANDBOX_SMARTRO.merchantKey, SANDBOX_SMARTRO_CANCEL_PASSWORD];

/**
 * Both sandbox PGs on port 0 for this test, and the server options that point at them.
 * @param {import('node:test').TestContext} t
 * @param {{ retryAttempts?: number, retryDelayMs?: number, now?: () => number }} [smartroOptions]
 * @param {{ promotions?: Record<string, any[]> }} [shinhanOptions]
 */
export async function sandboxes(t, smartroOptions = {}, shinhanOptions = {}) {
  const { startShinhanSandbox } = await import('../../demo/sandbox/shinhan/server.mjs');
  const { startSmartroSandbox } = await import('../../demo/sandbox/smartro/server.mjs');
  // A test's pinned clock (test/node/clock.mjs), given as smartroOptions.now, is both sandboxes' clock.
  const shinhan = await startShinhanSandbox({ port: 0, ...(typeof smartroOptions.now === 'function' ? { now: smartroOptions.now } : {}), ...shinhanOptions });
  const smartro = await startSmartroSandbox({ port: 0, ...smartroOptions });
  t.after(() => Promise.all([shinhan.close(), smartro.close()]));
  // What the PGs' own records say is read when the test ends, against the ledger of every server it started.
  PG_RECORDS.set(t, [...(PG_RECORDS.get(t) ?? []), { shinhan: shinhan.sandbox.state, smartro: smartro.sandbox.state }]);
  return {
    shinhan,
    smartro,
    options: {
      // requireTerms: false: these tests are about payments, not consent (the sandbox has terms for card and
      // selpay, and a session without terms_agreed is refused by default); server-terms.test.mjs and
      // shinhan-sandbox-terms.test.mjs cover the default on both engines.
      shinhan: { apiBase: `${shinhan.origin}/`, ...SANDBOX_SHINHAN, requireTerms: false },
      smartro: {
        ...SANDBOX_SMARTRO,
        pcAction: `${smartro.origin}/interfaceURL.jsp`,
        mobileAction: `${smartro.origin}/pay/interfaceURL`,
        apiBase: `${smartro.origin}/`,
      },
    },
    /** @param {'shinhan' | 'smartro'} pg @param {Record<string, unknown>} fault */
    async fault(pg, fault) {
      const origin = pg === 'shinhan' ? shinhan.origin : smartro.origin;
      const res = await fetch(`${origin}/__sandbox/fault`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(fault) });
      assert.equal(res.status, 200, await res.text());
    },
  };
}

/**
 * A kpg-checkout/server in its own process (test/node/fixtures/kpg-instance.mjs), until the test ends.
 * @param {import('node:test').TestContext} t
 * @param {Record<string, unknown>} config
 * @returns {Promise<{ origin: string, child: import('node:child_process').ChildProcess, log: () => string, exited: Promise<number | null> }>}
 */
export async function spawnInstance(t, config) {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [new URL('./fixtures/kpg-instance.mjs', import.meta.url).pathname], {
    env: { ...process.env, KPG_INSTANCE: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
  const origin = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`instance did not start within 60 s: ${stderr.slice(-2000)}`)), 60_000);
    child.stdout?.on('data', (d) => {
      out += d;
      const m = /READY (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`instance exited (${code}) before it was ready: ${stderr.slice(-2000)}`));
    });
  });
  return { origin: /** @type {string} */ (origin), child, log: () => stderr, exited };
}
