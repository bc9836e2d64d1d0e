// @ts-check
/**
 * Configuration of the reference merchant backend.
 *
 * Everything secret (the two SPG API keys, the Smartro MerchantKey) lives ONLY here, on the server.
 * The browser never sees them: it only ever learns an `order_no`, the PG's `redirect_url` (Shinhan)
 * or the form to post (Smartro: its EncryptData is a hash made WITH the key, never the key).
 */
import { z } from 'zod/mini';
import { isHttpUrl } from './http.mjs';

/**
 * @typedef {object} MerchantConfig
 * @property {string} shinhanApiBase        SPG API base, ends with "/" (e.g. "http://127.0.0.1:5174/")
 * @property {string} shinhanClientId       SPG client_id (고객사 아이디)
 * @property {string} shinhanPaymentApiKey  SPG "payment" key: payments/request, payments/confirm, cancel
 * @property {string} shinhanSearchApiKey   SPG "search" key: card-list, receipt (거래 확인서), confirm-info
 * @property {string} smartroMid            Smartro MID (상점 ID, 10 characters)
 * @property {string} smartroMerchantKey    Smartro MerchantKey (상점 서명키): EncryptData, SignValue, receipt API `apikey`
 * @property {string} smartroPcAction       WEBLink PC form action (test https://tpay.smilepay.co.kr/interfaceURL.jsp)
 * @property {string} smartroMobileAction   WEBLink mobile form action (test https://tspay.smilepay.co.kr/pay/interfaceURL)
 * @property {string} smartroApiBase        Smartro server API base, ends with "/" (test https://tapi.smilepay.co.kr/)
 * @property {string} publicBaseUrl         the shop's public origin, no trailing slash (e.g. "http://localhost:5173")
 * @property {number} pgTimeoutMs           how long to wait for the PG before giving up (default 10 s)
 * @property {boolean} smartroVerifyWithReceiptApi  before a Smartro approval is recorded as paid, confirm it
 *                                          with the receipt API (its moid, goodsAmt, state). Default true;
 *                                          README "The receipt API cross-check: why, and what it costs"
 * @property {import('./store.mjs').OrderInput[] | undefined} [orders]  the shop's order table (defaults to DEFAULT_ORDERS)
 */

/** Sandbox values (see demo/CONTRACT.md). Never real keys. */
export const SANDBOX_DEFAULTS = Object.freeze({
  shinhanApiBase: 'http://127.0.0.1:5174/',
  shinhanClientId: 'kpgdemo01',
  shinhanPaymentApiKey: 'sandbox-payment-key-0001',
  shinhanSearchApiKey: 'sandbox-search-key-0001',
  smartroMid: 'kpgtest01m',
  smartroMerchantKey: 'c2FuZGJveC1zbWFydHJvLW1lcmNoYW50LWtleS0wMDAx',
  smartroPcAction: 'http://127.0.0.1:5175/interfaceURL.jsp',
  smartroMobileAction: 'http://127.0.0.1:5175/pay/interfaceURL',
  smartroApiBase: 'http://127.0.0.1:5175/',
  publicBaseUrl: 'http://localhost:5173',
  pgTimeoutMs: 10_000,
  smartroVerifyWithReceiptApi: true,
});

/** Environment variable -> config key. */
export const ENV_NAMES = Object.freeze({
  SHINHAN_API_BASE: 'shinhanApiBase',
  SHINHAN_CLIENT_ID: 'shinhanClientId',
  SHINHAN_PAYMENT_API_KEY: 'shinhanPaymentApiKey',
  SHINHAN_SEARCH_API_KEY: 'shinhanSearchApiKey',
  SMARTRO_MID: 'smartroMid',
  SMARTRO_MERCHANT_KEY: 'smartroMerchantKey',
  SMARTRO_PC_ACTION: 'smartroPcAction',
  SMARTRO_MOBILE_ACTION: 'smartroMobileAction',
  SMARTRO_API_BASE: 'smartroApiBase',
  KPG_PUBLIC_BASE_URL: 'publicBaseUrl',
  SMARTRO_VERIFY_WITH_RECEIPT_API: 'smartroVerifyWithReceiptApi',
});

/** Config keys that are on/off switches: from the environment "true"/"false", "1"/"0", "yes"/"no", "on"/"off". */
const FLAGS = new Set(['smartroVerifyWithReceiptApi']);

const httpUrl = z.string().check(z.refine((s) => isHttpUrl(s)));

