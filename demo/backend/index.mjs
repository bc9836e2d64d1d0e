// @ts-check
/**
 * The demo shop's server side: kpg-checkout/server (built to dist/server by `npm run build`, and by
 * `npm start` before Vite starts) with the demo's orders, its buyer cookie and the sandbox PGs' settings.
 * A real shop writes the same few lines with its own `loadOrder` and `authorize` (README: "The server").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKpgServer, toNodeHandler } from '../../dist/server/index.js';
import { demoOptions } from './config.mjs';
import { createDemoOrders } from './orders.mjs';
import { createDemoStaff } from './staff.mjs';

export { SANDBOX_DEFAULTS, demoOptions } from './config.mjs';
export { BUYER_COOKIE, createDemoOrders } from './orders.mjs';
export { STAFF_COOKIE, createDemoStaff } from './staff.mjs';

/**
 * @param {object} options
 * @param {string} options.publicBaseUrl the shop's origin (the PGs send the buyer back there)
 * @param {{ shinhanOrigin: string, smartroOrigin: string }} options.sandboxes
 * @param {Record<string, string | undefined>} [options.env] SHINHAN_*, SMARTRO_*, DATABASE_URL, KPG_DATA_DIR, KPG_LOG=stdout
 * @param {import('../../dist/server/index.js').DatabaseOptions} [options.database] default: DATABASE_URL,
 *   KPG_DATA_DIR, else PGlite in a fresh temporary directory removed on close
 * @param {import('../../dist/server/index.js').KpgServerOptions['rateLimit']} [options.rateLimit] per-client
 *   limits (default: the server's own)
 */
export function createDemoBackend({ publicBaseUrl, sandboxes, env = {}, database, rateLimit }) {
  const orders = createDemoOrders({ secret: env.KPG_DEMO_COOKIE_SECRET });
  const staff = createDemoStaff({ secret: env.KPG_DEMO_COOKIE_SECRET });
  const receiver = { down: false };
  const pg = demoOptions(env, sandboxes);
  const tempDir = database || pg.database ? undefined : mkdtempSync(join(tmpdir(), 'kpg-demo-db-'));
  // Removed on close, and when the process ends without closing: Vite's dev server dies of Ctrl-C without
  // 'exit' handlers, so the signal is caught once, the directory removed, and the signal raised again.
  const removeTemp = () => tempDir && rmSync(tempDir, { recursive: true, force: true });
  /** @param {NodeJS.Signals} signal */
  const onSignal = (signal) => {
    removeTemp();
    process.kill(process.pid, signal);
  };
  if (tempDir) {
    process.once('exit', removeTemp);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  /** The last log lines (KPG_LOG=stdout prints them as they come). @type {string[]} */
  const logLines = [];
  // The demo's clock: staff can move it forward (POST /api/demo/clock) to see a virtual account expire.
  let skew = 0;
  const clock = {
    /** @param {number} ms */
    advance: (ms) => (skew += ms),
    reset: () => (skew = 0),
    offset: () => skew,
  };
  const kpg = createKpgServer({
    now: () => new Date(Date.now() + skew),
    basePath: '/api/kpg',
    publicBaseUrl,
    database: database ?? pg.database ?? { dataDir: /** @type {string} */ (tempDir) },
    shinhan: pg.shinhan,
    smartro: pg.smartro,
    ...(rateLimit === undefined ? {} : { rateLimit }),
    loadOrder: ({ order_id }) => orders.get(order_id),
    // Buyer binding: only the browser that made the order may pay it, see its result and its receipt.
    authorize: ({ request, order }) => {
      const buyer = orders.buyerOf(request.headers.get('cookie'));
      return buyer !== undefined && buyer === /** @type {import('./orders.mjs').DemoOrder} */ (order).owner;
    },
    // The shop's own system hears every outcome (issue 21). The demo's stands in for an ERP that can be
    // down (POST /api/demo/receiver {down: true}): its deliveries fail, retry, and die after three days of
    // the demo clock; the staff console lists them and re-queues them.
    onEvent: () => {
      if (receiver.down) throw new Error('the demo ERP is down (503 Service Unavailable)');
    },
    // The staff console (issue 23): the demo's staff cookie only (POST /api/demo/staff-login); the buyer
    // cookie opens nothing here.
    authorizeStaff: ({ request }) => {
      const name = staff.staffOf(request.headers.get('cookie'));
      return name ? { id: name } : false;
    },
    log: (line) => {
      logLines.push(line);
      if (logLines.length > 500) logLines.shift();
      if (env.KPG_LOG === 'stdout') console.log(line);
    },
  });
  const middleware = toNodeHandler(kpg);
  return {
    kpg,
    /** The PGs it talks to (the sandboxes unless the environment says otherwise). */
    pgOptions: { shinhanApiBase: pg.shinhan.apiBase, smartroApiBase: pg.smartro.apiBase },
    orders,
    middleware,
    /** POST /api/demo/staff-login and staff-logout (demo/backend/staff.mjs). */
    staffLogin: staff.middleware,
    /** The demo ERP that hears the events: `receiver.down = true` makes its deliveries fail. */
    receiver,
    logLines,
    clock,
    async close() {
      await kpg.close();
      removeTemp();
      process.off('exit', removeTemp);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** @typedef {ReturnType<typeof createDemoBackend>} DemoBackend */
