// @ts-check
/**
 * Configuration of the reference merchant backend.
 *
 * Everything secret (the two SPG API keys) lives ONLY here, on the server. The browser never sees
 * them: it only ever learns an `order_no` and the PG's `redirect_url`.
 */
import { z } from 'zod/mini';

/**
 * @typedef {object} MerchantConfig
 * @property {string} shinhanApiBase        SPG API base, ends with "/" (e.g. "http://127.0.0.1:5174/")
 * @property {string} shinhanClientId       SPG client_id (고객사 아이디)
 * @property {string} shinhanPaymentApiKey  SPG "payment" key: payments/request, payments/confirm, cancel
 * @property {string} shinhanSearchApiKey   SPG "search" key: receipt, confirm-info, card-list (unused by these routes)
 * @property {string} publicBaseUrl         the shop's public origin, no trailing slash (e.g. "http://localhost:5173")
 * @property {number} pgTimeoutMs           how long to wait for the PG before giving up (default 10 s)
 * @property {import('./store.mjs').OrderInput[] | undefined} [orders]  the shop's order table (defaults to DEFAULT_ORDERS)
 */

/** Sandbox values (see demo/CONTRACT.md). Never real keys. */
export const SANDBOX_DEFAULTS = Object.freeze({
  shinhanApiBase: 'http://127.0.0.1:5174/',
  shinhanClientId: 'kpgdemo01',
  shinhanPaymentApiKey: 'sandbox-payment-key-0001',
  shinhanSearchApiKey: 'sandbox-search-key-0001',
  publicBaseUrl: 'http://localhost:5173',
  pgTimeoutMs: 10_000,
});

/** Environment variable -> config key. */
export const ENV_NAMES = Object.freeze({
  SHINHAN_API_BASE: 'shinhanApiBase',
  SHINHAN_CLIENT_ID: 'shinhanClientId',
  SHINHAN_PAYMENT_API_KEY: 'shinhanPaymentApiKey',
  SHINHAN_SEARCH_API_KEY: 'shinhanSearchApiKey',
  KPG_PUBLIC_BASE_URL: 'publicBaseUrl',
});

const httpUrl = z.string().check(z.refine((s) => isHttpUrl(s)));

const ConfigSchema = z.object({
  shinhanApiBase: httpUrl,
  shinhanClientId: z.string().check(z.minLength(1), z.maxLength(10)),
  shinhanPaymentApiKey: z.string().check(z.minLength(1)),
  shinhanSearchApiKey: z.string().check(z.minLength(1)),
  publicBaseUrl: httpUrl,
  pgTimeoutMs: z.number().check(z.int(), z.positive()),
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
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  const fromDefaults = Object.fromEntries(Object.entries(defaults).filter(([k]) => !(k in ENV_NAMES)));
  return resolveConfig({ ...fromDefaults, ...fromEnv });
}

/**
 * Fills in sandbox defaults, checks the values and normalises the two URLs.
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
    shinhanApiBase: config.shinhanApiBase.endsWith('/') ? config.shinhanApiBase : `${config.shinhanApiBase}/`,
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
  const safe = () => ({ ...config, shinhanPaymentApiKey: '[hidden]', shinhanSearchApiKey: '[hidden]' });
  Object.defineProperty(config, 'toJSON', { value: safe, enumerable: false });
  Object.defineProperty(config, Symbol.for('nodejs.util.inspect.custom'), { value: safe, enumerable: false });
  return config;
}

/** @param {string} text */
function isHttpUrl(text) {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
