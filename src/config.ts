/** `<kpg-checkout>` attributes -> a validated configuration, or the error that names the bad attribute. */
import {
  DEFAULT_RESULT_TIMEOUT_S,
  readSeconds,
  readTimeout,
  type Numeric,
} from './attributes.js';
import { KpgError, invalidConfig } from './errors.js';
import type { KpgErrorDetail } from './events.js';
import { backendUrl } from './origins.js';
import type { RegisteredProvider } from './providers/types.js';
import { providerFor } from './registry.js';
import { refusal } from './refusals.js';
import { APP_SCHEME, DEVICES, PAY_METHODS, PG_CODE, oneOf } from './rules.js';
import type { DeviceMode, PayMethod, ProviderId } from './schemas.js';
import { warnOnce } from './warn.js';
import { themeColors } from './theme.js';
import { say } from './messages.js';

export interface CheckoutAttributes {
  provider?: string | null;
  sessionUrl?: string | null;
  resultUrl?: string | null;
  orderId?: string | number | null;
  pgcode?: string | null;
  mainColor?: string | null;
  pointColor?: string | null;
  device?: string | null;
  scriptSrc?: string | null;
  timeout?: Numeric;
  resultTimeout?: Numeric;
  appScheme?: string | null;
  payMethod?: string | null;
}

export interface CheckoutConfig {
  provider: ProviderId;
  /** The PG's module, from this script's registry. */
  pg: RegisteredProvider;
  sessionUrl: URL;
  resultUrl: URL;
  orderId: string;
  pgcode: string;
  mainColor: string;
  pointColor: string;
  device: DeviceMode;
  scriptSrc: string | null;
  /** Each backend request is abandoned after this many milliseconds. */
  timeoutMs: number;
  /** Result polling gives up after this many milliseconds of `pending` / `processing`. */
  resultTimeoutMs: number;
  /** The shop app's URL scheme (`myshop://`), sent as `app_scheme`. */
  appScheme: string | null;
  /** Smartro: `card`, `vbank`, `bank` or `phone`, sent as `pay_method` (null: the backend's default). */
  payMethod: PayMethod | null;
}

export type ConfigResult = { ok: true; config: CheckoutConfig } | { ok: false; error: KpgErrorDetail };

function endpoint(field: string, value: string | null | undefined): URL {
  if (!value) throw invalidConfig(field, say('attribute-required', field));
  const url = backendUrl(value);
  if (!url) throw invalidConfig(field, say('same-origin', field, value, location.origin));
  return url;
}

function read(attrs: CheckoutAttributes): CheckoutConfig {
  const pg = providerFor(attrs.provider);
  const sessionUrl = endpoint('session-url', attrs.sessionUrl);
  const resultUrl = endpoint('result-url', attrs.resultUrl);
  const orderId = attrs.orderId == null ? '' : String(attrs.orderId).trim();
  if (!orderId) throw invalidConfig('order-id', say('order-id'));
  const pgcode = attrs.pgcode || 'selpay';
  if (!PG_CODE.test(pgcode)) {
    throw invalidConfig('pgcode', say('pgcode', pgcode));
  }
  const device = attrs.device || 'auto';
  if (!oneOf(DEVICES, device)) throw invalidConfig('device', say('device', attrs.device));
  const appScheme = attrs.appScheme || null;
  if (appScheme && !APP_SCHEME.test(appScheme)) {
    throw invalidConfig('app-scheme', say('app-scheme', appScheme));
  }
  const config: CheckoutConfig = {
    provider: pg.id,
    pg,
    payMethod: payMethod(pg.id, attrs.payMethod),
    sessionUrl,
    resultUrl,
    orderId,
    pgcode,
    ...themeColors(attrs),
    device,
    scriptSrc: attrs.scriptSrc || null,
    timeoutMs: readTimeout(attrs.timeout),
    resultTimeoutMs: readSeconds('result-timeout', attrs.resultTimeout, DEFAULT_RESULT_TIMEOUT_S),
    appScheme,
  };
  // An attribute this page's backend already refused (refusals.ts): caught here, before any window opens.
  const refused = refusal(config);
  if (refused) throw new KpgError(refused);
  return config;
}

/** `pay-method`: Smartro's; Shinhan's window lets the buyer choose (selpay), so there it is ignored with a warning. */
function payMethod(provider: ProviderId, value: string | null | undefined): PayMethod | null {
  if (!value) return null;
  if (!oneOf(PAY_METHODS, value)) throw invalidConfig('pay-method', say('pay-method', value));
  if (provider === 'smartro') return value;
  warnOnce(say('pay-method-ignored', value, provider));
  return null;
}

export function readConfig(attrs: CheckoutAttributes): ConfigResult {
  try {
    return { ok: true, config: read(attrs) };
  } catch (error) {
    if (error instanceof KpgError) return { ok: false, error: error.detail };
    throw error;
  }
}
