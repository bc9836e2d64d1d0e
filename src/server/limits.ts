/**
 * Per-client request limits and the card-list / receipt caches (issue 10, fault 9; issue 19). Both live in
 * this instance's memory on purpose: they protect the server and the PGs from load, they decide nothing
 * about money (what does lives in the database). With N instances behind a load balancer a client gets up
 * to N times a limit, and each instance asks the PG once per cached key (docs/server.md "Rate limits": measured).
 *
 * Keys (issue 19): a limit is kept per CLIENT ADDRESS (IPv6 per /64: one subscriber holds a whole /64) and,
 * where the order is known, per BUYER. There is no shared fallback bucket: a request whose address is unknown
 * is limited by what is known (its buyer), never by one key everyone shares.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { isIP } from 'node:net';

export interface RateLimit {
  /** Requests allowed per window and key (client address, buyer). */
  limit: number;
  windowMs: number;
}

export interface Limiter {
  /** Counts one request; undefined when allowed, else the seconds until the key may try again. */
  hit(key: string): number | undefined;
  /** Whether `key` is over its limit now (counts nothing): undefined when not, else the seconds to wait. */
  peek(key: string): number | undefined;
}

/** Fixed windows per key; at most `maxKeys` keys remembered (the oldest forgotten first). */
export function createLimiter(rule: RateLimit, now: () => number, maxKeys = 10_000): Limiter {
  const windows = new Map<string, { start: number; count: number }>();
  const wait = (w: { start: number }, t: number) => Math.max(1, Math.ceil((w.start + rule.windowMs - t) / 1000));
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
      return w.count <= rule.limit ? undefined : wait(w, t);
    },
    peek(key) {
      const t = now();
      const w = windows.get(key);
      if (!w || t - w.start >= rule.windowMs || w.count < rule.limit) return undefined;
      return wait(w, t);
    },
  };
}

/**
 * The key a client address is limited by: an IPv4 address as is (an IPv4-mapped IPv6 address as its IPv4),
 * an IPv6 address by its /64 ("2001:db8:1:2::/64"), since one subscriber is routed a whole /64 and can
 * use any of its 2^64 addresses. undefined for anything that is not an IP address (no shared bucket).
 */
export function clientKey(address: string | undefined | null): string | undefined {
  if (!address) return undefined;
  let ip = address.trim();
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  const zone = ip.indexOf('%');
  if (zone >= 0) ip = ip.slice(0, zone);
  const version = isIP(ip);
  if (version === 4) return ip;
  if (version !== 6) return undefined;
  const groups = expandIpv6(ip);
  // ::ffff:a.b.c.d (IPv4-mapped): the IPv4 client it is.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6] >> 8, groups[6] & 255, groups[7] >> 8, groups[7] & 255].join('.');
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (with "::" and a trailing dotted IPv4 part). */
function expandIpv6(ip: string): number[] {
  let text = ip; // parseInt reads hex digits in either case
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((g) => parseInt(g, 16));
}

/**
 * What the routes know about the request being handled, for code far from the route (the refusal log and
 * its per-source limit): the client's key, and a callback counting a refusal against it.
 */
export interface RequestContext {
  /** clientKey() of the caller, when the address is known. */
  source?: string;
  onRefusal?: () => void;
  /** The server's redactor: every reply http.ts builds is redacted as it is built (issue 26). */
  redact?: (text: string) => string;
}
export const requestContext = new AsyncLocalStorage<RequestContext>();

/**
 * One upstream call per key per TTL, however many visitors ask (and one at a time: concurrent askers share
 * the call in flight). Failures are not kept, so the next visitor asks again.
 */
export function createTtlCache<T>(ttlMs: number, now: () => number, maxKeys = 10_000) {
  const entries = new Map<string, { expires: number; value: Promise<T> }>();
  return {
    get(key: string, load: () => Promise<T>, keep: (value: T) => boolean): Promise<T> {
      const hit = entries.get(key);
      if (hit && hit.expires > now()) return hit.value;
      const value = load();
      entries.delete(key);
      entries.set(key, { expires: now() + ttlMs, value });
      if (entries.size > maxKeys) entries.delete(entries.keys().next().value as string);
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
