/**
 * An attempt that navigated the whole page to the PG (mobile) is remembered in sessionStorage, so that
 * when the buyer comes back the element can ask the backend for that order's outcome and fire it.
 */
import { PendingAttemptSchema, type PendingAttempt } from './schemas.js';

const PREFIX = 'kpg-checkout:pending:';
/** A pending record older than this is stale: the buyer abandoned it. */
const MAX_AGE_MS = 60 * 60 * 1000;

function storage(): Storage | null {
  try {
    return globalThis.sessionStorage;
  } catch {
    return null; // storage disabled (some private modes, sandboxed iframes)
  }
}

export function savePending(key: string, attempt: PendingAttempt): void {
  try {
    storage()?.setItem(PREFIX + key, JSON.stringify(attempt));
  } catch {
    /* quota or disabled: the outcome is still on the backend; the shop can look it up */
  }
}

export function takePending(key: string, now = Date.now()): PendingAttempt | null {
  const store = storage();
  const raw = store?.getItem(PREFIX + key);
  if (!store || raw == null) return null;
  store.removeItem(PREFIX + key);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  const parsed = PendingAttemptSchema.safeParse(json);
  if (!parsed.success || now - parsed.data.started_at > MAX_AGE_MS) return null;
  return parsed.data;
}

export function clearPending(key: string): void {
  try {
    storage()?.removeItem(PREFIX + key);
  } catch {
    /* ignore */
  }
}
