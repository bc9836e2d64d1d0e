/**
 * Attempts the element must pick up again on a later page load:
 * - `pending` (sessionStorage): one that navigated the whole page to the PG (mobile), so that when the buyer
 *   comes back the element asks the backend for that order's outcome and fires it (taken once);
 * - `vbank` (localStorage, issue 11): a virtual account waiting for its money, so that on any later visit
 *   the element asks the backend again and shows the account, or the payment once it arrived (kept until
 *   the answer is final). Only the attempt's order_no is kept, never the account.
 */
import { PendingAttemptSchema, type PendingAttempt } from './schemas.js';

type Kind = 'pending' | 'vbank';

/** Older than this, a record is stale: a pending attempt was abandoned; an account is long past its due day. */
const MAX_AGE_MS: Record<Kind, number> = { pending: 60 * 60 * 1000, vbank: 62 * 24 * 3600 * 1000 };

function storage(kind: Kind): Storage | null {
  try {
    return kind === 'pending' ? globalThis.sessionStorage : globalThis.localStorage;
  } catch {
    return null; // storage disabled (some private modes, sandboxed iframes)
  }
}

const name = (kind: Kind, key: string) => `kpg-checkout:${kind}:${key}`;

export function savePending(key: string, attempt: PendingAttempt, kind: Kind = 'pending'): void {
  try {
    storage(kind)?.setItem(name(kind, key), JSON.stringify(attempt));
  } catch {
    /* quota or disabled: the outcome is still on the backend; the shop can look it up */
  }
}

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

export function clearPending(key: string, kind: Kind = 'pending'): void {
  try {
    storage(kind)?.removeItem(name(kind, key));
  } catch {
    /* ignore */
  }
}
