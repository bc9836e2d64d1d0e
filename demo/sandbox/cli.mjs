#!/usr/bin/env node
// @ts-check
/**
 * `npx kpg-checkout sandbox`: both sandbox PGs for a shop to develop against, offline (as stripe-mock is for
 * Stripe), started from the installed package. It prints what to paste: the createKpgServer options (or the
 * same as environment variables) and the page lines that let the widget use the sandboxes' origins, then the
 * sandboxes' own pages (virtual-account deposits, every payment). Ctrl-C stops both.
 *
 *   npx kpg-checkout sandbox                   # free ports chosen by the OS, printed
 *   npx kpg-checkout sandbox --port 4010       # Shinhan on 4010, Smartro on 4011
 *   npx kpg-checkout sandbox --port 4010 --shop http://localhost:3000 --host 127.0.0.1
 *
 * Sandbox credentials only (the sandboxes' DEFAULT_MERCHANT): never real keys, no real money.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startShinhanSandbox, DEFAULT_MERCHANT as SHINHAN } from './shinhan/server.mjs';
import { startSmartroSandbox, DEFAULT_MERCHANT as SMARTRO, DEPOSIT_PATH } from './smartro/server.mjs';

export const USAGE = `usage: kpg-checkout sandbox [--port N] [--host HOST] [--shop ORIGIN]

  Starts the sandbox Shinhan and Smartro PGs and prints the server options and page lines that point a
  shop at them. Ctrl-C stops both.

  --port N        Shinhan on N, Smartro on N + 1 (default: two free ports)
  --host HOST     the address they listen on and are reached at (default 127.0.0.1)
  --shop ORIGIN   your shop's origin, printed as publicBaseUrl (default http://localhost:3000)`;

/**
 * @param {string[]} argv the arguments after `sandbox`
 * @returns {{ port: number, host: string, shop: string }}
 */
export function parseArgs(argv) {
  const out = { port: 0, host: '127.0.0.1', shop: 'http://localhost:3000' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.split(/=(.*)/s, 2);
    if (!['--port', '--host', '--shop'].includes(flag)) throw new Error(`unknown argument: ${arg}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--port') {
      if (!/^\d{1,5}$/.test(value) || Number(value) > 65534) throw new Error(`--port must be a port number below 65535 (got ${value})`);
      out.port = Number(value);
    } else if (flag === '--host') out.host = value;
    else {
      let url;
      try {
        url = new URL(value);
      } catch {
        throw new Error(`--shop must be your shop's origin, e.g. http://localhost:3000 (got ${value})`);
      }
      out.shop = url.origin;
    }
  }
  return out;
}

/** @param {unknown} value */
const js = (value) => (Array.isArray(value) ? `[${value.map(js).join(', ')}]` : typeof value === 'string' ? `'${value}'` : String(value));

/**
 * What a shop pastes to use the sandboxes at these origins.
 * @param {{ shinhan: string, smartro: string, shop: string }} origins
 */
