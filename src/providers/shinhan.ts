/**
 * Shinhan PG (SPG), its second half (the first, loading Shinhan's script, is shinhan-start.ts): the backend
 * calls `v1.0/payments/request` and hands us `redirect_url`; we open it with
 * `ShinhanBizPay.openPopup(redirect_url, callback)` from Shinhan's script (PC) or navigate to it (mobile).
 *
 * Nothing public says how Shinhan's script reports back, which codes it uses, or what their values are.
 * So the callback's code is compared only with `ShinhanBizPay.RES_SUCCESS`, every other code is a failure
 * carrying its message, and the backend's verified result decides the outcome either way.
 */
import { KpgError } from '../errors.js';
import { allowedPgUrl } from '../origins.js';
import { parseOrThrow } from '../parse.js';
import { isRecord, text } from '../rules.js';
import { ShinhanCallbackSchema, ShinhanReceiptSchema, ShinhanSessionSchema, type ShinhanBizPay, type ShinhanSession } from '../schemas.js';
import { SHINHAN_DOMAIN, apis, bizPay } from './shinhan-start.js';
import type { AttemptContext, PgReturn, ProviderMore } from './types.js';
import { say } from '../messages.js';

/** Where card-list's relative image_url values live (`image-base` overrides). */
export const SHINHAN_IMAGE_BASE = 'https://payspg.shinhan.com/';

/**
 * ShinhanSessionSchema, checked by hand: this runs on the click path, between the session's answer and the
 * window (a zod parse only for a session this check refuses, to say what is wrong with it).
 * test/property.test.ts holds it to the schema.
 */
export const isShinhanSession = (json: unknown): json is ShinhanSession =>
  isRecord(json) && json.provider === 'shinhan' && text(json.order_no, 1, 50) && text(json.redirect_url, 1, 1000);

function parseSession(json: unknown): ShinhanSession {
  const session = isShinhanSession(json)
    ? json
    : parseOrThrow(ShinhanSessionSchema, json, 'invalid-session', 'The session JSON is not a Shinhan session');
  return { provider: 'shinhan', order_no: session.order_no, redirect_url: allowedPgUrl(session.redirect_url, SHINHAN_DOMAIN, 'redirect_url', session.order_no).href };
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
    // Never after end(): end() removes it (a listener removed during the abort's dispatch is skipped too).
    const onAbort = () => {
      end();
      reject(ctx.signal.reason);
    };
    ctx.signal.addEventListener('abort', onAbort); // a signal aborts once, and end() removes it
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
          message: say('open-popup-threw', error instanceof Error ? error.message : String(error)),
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
function receiptUrl(json: unknown): URL {
  const { redirect_url } = parseOrThrow(ShinhanReceiptSchema, json, 'receipt-failed', 'The receipt JSON has no usable redirect_url');
  return allowedPgUrl(redirect_url, SHINHAN_DOMAIN, 'redirect_url');
}

export const shinhan: ProviderMore<ShinhanSession> = {
  id: 'shinhan',
  receipt: { kind: 'backend', url: receiptUrl },
  parseSession,
  async open(session, ctx) {
    // The window's task: the session was checked in the task before (checkout-flow.ts).
    if (ctx.device === 'mobile') {
      ctx.leavingPage();
      location.assign(session.redirect_url);
      return { kind: 'navigated' };
    }
    const api = apis.get(ctx.config.scriptSrc) ?? (await bizPay(ctx.config.scriptSrc));
    const gesture = ctx.userGesture();
    if (gesture) await gesture;
    return openPopup(api, session.redirect_url, ctx);
  },
};
