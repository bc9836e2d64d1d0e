/** `<kpg-checkout>` attributes -> a validated configuration, or the error that names the bad attribute. */
import type { KpgErrorDetail } from './events.js';
import { backendUrl, parseOriginList } from './origins.js';
import { providers } from './providers/index.js';
import type { Provider } from './providers/types.js';
import {
  DeviceSchema,
  PgCodeSchema,
  ProviderIdSchema,
  SecondsSchema,
  type DeviceMode,
} from './schemas.js';
import { themeColors, warnOnce } from './theme.js';

export interface CheckoutAttributes {
  provider?: string | null;
  sessionUrl?: string | null;
  resultUrl?: string | null;
  orderId?: string | null;
  pgcode?: string | null;
  mainColor?: string | null;
  pointColor?: string | null;
  device?: string | null;
  scriptSrc?: string | null;
  pgOrigins?: string | null;
  timeout?: string | number | null;
  resultTimeout?: string | number | null;
  /** With a card picker (`cards-url`): the buyer's choice, required before paying. */
  cardsUrl?: string | null;
  card?: { card_cpny_cd: string; install_month: string } | null;
}

export interface CheckoutConfig {
  provider: Provider;
  sessionUrl: URL;
  resultUrl: URL;
  orderId: string | null;
  pgcode: string;
  mainColor: string;
  pointColor: string;
  device: DeviceMode;
  scriptSrc: string | null;
  pgOrigins: string[];
  /** Each backend request is abandoned after this many milliseconds. */
  timeoutMs: number;
  /** Result polling gives up after this many milliseconds of `pending`. */
  resultTimeoutMs: number;
  /** The chosen card company and months, sent as `card_cpny_cd` / `install_month`. */
  card: { card_cpny_cd: string; install_month: string } | null;
}

export const DEFAULT_TIMEOUT_S = 15;
export const DEFAULT_RESULT_TIMEOUT_S = 60;

export type ConfigResult = { ok: true; config: CheckoutConfig } | { ok: false; error: KpgErrorDetail };

const invalid = (field: string, message: string): ConfigResult => ({
  ok: false,
  error: { code: 'invalid-config', field, message },
});

function seconds(field: string, value: string | number | null | undefined, fallback: number): number {
  if (value == null || value === '') return fallback * 1000;
  const parsed = SecondsSchema.safeParse(value);
  if (parsed.success) return parsed.data * 1000;
  warnOnce(`${field}="${value}" is not a number of seconds; using ${fallback}.`);
  return fallback * 1000;
}

export function readConfig(attrs: CheckoutAttributes): ConfigResult {
  const providerId = ProviderIdSchema.safeParse(attrs.provider ?? '');
  if (!providerId.success) {
    return invalid(
      'provider',
      attrs.provider
        ? `provider="${attrs.provider}" is not supported; use one of: ${ProviderIdSchema.options.join(', ')}`
        : `The provider attribute is required (one of: ${ProviderIdSchema.options.join(', ')})`,
    );
  }
  if (!attrs.sessionUrl) {
    return invalid('session-url', 'The session-url attribute is required: your backend endpoint that returns a signed session');
  }
  const sessionUrl = backendUrl(attrs.sessionUrl);
  if (!sessionUrl) {
    return invalid('session-url', `session-url="${attrs.sessionUrl}" must be on this page's origin (${location.origin})`);
  }
  if (!attrs.resultUrl) {
    return invalid('result-url', 'The result-url attribute is required: your backend endpoint that returns the verified outcome');
  }
  const resultUrl = backendUrl(attrs.resultUrl);
  if (!resultUrl) {
    return invalid('result-url', `result-url="${attrs.resultUrl}" must be on this page's origin (${location.origin})`);
  }
  const pgcode = attrs.pgcode || 'selpay';
  if (!PgCodeSchema.safeParse(pgcode).success) {
    return invalid('pgcode', `pgcode="${pgcode}" must be 1-10 letters, digits or _ (e.g. selpay, card)`);
  }
  const device = DeviceSchema.safeParse(attrs.device || 'auto');
  if (!device.success) {
    return invalid('device', `device="${attrs.device}" must be auto, pc or mobile`);
  }
  const pgOrigins = parseOriginList(attrs.pgOrigins);
  if (pgOrigins.invalid.length) {
    return invalid('pg-origins', `pg-origins has entries that are not origins: ${pgOrigins.invalid.join(' ')} (write e.g. https://pg.example.com)`);
  }
  if (attrs.cardsUrl && !attrs.card) {
    return invalid('card_cpny_cd', 'Choose a card company in the card picker before paying');
  }
  return {
    ok: true,
    config: {
      provider: providers[providerId.data],
      sessionUrl,
      resultUrl,
      orderId: attrs.orderId ?? null,
      pgcode,
      ...themeColors(attrs),
      device: device.data,
      scriptSrc: attrs.scriptSrc || null,
      pgOrigins: pgOrigins.origins,
      timeoutMs: seconds('timeout', attrs.timeout, DEFAULT_TIMEOUT_S),
      resultTimeoutMs: seconds('result-timeout', attrs.resultTimeout, DEFAULT_RESULT_TIMEOUT_S),
      card: attrs.card ?? null,
    },
  };
}
