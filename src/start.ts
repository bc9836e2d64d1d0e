/**
 * The buyer's click, on the first stage: everything up to the session request, which leaves inside the
 * click's own task whether or not the second stage is here yet. The rest of the attempt (the answer, the
 * PG window, the result) is checkout-flow.ts on the second stage; when that is still on its way, it is
 * awaited in parallel with the session request, so the click never waits longer than the request.
 *
 *   [click] beforeSession (Smartro: the window) -> prepare (Shinhan: its script, ready) -> POST session-url
 *   -> (second stage) the answer -> [kpg-session] -> (next task) the PG window -> the result
 */
import { KpgError } from './errors.js';
import type { KpgSessionDetail, Outcome } from './events.js';
import type { AttemptContext } from './providers/types.js';
import { sendJson } from './request.js';
import type { ProviderId } from './schemas.js';
import { more } from './stage.js';
import { say } from './messages.js';

/** The query parameter the backend adds to `return_to` (contract v2): the attempt the buyer comes back from. */
export const RETURN_PARAM = 'kpg_order_no';

/** The body `POST session-url` receives. */
export interface SessionRequest {
  provider: ProviderId;
  order_id: string;
  device_type: 1 | 2;
  pgcode: string;
  main_color: string;
  point_color: string;
  /** Mobile only: the page to come back to after the PG. */
  return_to?: string;
  /** The shop app's URL scheme (`myshop://`), for PG apps that hand the buyer back to it. */
  app_scheme?: string;
  /** With a card picker: the chosen card company (Shinhan's code) and months (`"00"` lump sum). */
  card_cpny_cd?: string;
  install_month?: string;
  /** Smartro: how the buyer pays (`pay-method`), allowed or refused by the backend. */
  pay_method?: string;
  /** Issue 25: the PG terms the buyer agreed to and the hash the backend answered with them. */
  terms_agreed?: number[];
  terms_hash?: string;
}

export interface FlowHooks {
  /** The backend returned a valid session (fire `kpg-session`). */
  onSession(detail: KpgSessionDetail): void;
}

/** The outcome of an error that ended an attempt: its `kpg-error` (a KpgError's detail, or `session-failed`). */
export function errorOutcome(error: unknown, known: { provider: ProviderId; order_no?: string }): Outcome {
  return {
    type: 'kpg-error',
    detail: {
      provider: known.provider,
      ...(known.order_no ? { order_no: known.order_no } : {}),
      ...(error instanceof KpgError
        ? error.detail
        : { code: 'session-failed', message: say('unexpected', error instanceof Error ? error.message : String(error)) }),
    },
  };
}

export function sessionRequest(ctx: AttemptContext): SessionRequest {
  const { config } = ctx;
  return {
    provider: config.provider,
    order_id: config.orderId,
    device_type: ctx.device === 'mobile' ? 1 : 2,
    pgcode: config.pgcode,
    main_color: config.mainColor,
    point_color: config.pointColor,
    ...(ctx.device === 'mobile' ? { return_to: returnTo() } : {}),
    ...(config.appScheme ? { app_scheme: config.appScheme } : {}),
    ...(config.payMethod ? { pay_method: config.payMethod } : {}),
    ...(ctx.card ?? {}),
    ...ctx.terms,
  };
}

/** This page without its fragment and without a `kpg_order_no` left from an earlier return. */
function returnTo(): string {
  const url = new URL(location.href);
  url.hash = '';
  url.searchParams.delete(RETURN_PARAM);
  return url.href;
}

/**
 * Runs the attempt. Must be called inside the click handler: `beforeSession` and the session request run
 * synchronously before the first await (when the PG's script is ready). Resolves with an Outcome, or `null`
 * when the page navigated away (the outcome then comes on return). Rejects only when `ctx.signal` aborts.
 */
export async function runCheckout(ctx: AttemptContext, hooks: FlowHooks): Promise<Outcome | null> {
  const pg = ctx.config.pg;
  const options = { signal: ctx.signal, timeoutMs: ctx.config.timeoutMs };
  let sent;
  try {
    pg.beforeSession?.(ctx);
    const preparing = pg.prepare?.(ctx);
    if (preparing) await preparing; // not awaited when ready: the session request starts in the click's task
    sent = sendJson(ctx.config.sessionUrl, sessionRequest(ctx), options);
    return (await more()).finish(ctx, hooks, sent);
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    pg.abandon?.(ctx);
    if (sent) void closeUnopened(ctx, sent);
    return errorOutcome(error, { provider: pg.id });
  }
}

/**
 * The second stage could not be loaded, and the session request had left: once it answers, the backend is
 * told that this attempt's window was closed (none was opened), so the order takes a new attempt at once.
 */
async function closeUnopened(ctx: AttemptContext, sent: ReturnType<typeof sendJson>): Promise<void> {
  try {
    const json = (await (await sent.response).json()) as { order_no?: unknown };
    if (typeof json?.order_no === 'string') {
      sendJson(ctx.config.resultUrl, { order_no: json.order_no, event: 'window-closed' }, { signal: new AbortController().signal, timeoutMs: ctx.config.timeoutMs }, true);
    }
  } catch {
    /* no session was made */
  } finally {
    sent.end();
  }
}