const ConfigSchema = z.object({
  shinhanApiBase: httpUrl,
  shinhanClientId: z.string().check(z.minLength(1), z.maxLength(10)),
  shinhanPaymentApiKey: z.string().check(z.minLength(1)),
  shinhanSearchApiKey: z.string().check(z.minLength(1)),
  // MID: "영문과 숫자로 이루어진 10 자리" (guide 1.2).
  smartroMid: z.string().check(z.regex(/^[A-Za-z0-9]{1,10}$/)),
  smartroMerchantKey: z.string().check(z.minLength(1)),
  smartroPcAction: httpUrl,
  smartroMobileAction: httpUrl,
  smartroApiBase: httpUrl,
  publicBaseUrl: httpUrl,
  pgTimeoutMs: z.number().check(z.int(), z.positive()),
  smartroVerifyWithReceiptApi: z.boolean(),
  orders: z.optional(z.array(z.unknown())), // checked one by one by the store
});

/**
 * Reads the config from environment variables. Precedence: `env` > `defaults` > sandbox defaults.
 * `defaults` may use config keys ({ shinhanApiBase: ... }) or env names ({ SHINHAN_API_BASE: ... }).
 *
 * @param {Record<string, string | undefined>} [env]
 * @param {Partial<MerchantConfig> & Record<string, unknown>} [defaults]
 * @returns {MerchantConfig}
 */
export function configFromEnv(env = process.env, defaults = {}) {
  /** @type {Record<string, unknown>} */
  const fromEnv = {};
  for (const [envName, key] of Object.entries(ENV_NAMES)) {
    const value = env[envName]?.trim() || defaults[envName];
    if (value !== undefined && value !== '') fromEnv[key] = FLAGS.has(key) ? parseFlag(value) : value;
  }
  const fromDefaults = Object.fromEntries(Object.entries(defaults).filter(([k]) => !(k in ENV_NAMES)));
  return resolveConfig({ ...fromDefaults, ...fromEnv });
}

/**
 * Fills in sandbox defaults, checks the values and normalises the API bases and the public origin.
 * Throws a plain Error naming the bad setting (never its value: it may be a key).
 *
 * @param {Partial<MerchantConfig>} [partial]
 * @returns {MerchantConfig}
 */
export function resolveConfig(partial = {}) {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  const result = ConfigSchema.safeParse({ ...SANDBOX_DEFAULTS, ...defined });
  if (!result.success) {
    const names = result.error.issues.map((issue) => String(issue.path[0])).join(', ');
    throw new Error(`kpg backend: invalid setting(s): ${names}`);
  }
  const config = result.data;
  return hideKeysFromLogs({
    ...config,
    // Always end with "/" so that new URL('v1.0/payments/request', base) keeps any path prefix.
    shinhanApiBase: withSlash(config.shinhanApiBase),
    smartroApiBase: withSlash(config.smartroApiBase),
    // An origin only: return_url etc. are built as `${publicBaseUrl}/api/kpg/...`.
    publicBaseUrl: new URL(config.publicBaseUrl).origin,
    orders: /** @type {import('./store.mjs').OrderInput[] | undefined} */ (config.orders),
  });
}

/**
 * console.log(config) / JSON.stringify(config) show "[hidden]" instead of the keys.
 * (A copy made with {...config} loses this: do not log copies.)
 * @param {MerchantConfig} config
 * @returns {MerchantConfig}
 */
function hideKeysFromLogs(config) {
  const safe = () => ({
    ...config,
    shinhanPaymentApiKey: '[hidden]',
    shinhanSearchApiKey: '[hidden]',
    smartroMerchantKey: '[hidden]',
  });
  Object.defineProperty(config, 'toJSON', { value: safe, enumerable: false });
  Object.defineProperty(config, Symbol.for('nodejs.util.inspect.custom'), { value: safe, enumerable: false });
  return config;
}

/**
 * "true"/"1"/"yes"/"on" -> true, "false"/"0"/"no"/"off" -> false (any case). Anything else is kept
 * as it is, and the config check then refuses it by name: a typo must not switch a check off.
 * @param {unknown} value
 */
function parseFlag(value) {
  if (typeof value !== 'string') return value;
  const text = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(text)) return true;
  if (['false', '0', 'no', 'off'].includes(text)) return false;
  return value;
}

/** @param {string} base */
function withSlash(base) {
  return base.endsWith('/') ? base : `${base}/`;
}

