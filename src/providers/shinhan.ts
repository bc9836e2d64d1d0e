/**
 * Shinhan PG (SPG): the backend calls `v1.0/payments/request` and hands us `redirect_url`; we open it with
 * `ShinhanBizPay.openPopup(redirect_url, callback)` from Shinhan's script (PC) or navigate to it (mobile).
 *
 * Nothing public says how Shinhan's script reports back, which codes it uses, or what their values are.
 * So the callback's code is compared only with `ShinhanBizPay.RES_SUCCESS`, every other code is a failure
 * carrying its message, and the backend's verified result decides the outcome either way.
 */
import type { CheckoutConfig } from '../config.js';
import { KpgError, parseOrThrow } from '../protocol.js';
import { loadScript } from '../controllers/script-loader.js';
import { httpsHostIn, pgUrl } from '../origins.js';
import {
  ShinhanBizPaySchema,
  ShinhanCallbackSchema,
  ShinhanReceiptSchema,
  ShinhanSessionSchema,
  type ShinhanBizPay,
  type ShinhanSession,
} from '../schemas.js';
import type { AttemptContext, PgReturn, Provider } from './types.js';

export const SHINHAN_SCRIPT_SRC = 'https://payspg.shinhan.com/businessPayment/unifiedPay/script';

/** Shinhan's own hosts: https on shinhan.com and its subdomains. */
export const shinhanOrigins = httpsHostIn('shinhan.com');
const ownOrigins = shinhanOrigins;

/** Where card-list's relative image_url values live (`image-base` overrides). */
export const SHINHAN_IMAGE_BASE = 'https://payspg.shinhan.com/';

function scriptUrl(config: CheckoutConfig): URL {
  const src = config.scriptSrc ?? SHINHAN_SCRIPT_SRC;
  const url = pgUrl(src, ownOrigins, config.pgOrigins);
  if (!url) {
    throw new KpgError({
      code: 'origin-not-allowed',
      field: 'script-src',
      message: `script-src="${src}" is not on an allowed origin: use https on shinhan.com or list its origin in pg-origins`,
    });
  }
  return url;
}

/** The API of each script URL that has loaded and checked out, so a click that finds it ready does not wait. */
const ready = new Map<string, ShinhanBizPay>();

function readyApi(config: CheckoutConfig): ShinhanBizPay | undefined {
  return ready.get(scriptUrl(config).href);
}

/** Load Shinhan's script (once per page) and check that it defined the API we call. */
async function bizPay(config: CheckoutConfig): Promise<ShinhanBizPay> {
  const url = scriptUrl(config);
  await loadScript(url);
  const parsed = ShinhanBizPaySchema.safeParse((globalThis as { ShinhanBizPay?: unknown }).ShinhanBizPay);
  if (!parsed.success) {
    throw new KpgError({
      code: 'script-load-failed',
      field: 'script-src',
      message: `The script ${url.href} loaded but did not define ShinhanBizPay.openPopup and ShinhanBizPay.RES_SUCCESS`,
    });
  }
  ready.set(url.href, parsed.data);
  return parsed.data;
}

function parseSession(json: unknown, ctx: AttemptContext): ShinhanSession {
  const session = parseOrThrow(ShinhanSessionSchema, json, 'invalid-session', 'The session JSON is not a Shinhan session');
  const url = pgUrl(session.redirect_url, ownOrigins, ctx.config.pgOrigins);
  if (!url) {
    throw new KpgError({
      code: 'origin-not-allowed',
      field: 'redirect_url',
      order_no: session.order_no,
      message: `redirect_url ${session.redirect_url} is not an https Shinhan URL nor on an origin listed in pg-origins`,
    });
  }
  return { ...session, redirect_url: url.href };
}

/** Call openPopup and resolve with the callback's first call (validated). */
function openPopup(api: ShinhanBizPay, url: string, signal: AbortSignal): Promise<PgReturn> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const onAbort = () => {
      settled = true;
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const callback = (code: unknown, message: unknown) => {
      if (settled) return; // a script that calls back twice must not end the attempt twice
      settled = true;
      signal.removeEventListener('abort', onAbort);
      const parsed = ShinhanCallbackSchema.safeParse({ code, message: message ?? undefined });
      if (!parsed.success) {
        resolve({ kind: 'returned', ok: false, code: 'invalid-callback', message: '' });
        return;
      }
      const ret = String(parsed.data.code);
      resolve({
        kind: 'returned',
        ok: ret === String(api.RES_SUCCESS),
        code: ret,
        message: (parsed.data.message ?? '').trim(),
      });
    };
    try {
      api.openPopup(url, callback);
    } catch (error) {
      settled = true;
      signal.removeEventListener('abort', onAbort);
      reject(
        new KpgError({
          code: 'script-load-failed',
          message: `ShinhanBizPay.openPopup threw: ${error instanceof Error ? error.message : String(error)}`,
        }),
      );
    }
  });
}

/** `GET receipt-url?tid=` -> `{redirect_url}`: Shinhan's 거래 확인서 page, on an allowed origin only. */
function receiptUrl(json: unknown, pgOrigins: readonly string[]): URL {
  const { redirect_url } = parseOrThrow(ShinhanReceiptSchema, json, 'receipt-failed', 'The receipt JSON has no usable redirect_url');
  const url = pgUrl(redirect_url, ownOrigins, pgOrigins);
  if (!url) {
    throw new KpgError({
      code: 'origin-not-allowed',
      field: 'redirect_url',
      message: `The receipt redirect_url ${redirect_url} is not an https Shinhan URL nor on an origin listed in pg-origins`,
    });
  }
  return url;
}

export const shinhan: Provider<ShinhanSession> = {
  id: 'shinhan',
  ownOrigins,
  receipt: { kind: 'backend', url: receiptUrl },
  scriptUrl(config) {
    return scriptUrl(config);
  },
  prepare(ctx) {
    // Usually the script loaded when the element appeared: then nothing to wait for, and the session
    // request leaves inside the click's own task.
    if (ctx.device !== 'pc' || readyApi(ctx.config)) return;
    return bizPay(ctx.config).then(() => undefined);
  },
  parseSession,
  async open(session, ctx) {
    const url = new URL(session.redirect_url);
    if (ctx.device === 'mobile') {
      ctx.leavingPage();
      location.assign(url.href);
      return { kind: 'navigated' };
    }
    const api = readyApi(ctx.config) ?? (await bizPay(ctx.config));
    const gesture = ctx.userGesture();
    if (gesture) await gesture;
    return openPopup(api, url.href, ctx.signal);
  },
};
