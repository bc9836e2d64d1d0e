/**
 * Attempts the element must pick up again on a later page load:
 * - `pending` (sessionStorage): one that navigated the whole page to the PG (mobile), so that when the buyer
 *   comes back the element asks the backend for that order's outcome and fires it (taken once);
 * - `vbank` (localStorage, issue 11): a virtual account waiting for its money, so that on any later visit
 *   the element asks the backend again and shows the account, or the payment once it arrived (kept until
 *   the answer is final). Only the attempt's order_no is kept, never the account.
 * Written and looked for here (first stage); read back and resumed by resume.ts (second stage).
 */
import type { PendingAttempt } from './schemas.js';

export type Kind = 'pending' | 'vbank';

export function storage(kind: Kind): Storage | null {
  try {
    return kind === 'pending' ? globalThis.sessionStorage : globalThis.localStorage;
  } catch {
    return null; // storage disabled (some private modes, sandboxed iframes)
  }
}

export const name = (kind: Kind, key: string) => `kpg-checkout:${kind}:${key}`;

export function savePending(key: string, attempt: PendingAttempt, kind: Kind = 'pending'): void {
  try {
    storage(kind)?.setItem(name(kind, key), JSON.stringify(attempt));
  } catch {
    /* quota or disabled: the outcome is still on the backend; the shop can look it up */
  }
}

export function clearPending(key: string, kind: Kind = 'pending'): void {
  try {
    storage(kind)?.removeItem(name(kind, key));
  } catch {
    /* ignore */
  }
}

/** Whether a record for `key` is kept (read, checked and taken on the second stage: resume.ts). */
export function hasPending(key: string, kind: Kind = 'pending'): boolean {
  try {
    return storage(kind)?.getItem(name(kind, key)) != null;
  } catch {
    return false;
  }
}
