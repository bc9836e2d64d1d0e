/**
 * Options from environment variables, for the CLI and for shops that configure through the environment.
 * A PG is configured when its variables are set; a half-configured one is an error naming what is missing.
 *
 *   DATABASE_URL | KPG_DATA_DIR, KPG_PUBLIC_BASE_URL,
 *   SHINHAN_API_BASE, SHINHAN_CLIENT_ID, SHINHAN_PAYMENT_API_KEY, SHINHAN_SEARCH_API_KEY, SHINHAN_PGCODES,
 *   SHINHAN_REQUIRE_TERMS (true | false; default true: shinhan.requireTerms),
 *   SMARTRO_MID, SMARTRO_MERCHANT_KEY, SMARTRO_ENV (test | real: Smartro's documented hosts) or all of
 *   SMARTRO_PC_ACTION, SMARTRO_MOBILE_ACTION, SMARTRO_API_BASE (each also overrides its SMARTRO_ENV host),
 *   SMARTRO_RECEIPT_LOOKUP_BY_MOID, SMARTRO_PAY_METHODS (card,vbank,bank,phone), SMARTRO_VBANK_DUE_DAYS,
 *   SMARTRO_VBANK_HOLDER, SMARTRO_CANCEL_PASSWORD, SMARTRO_CANCEL_URL
 */
import type { ShinhanOptions } from './providers/shinhan.js';
import type { SmartroOptions } from './providers/smartro.js';
import type { DatabaseOptions } from './store/open.js';

export interface EnvOptions {
  publicBaseUrl?: string;
  database?: DatabaseOptions;
  shinhan?: ShinhanOptions;
  smartro?: SmartroOptions;
}

const SHINHAN = { SHINHAN_API_BASE: 'apiBase', SHINHAN_CLIENT_ID: 'clientId', SHINHAN_PAYMENT_API_KEY: 'paymentApiKey', SHINHAN_SEARCH_API_KEY: 'searchApiKey' } as const;
const SMARTRO = { SMARTRO_MID: 'mid', SMARTRO_MERCHANT_KEY: 'merchantKey' } as const;
/** Required without SMARTRO_ENV; with it (test | real), each one set overrides its documented host. */
const SMARTRO_URLS = { SMARTRO_PC_ACTION: 'pcAction', SMARTRO_MOBILE_ACTION: 'mobileAction', SMARTRO_API_BASE: 'apiBase' } as const;

export function optionsFromEnv(env: Record<string, string | undefined> = process.env): EnvOptions {
  const out: EnvOptions = {};
  const value = (name: string) => env[name]?.trim() || undefined;
  if (value('KPG_PUBLIC_BASE_URL')) out.publicBaseUrl = value('KPG_PUBLIC_BASE_URL');
  if (value('DATABASE_URL')) out.database = { url: value('DATABASE_URL') as string };
  else if (value('KPG_DATA_DIR')) out.database = { dataDir: value('KPG_DATA_DIR') as string };
  const group = <T extends Record<string, string>>(names: T) => {
    const set = Object.keys(names).filter((n) => value(n));
    if (set.length === 0) return undefined;
    const missing = Object.keys(names).filter((n) => !value(n));
    if (missing.length) throw new Error(`kpg server: ${missing.join(', ')} must be set too (${set.join(', ')} ${set.length === 1 ? 'is' : 'are'})`);
    return Object.fromEntries(Object.entries(names).map(([n, key]) => [key, value(n)]));
  };
  const shinhan = group(SHINHAN);
  if (shinhan) {
    out.shinhan = shinhan as unknown as ShinhanOptions;
    const pgcodes = value('SHINHAN_PGCODES');
    if (pgcodes) out.shinhan.pgcodes = pgcodes.split(',').map((s) => s.trim()).filter(Boolean);
    const terms = value('SHINHAN_REQUIRE_TERMS');
    if (terms !== undefined) {
      if (!/^(true|false)$/i.test(terms)) throw new Error('kpg server: SHINHAN_REQUIRE_TERMS must be true or false');
      out.shinhan.requireTerms = /^true$/i.test(terms);
    }
  }
  const smartroEnv = value('SMARTRO_ENV');
  if (smartroEnv !== undefined && smartroEnv !== 'test' && smartroEnv !== 'real') throw new Error('kpg server: SMARTRO_ENV must be test or real');
  const smartro = group(smartroEnv ? { SMARTRO_ENV: 'env', ...SMARTRO } : { ...SMARTRO, ...SMARTRO_URLS });
  if (smartro) {
    out.smartro = smartro as unknown as SmartroOptions;
    for (const [name, key] of Object.entries(SMARTRO_URLS)) if (smartroEnv && value(name)) out.smartro[key] = value(name);
    const lookup = value('SMARTRO_RECEIPT_LOOKUP_BY_MOID');
    if (lookup !== undefined) {
      if (!/^(true|false)$/i.test(lookup)) throw new Error('kpg server: SMARTRO_RECEIPT_LOOKUP_BY_MOID must be true or false');
      out.smartro.receiptLookupByMoid = /^true$/i.test(lookup);
    }
    const methods = value('SMARTRO_PAY_METHODS');
    if (methods) out.smartro.payMethods = methods.split(',').map((s) => s.trim()).filter(Boolean);
    const days = value('SMARTRO_VBANK_DUE_DAYS');
    if (days !== undefined) {
      if (!/^\d{1,2}$/.test(days)) throw new Error('kpg server: SMARTRO_VBANK_DUE_DAYS must be a number of days');
      out.smartro.vbankDueDays = Number(days);
    }
    const holder = value('SMARTRO_VBANK_HOLDER');
    if (holder) out.smartro.vbankHolder = holder;
    const cancelPassword = value('SMARTRO_CANCEL_PASSWORD');
    if (cancelPassword) out.smartro.cancelPassword = cancelPassword;
    const cancelUrl = value('SMARTRO_CANCEL_URL');
    if (cancelUrl) out.smartro.cancelUrl = cancelUrl;
  }
  return out;
}
