/**
 * Picking up an attempt this page cannot see finishing by itself, on the second stage: one that left the
 * page in this tab (sessionStorage), a virtual account waiting for its money (localStorage), one whose
 * element was removed mid-flight, or one the buyer returns from in another browser (`kpg_order_no` in the
 * URL). The first stage only looks whether there is anything (controllers/attempt.ts), then loads this.
 */
import { DETACHED_MAX_AGE_MS, detached, inFlight, keyOf, type Attempt, type AttemptHost } from './controllers/attempt.js';
import type { Device } from './device.js';
import type { Outcome } from './events.js';
import { name, storage, type Kind } from './pending.js';
import type { AttemptContext } from './providers/types.js';
import { afterClose, resumeCheckout } from './checkout-flow.js';
import { fetchResult } from './protocol.js';
import { PendingAttemptSchema, type PendingAttempt } from './schemas.js';
import { RETURN_PARAM } from './start.js';
import { warnOnce } from './warn.js';
import { say } from './messages.js';

/** What the attempt controller lends this module (its private steps, as functions). */
export interface ResumeKit {
  host: AttemptHost;
  /** The attempt in flight, if any. */
  current(): Attempt | undefined;
  begin(config: Attempt['config'], key: string, orderNo: string): Attempt;
  run(attempt: Attempt, running: Promise<Outcome | null>): void;
  context(attempt: Attempt, device: Device): AttemptContext;
  /** Not this element's attempt after all: back to idle, nothing fired. */
  abandon(attempt: Attempt): void;
}

/** Older than this, a record is stale: a pending attempt was abandoned; an account is long past its due day. */
const MAX_AGE_MS: Record<Kind, number> = { pending: 60 * 60 * 1000, vbank: 62 * 24 * 3600 * 1000 };

/** The record for `key` (taken: removed, unless it is a waiting account's), or null. */
export function takePending(key: string, kind: Kind = 'pending', now = Date.now()): PendingAttempt | null {
  const store = storage(kind);
  const raw = store?.getItem(name(kind, key));
  if (!store || raw == null) return null;
  if (kind === 'pending') store.removeItem(name(kind, key));
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  const parsed = PendingAttemptSchema.safeParse(json);
  if (!parsed.success || now - parsed.data.started_at > MAX_AGE_MS[kind]) return null;
  return parsed.data;
}

/** Remove `kpg_order_no` from the address bar once its attempt is taken. */
function dropReturnParam(orderNo: string): void {
  const url = new URL(location.href);
  if (url.searchParams.get(RETURN_PARAM) !== orderNo) return;
  url.searchParams.delete(RETURN_PARAM);
  history.replaceState(history.state, '', url.href);
}

/** The outcome of an attempt the buyer came back from (a full-page visit in this tab, a waiting account). */
function resumeReturn(kit: ResumeKit, config: Attempt['config'], orderNo: string): void {
  const attempt = kit.begin(config, keyOf(config), orderNo);
  kit.run(attempt, resumeCheckout(kit.context(attempt, 'mobile'), orderNo));
}

/**
 * Back in another browser (iOS may reopen the shop in Safari after the card app): this browser's
 * storage knows nothing, the URL names the attempt. The backend (which checks the buyer) decides; only a
 * result for this element's own order is shown, and no new payment starts while it is being asked.
 */
function resumeElsewhere(kit: ResumeKit, config: Attempt['config'], orderNo: string): void {
  const attempt = kit.begin(config, keyOf(config), orderNo);
  fetchResult(config.resultUrl, orderNo, { signal: attempt.controller.signal, timeoutMs: config.timeoutMs }).then(
    (result) => {
      if (kit.current() !== attempt) return;
      if (result.order_id !== config.orderId) return kit.abandon(attempt);
      dropReturnParam(orderNo);
      kit.run(attempt, resumeCheckout(kit.context(attempt, 'mobile'), orderNo, result));
    },
    (error: unknown) => {
      if (kit.current() !== attempt) return;
      warnOnce(say('return-lookup', RETURN_PARAM, orderNo, error instanceof Error ? error.message : String(error)));
      kit.abandon(attempt);
    },
  );
}

/** Resume what there is for the element's order (the first stage saw there might be something). */
export function resume(kit: ResumeKit): void {
  if (kit.current()) return;
  const read = kit.host.readConfig();
  if (!read.ok) return;
  const config = read.config;
  const key = keyOf(config);
  if (inFlight.has(key)) return;
  const gone = detached.get(key);
  if (gone) detached.delete(key);
  if (gone && gone.config.resultUrl.href === config.resultUrl.href && Date.now() - gone.at < DETACHED_MAX_AGE_MS) {
    const attempt = kit.begin(gone.config, key, gone.orderNo);
    // The window was closed (and reported) when the element left: the backend's answer decides.
    kit.run(attempt, afterClose(kit.context(attempt, 'pc'), gone.orderNo, true));
    return;
  }
  const pending = takePending(key);
  if (pending && pending.provider === config.provider && pending.result_url === config.resultUrl.href) {
    resumeReturn(kit, config, pending.order_no);
    dropReturnParam(pending.order_no);
    return;
  }
  // A virtual account issued on an earlier visit: show it again, or the payment once the money arrived.
  const account = takePending(key, 'vbank');
  if (account && account.provider === config.provider && account.result_url === config.resultUrl.href) {
    resumeReturn(kit, config, account.order_no);
    return;
  }
  const returned = new URLSearchParams(location.search).get(RETURN_PARAM);
  if (returned && /^[A-Za-z0-9_-]{1,64}$/.test(returned)) resumeElsewhere(kit, config, returned);
}
