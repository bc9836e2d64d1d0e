/**
 * Shinhan PG (SPG): the backend calls `v1.0/payments/request` and hands us `redirect_url`; we open it with
 * `ShinhanBizPay.openPopup(redirect_url, callback)` from Shinhan's script (PC) or navigate to it (mobile).
 *
 * Nothing public says how Shinhan's script reports back, which codes it uses, or what their values are.
 * So the callback's code is compared only with `ShinhanBizPay.RES_SUCCESS`, every other code is a failure
 * carrying its message, and the backend's verified result decides the outcome either way.
 */
import type { CheckoutConfig } from '../config.js';
import { KpgError, parseOrThrow } from '../errors.js';
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

function scriptUrl(scriptSrc: string | null, pgOrigins: readonly string[]): URL {
  const src = scriptSrc ?? SHINHAN_SCRIPT_SRC;
  const url = pgUrl(src, ownOrigins, pgOrigins);
  if (!url) {
    throw new KpgError({
      code: 'origin-not-allowed',
      field: 'script-src',
      message: `script-src="${src}" is not on an allowed origin: PG scripts load only from https on shinhan.com, or from an origin your own script allowed with KpgCheckout.allowPgOrigins()`,
    });
  }
  return url;
}

/** The API of each script URL that has loaded and checked out, so a click that finds it ready does not wait. */
const ready = new Map<string, ShinhanBizPay>();

function readyApi(config: CheckoutConfig): ShinhanBizPay | undefined {
  return ready.get(scriptUrl(config.scriptSrc, config.pgOrigins).href);
}

/** Load Shinhan's script (once per page) and check that it defined the API we call. */
async function bizPay(config: CheckoutConfig): Promise<ShinhanBizPay> {
  const url = scriptUrl(config.scriptSrc, config.pgOrigins);
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
      message: `redirect_url ${session.redirect_url} is not an https Shinhan URL nor on an origin allowed with KpgCheckout.allowPgOrigins()`,
    });
  }
  return { ...session, redirect_url: url.href };
}

/**
 * Call openPopup and resolve with the callback's first call (validated), or with `closed` when the window
 * the script opened is closed first. The window is captured from the `window.open` call the script makes
 * inside `openPopup` (if it opens one synchronously; otherwise only the callback reports).
 */
function openPopup(api: ShinhanBizPay, url: string, ctx: AttemptContext): Promise<PgReturn> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let captured: Window | null = null;
    const watch = new AbortController();
    const end = () => {
      settled = true;
      watch.abort();
      ctx.signal.removeEventListener('abort', onAbort);
    };
    const done = (value: PgReturn) => {
      if (settled) return; // a script that calls back twice must not end the attempt twice
      end();
      resolve(value);
    };
    const onAbort = () => {
      if (settled) return;
      end();
      reject(ctx.signal.reason);
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const callback = (code: unknown, message: unknown) => {
      const parsed = ShinhanCallbackSchema.safeParse({ code, message: message ?? undefined });
      const ret = parsed.success ? String(parsed.data.code) : 'invalid-callback';
      const ok = parsed.success && ret === String(api.RES_SUCCESS);
      // The script reports a closed window with a code of its own: no success and the window is gone is a close.
      if (!ok && captured?.closed) return done({ kind: 'closed' });
      done({ kind: 'returned', ok, code: ret, message: parsed.success ? (parsed.data.message ?? '').trim() : '' });
    };
    const open = window.open;
    window.open = function (this: Window, ...args: Parameters<typeof window.open>) {
      const win = open.apply(this, args);
      captured ??= win;
      return win;
    } as typeof window.open;
    try {
      api.openPopup(url, callback);
    } catch (error) {
      end();
      reject(
        new KpgError({
          code: 'script-load-failed',
          message: `ShinhanBizPay.openPopup threw: ${error instanceof Error ? error.message : String(error)}`,
        }),
      );
      return;
    } finally {
      window.open = open;
    }
    if (captured && !settled) {
      ctx.popup.adopt(captured);
      ctx.popup.whenClosed(watch.signal).then(
        () => done({ kind: 'closed' }),
        () => {},
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
      message: `The receipt redirect_url ${redirect_url} is not an https Shinhan URL nor on an origin allowed with KpgCheckout.allowPgOrigins()`,
    });
  }
  return url;
}

export const shinhan: Provider<ShinhanSession> = {
  id: 'shinhan',
  ownOrigins,
  receipt: { kind: 'backend', url: receiptUrl },
  scriptUrl,
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
    return openPopup(api, url.href, ctx);
  },
};
