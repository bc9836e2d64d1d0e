/**
 * Per-client request limits and the card-list cache (issue 10, fault 9). Both live in this instance's
 * memory on purpose: they protect the server and the PG from load, they decide nothing about money (what
 * does lives in the database). With N instances behind a load balancer a client gets up to N times the limit.
 */

export interface RateLimit {
  /** Requests allowed per window and client. */
  limit: number;
  windowMs: number;
}

export interface Limiter {
  /** Counts one request; undefined when allowed, else the seconds until the client may try again. */
  hit(key: string): number | undefined;
}

/** Fixed windows per key; at most `maxKeys` clients remembered (the oldest forgotten first). */
export function createLimiter(rule: RateLimit, now: () => number, maxKeys = 10_000): Limiter {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    hit(key) {
      const t = now();
      let w = windows.get(key);
      if (!w || t - w.start >= rule.windowMs) {
        windows.delete(key);
        w = { start: t, count: 0 };
        windows.set(key, w);
        if (windows.size > maxKeys) windows.delete(windows.keys().next().value as string);
      }
      w.count++;
      if (w.count <= rule.limit) return undefined;
      return Math.max(1, Math.ceil((w.start + rule.windowMs - t) / 1000));
    },
  };
}

/**
 * One upstream call per key per TTL, however many visitors ask (and one at a time: concurrent askers share
 * the call in flight). Failures are not kept, so the next visitor asks again.
 */
export function createTtlCache<T>(ttlMs: number, now: () => number) {
  const entries = new Map<string, { expires: number; value: Promise<T> }>();
  return {
    get(key: string, load: () => Promise<T>, keep: (value: T) => boolean): Promise<T> {
      const hit = entries.get(key);
      if (hit && hit.expires > now()) return hit.value;
      const value = load();
      entries.set(key, { expires: now() + ttlMs, value });
      value.then(
        (v) => {
          if (!keep(v) && entries.get(key)?.value === value) entries.delete(key);
        },
        () => {
          if (entries.get(key)?.value === value) entries.delete(key);
        },
      );
      return value;
    },
  };
}
