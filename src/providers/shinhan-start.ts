/**
 * Shinhan PG (SPG), its first half (first stage): Shinhan's script, loaded and checked when a PC checkout
 * appears, so a click finds it ready and sends the session request at once. The second half (the session's
 * checks, `ShinhanBizPay.openPopup`, receipts) is providers/shinhan.ts.
 */
import { KpgError } from '../errors.js';
import { loadScript } from '../script-loader.js';
import { resolveDevice } from '../device.js';
import { allowedPgUrl } from '../origins.js';
import { isRecord } from '../rules.js';
import type { ShinhanBizPay } from '../schemas.js';
import type { ProviderStart } from './types.js';
import { say } from '../messages.js';

export const SHINHAN_SCRIPT_SRC = 'https://payspg.shinhan.com/businessPayment/unifiedPay/script';

/** Shinhan's own domain: its scripts, windows, receipts and card images are https on it or a subdomain. */
export const SHINHAN_DOMAIN = 'shinhan.com';

/**
 * The checked API by `script-src` as the config gives it (the attribute as written, null without one: the
 * one key, used as is everywhere): a click that finds it here does not wait.
 */
export const apis = new Map<string | null, ShinhanBizPay>();
/** The load and check of each script, shared by every element that asks (a failure is forgotten: a retry loads again). */
const checks = new Map<string | null, Promise<ShinhanBizPay>>();

/**
 * What `ShinhanBizPay` must look like once its script has loaded: `RES_SUCCESS` a string or a number and
 * `openPopup` a function (ShinhanBizPaySchema in rule-schemas.ts, checked by hand: this runs before the click).
 */
export function isBizPay(api: unknown): api is ShinhanBizPay {
  const { RES_SUCCESS, openPopup } = (isRecord(api) ? api : {}) as Partial<ShinhanBizPay>;
  return (typeof RES_SUCCESS === 'string' || Number.isFinite(RES_SUCCESS)) && typeof openPopup === 'function';
}

/** Load Shinhan's script (once per page) and check, once, that it defined the API we call. */
export function bizPay(scriptSrc: string | null): Promise<ShinhanBizPay> {
  let check = checks.get(scriptSrc);
  if (!check) {
    check = (async () => {
      const url = allowedPgUrl(scriptSrc ?? SHINHAN_SCRIPT_SRC, SHINHAN_DOMAIN, 'script-src');
      await loadScript(url);
      const api = (globalThis as { ShinhanBizPay?: unknown }).ShinhanBizPay;
      if (!isBizPay(api)) {
        throw new KpgError({
          code: 'script-load-failed',
          field: 'script-src',
          message: say('script-api', url.href),
        });
      }
      apis.set(scriptSrc, api);
      return api;
    })();
    check.catch(() => checks.delete(scriptSrc));
    checks.set(scriptSrc, check);
  }
  return check;
}

export const shinhanStart: ProviderStart = {
  id: 'shinhan',
  preload(device, scriptSrc) {
    // A PC checkout loads and checks the script when it appears, so the click finds it ready.
    if (resolveDevice(device) === 'pc') bizPay(scriptSrc).catch(() => {}); // a failure is reported on the click
  },
  prepare(ctx) {
    // Ready (the usual case): nothing to wait for, so the session request leaves inside the click's own task.
    if (ctx.device === 'pc' && !apis.has(ctx.config.scriptSrc)) return bizPay(ctx.config.scriptSrc).then(() => {});
  },
};
