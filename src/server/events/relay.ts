/**
 * The relay (issue 21): each server instance delivers the outbox's events to its targets (the shop's
 * `onEvent`, its webhooks), at least once, in order per order and target.
 *
 * - Claimed in the database (store.claimDeliveries: `FOR UPDATE SKIP LOCKED` and a lease): one delivery is
 *   in the hands of one instance at a time, and an instance that dies loses it when its lease passes.
 * - Woken right after this instance commits events, and every `pollEveryMs` for what other instances (or
 *   `kpg-checkout-server reconcile` from cron) wrote, and for retries that came due.
 * - A send that throws, answers other than 2xx (webhooks) or takes longer than `timeoutMs` failed: tried
 *   again after 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 8 h, then every 12 h, until `retryForMs`
 *   (3 days) after it was queued; then it is `dead`, with the last error, until staff re-queue it.
 * - A handler that timed out may still be running (a promise cannot be stopped; its `signal` is aborted):
 *   its delivery keeps its lease until it returns, so it is never in two handlers at the same moment.
 * - Passes in one instance run one after another (the background ones and `deliver()`), never side by side.
 * - Every attempt is a JSON log line (`"event":"delivery"`), redacted like every line.
 */
import { randomBytes } from 'node:crypto';
import { errorText, type Logger } from '../log.js';
import type { Redactor } from '../redact.js';
import type { PaymentStore } from '../store/types.js';
import type { ClaimedDelivery, DeliveryOutcome, KpgEvent } from './types.js';

/** Where events go: `handler` (onEvent) or a webhook. */
export interface RelayTarget {
  id: string;
  /** A webhook's URL (never its secret); null for the handler. */
  url: string | null;
  /** Delivers the event, or throws. `signal` is aborted when the attempt is given up (timeout, close). */
  send(event: KpgEvent, signal: AbortSignal): Promise<void>;
}

export interface RelayConfig {
  /** One send (a handler call, a webhook POST) may take this long; longer counts as failed. */
  timeoutMs: number;
  /** How long a claim holds a delivery; another instance takes it once this has passed (a crashed instance). */
  leaseMs: number;
  /** Look for due deliveries this often (others' events, retries), besides right after own commits; false: never. */
  pollEveryMs: number | false;
  /** Retries stop this long after an event was queued: then `dead`. */
  retryForMs: number;
  /** Deliveries claimed per round. */
  batch: number;
}

export interface DeliveryReport {
  delivered: number;
  /** Failed attempts that will be tried again. */
  failed: number;
  /** Failed attempts after which the delivery is dead. */
  dead: number;
}

/** Delay before attempt n + 1 after n failed attempts: seconds, then minutes, then hours. */
export const RETRY_DELAYS_MS: readonly number[] = [5e3, 30e3, 120e3, 600e3, 1800e3, 3600e3, 7200e3, 14400e3, 28800e3, 43200e3];

/**
 * When a delivery that failed its `attempts`-th attempt at `now` is tried again, or `dead` once its time is up.
 * The last retry is at the deadline itself, so a receiver that comes back within three days gets its event.
 */
export function nextAttempt(attempts: number, queuedAt: string, now: Date, retryForMs: number): string | 'dead' {
  const deadline = Date.parse(queuedAt) + retryForMs;
  if (now.getTime() >= deadline) return 'dead';
  const delay = RETRY_DELAYS_MS[Math.min(Math.max(attempts, 1), RETRY_DELAYS_MS.length) - 1];
  return new Date(Math.min(now.getTime() + delay, deadline)).toISOString();
}

class GivenUp extends Error {}