export function shopSetup({ shinhan, smartro, shop }) {
  const options = {
    publicBaseUrl: shop,
    shinhan: { apiBase: `${shinhan}/`, clientId: SHINHAN.clientId, paymentApiKey: SHINHAN.paymentApiKey, searchApiKey: SHINHAN.searchApiKey },
    smartro: {
      mid: SMARTRO.mid,
      merchantKey: SMARTRO.merchantKey,
      pcAction: `${smartro}/interfaceURL.jsp`,
      mobileAction: `${smartro}/pay/interfaceURL`,
      apiBase: `${smartro}/`,
      receiptLookupByMoid: true,
      payMethods: ['card', 'vbank', 'bank', 'phone'],
    },
  };
  /** @param {Record<string, unknown>} o */
  const fields = (o) => Object.entries(o).map(([k, v]) => `    ${k}: ${js(v)},`);
  const optionLines = [
    `  publicBaseUrl: ${js(shop)},`,
    '  shinhan: {',
    ...fields(options.shinhan),
    '  },',
    '  smartro: {',
    ...fields(options.smartro),
    '  },',
  ];
  const env = {
    SHINHAN_API_BASE: options.shinhan.apiBase,
    SHINHAN_CLIENT_ID: options.shinhan.clientId,
    SHINHAN_PAYMENT_API_KEY: options.shinhan.paymentApiKey,
    SHINHAN_SEARCH_API_KEY: options.shinhan.searchApiKey,
    SMARTRO_MID: options.smartro.mid,
    SMARTRO_MERCHANT_KEY: options.smartro.merchantKey,
    SMARTRO_PC_ACTION: options.smartro.pcAction,
    SMARTRO_MOBILE_ACTION: options.smartro.mobileAction,
    SMARTRO_API_BASE: options.smartro.apiBase,
    SMARTRO_RECEIPT_LOOKUP_BY_MOID: 'true',
    SMARTRO_PAY_METHODS: options.smartro.payMethods.join(','),
    KPG_PUBLIC_BASE_URL: shop,
  };
  const pageLines = [
    `<script>KpgCheckout.allowPgOrigins(['${shinhan}', '${smartro}']);</script>`,
    `<kpg-checkout provider="shinhan" script-src="${shinhan}/businessPayment/unifiedPay/script" image-base="${shinhan}/" ...></kpg-checkout>`,
    `<kpg-receipt provider="smartro" issue-url="${smartro}/issue/IssueLoader.jsp" ...></kpg-receipt>`,
  ];
  const pages = [
    ['Shinhan: deposit into a virtual account', `${shinhan}/__sandbox/vbank`],
    ['Smartro: deposit into a virtual account (sends the 4110 notice)', `${smartro}${DEPOSIT_PATH}`],
    ['Shinhan: every payment (JSON)', `${shinhan}/__sandbox/payments`],
    ['Smartro: every payment (JSON)', `${smartro}/__sandbox/payments`],
  ];
  return { options, optionLines, env, pageLines, pages };
}

/**
 * Starts both sandboxes and returns what to print.
 * @param {{ port: number, host: string, shop: string }} args
 */
export async function startSandboxes({ port, host, shop }) {
  const shinhan = await startShinhanSandbox({ host, port });
  let smartro;
  try {
    smartro = await startSmartroSandbox({ host, port: port === 0 ? 0 : port + 1 });
  } catch (error) {
    await shinhan.close();
    throw error;
  }
  const setup = shopSetup({ shinhan: shinhan.origin, smartro: smartro.origin, shop });
  const lines = [
    'kpg-checkout sandbox: the sandbox PGs, for developing a shop offline (sandbox keys only; Ctrl-C stops both)',
    `  Shinhan PG  ${shinhan.origin}`,
    `  Smartro PG  ${smartro.origin}`,
    '',
    '1. Server options: createKpgServer({ ...these, loadOrder, authorize }) (kpg-checkout/server)',
    ...setup.optionLines,
    '   The sandbox answers receipt lookups by Moid (receiptLookupByMoid); Smartro documents only by TID:',
    '   leave it off against Smartro itself. Or the same as environment variables (optionsFromEnv):',
    ...Object.entries(setup.env).map(([name, value]) => `  ${name}=${value}`),
    '',
    '2. Page lines: after <script src="/kpg-checkout.js"> (served by your shop), before the elements',
    ...setup.pageLines.map((line) => `  ${line}`),
    '   (script-src: the sandbox\'s ShinhanBizPay script; image-base: its card pictures; issue-url: its receipts)',
    '',
    '3. The sandboxes\' own pages',
    ...setup.pages.map(([what, url]) => `  ${what}: ${url}`),
  ];
  return {
    lines,
    setup,
    shinhan,
    smartro,
    close: () => Promise.all([shinhan.close(), smartro.close()]).then(() => undefined),
  };
}

/** @param {string[]} argv process.argv.slice(2) */
export async function main(argv) {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return;
  }
  if (command !== 'sandbox') {
    console.error(command === undefined ? USAGE : `kpg-checkout: unknown command ${command}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  let args;
  try {
    args = parseArgs(rest);
  } catch (error) {
    console.error(`kpg-checkout sandbox: ${/** @type {Error} */ (error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  let started;
  try {
    started = await startSandboxes(args);
  } catch (error) {
    const e = /** @type {NodeJS.ErrnoException} */ (error);
    console.error(`kpg-checkout sandbox: ${e.code === 'EADDRINUSE' ? `port ${args.port} or ${args.port + 1} is in use: pick another --port, or none for free ones` : e.message}`);
    process.exitCode = 1;
    return;
  }
  for (const line of started.lines) console.log(line);
  const stop = () => {
    started.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

// Run as a command: node_modules/.bin/kpg-checkout is a symlink to this file (argv[1] names the link).
const invoked = process.argv[1] ? realpathSync(process.argv[1]) : '';
if (invoked === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