export function createRelay(deps: { store: PaymentStore; log: Logger; redact: Redactor; now: () => Date; targets: readonly RelayTarget[]; config: RelayConfig }) {
  const { store, log, config } = deps;
  const targets = new Map(deps.targets.map((t) => [t.id, t]));
  const ids = [...targets.keys()];
  /** This instance, in every lease it takes (`<instance>.<claim>`), so staff can tell who holds what. */
  const instance = randomBytes(6).toString('hex');
  let claims = 0;
  const closing = new AbortController();
  let stopped = false;
  let started = false;
  let queued = false;
  let chain: Promise<unknown> = Promise.resolve();
  let timer: ReturnType<typeof setInterval> | undefined;
  const empty = (): DeliveryReport => ({ delivered: 0, failed: 0, dead: 0 });

  const clip = (text: string) => deps.redact(text).slice(0, 500);

  async function pass(): Promise<DeliveryReport> {
    const report = empty();
    if (!ids.length) return report;
    while (!stopped) {
      const now = deps.now();
      const owner = `${instance}.${++claims}`;
      const batch = await store.claimDeliveries({
        owner,
        targets: ids,
        now: now.toISOString(),
        leaseUntil: new Date(now.getTime() + config.leaseMs).toISOString(),
        limit: config.batch,
      });
      if (!batch.length) break;
      const outcomes = await Promise.all(batch.map((claimed) => deliverOne(claimed, owner)));
      for (const o of outcomes) report[o]++;
    }
    return report;
  }

  async function deliverOne(claimed: ClaimedDelivery, owner: string): Promise<keyof DeliveryReport> {
    const target = targets.get(claimed.target) as RelayTarget;
    const { event } = claimed;
    const controller = new AbortController();
    const started = performance.now();
    let settled = false;
    const call = Promise.resolve()
      .then(() => target.send(event, controller.signal))
      .finally(() => {
        settled = true;
      });
    let giveUp!: (reason: GivenUp) => void;
    const limit = new Promise<never>((_, reject) => (giveUp = reject));
    const timer = setTimeout(() => giveUp(new GivenUp(`no answer within ${config.timeoutMs} ms`)), config.timeoutMs);
    const onClose = () => giveUp(new GivenUp('the server closed while it ran'));
    closing.signal.addEventListener('abort', onClose, { once: true });
    let error: string | undefined;
    try {
      await Promise.race([call, limit]);
    } catch (e) {
      error = clip(e instanceof Error ? e.message || e.name : String(e));
      if (e instanceof GivenUp) controller.abort(e);
    } finally {
      clearTimeout(timer);
      closing.signal.removeEventListener('abort', onClose);
    }
    call.catch(() => {}); // its outcome, if it comes after we gave up, was already recorded as a failure
    const now = deps.now();
    let outcome: DeliveryOutcome;
    if (error === undefined) outcome = { status: 'delivered' };
    else {
      const next = nextAttempt(claimed.attempts, claimed.queued_at, now, config.retryForMs);
      // A handler still running keeps the delivery leased until it returns (never in two handlers at once).
      outcome = next === 'dead' ? { status: 'dead', error } : { status: 'pending', next_at: next, error, keepLease: !settled };
    }
    const held = await store
      .finishDelivery({ eventId: event.id, target: target.id, owner, now: now.toISOString(), outcome })
      .catch((e: unknown) => {
        log.write({ event: 'error', level: 'error', where: 'relay', event_id: event.id, message: errorText(e) });
        return false;
      });
    if (outcome.status === 'pending' && outcome.keepLease) {
      void call.catch(() => {}).then(() => (stopped ? undefined : store.releaseLease(event.id, target.id, owner).catch(() => {})));
    }
    const kind: keyof DeliveryReport = outcome.status === 'delivered' ? 'delivered' : outcome.status === 'dead' ? 'dead' : 'failed';
    log.write({
      event: 'delivery',
      level: kind === 'delivered' ? 'info' : kind === 'dead' ? 'error' : 'warn',
      event_id: event.id,
      type: event.type,
      order_id: event.order_id,
      order_no: event.order_no,
      target: target.id,
      ...(target.url ? { url: target.url } : {}),
      attempt: claimed.attempts,
      outcome: kind,
      ms: Math.round(performance.now() - started),
      ...(error !== undefined ? { error } : {}),
      ...(outcome.status === 'pending' ? { next_at: outcome.next_at } : {}),
      // Another instance took it over meanwhile (this one's lease had passed): its outcome is the one recorded.
      ...(held ? {} : { recorded: false }),
    });
    return kind;
  }

  /** Queues one pass after the ones before it. */
  function run(): Promise<DeliveryReport> {
    const next = chain.then(() => (stopped ? empty() : pass()));
    chain = next.catch((error: unknown) => {
      log.write({ event: 'error', level: 'error', where: 'relay', message: errorText(error) });
    });
    return next;
  }

  return {
    instance,
    /** Delivers what is due soon, in the background (after a commit of this instance), once started. */
    wake() {
      if (!started || stopped || queued || !ids.length) return;
      queued = true;
      chain = chain.then(() => {
        queued = false;
      });
      void run().catch(() => {});
    },
    /** One pass now, after any running one: every due delivery of this instance's targets (tests, the CLI, cron). */
    deliver: run,
    start() {
      if (!ids.length || stopped || started) return;
      started = true;
      if (config.pollEveryMs) {
        timer = setInterval(() => this.wake(), config.pollEveryMs);
        timer.unref?.();
      }
      this.wake();
    },
    /** Stops polling, gives up sends still running (recorded as failed, retried later) and waits for the pass. */
    async stop() {
      stopped = true;
      clearInterval(timer); // undefined (never started, or no polling) is a no-op
      closing.abort();
      await chain.catch(() => {});
    },
  };
}

export type Relay = ReturnType<typeof createRelay>;
