// @ts-check
/**
 * One clock for every test that depends on a date (issue 20). Not a test file itself.
 *
 * - `testClock(at)`: a clock pinned at `at` that moves only when the test moves it. Give the same clock to
 *   everything that reads the time in a test: kpg-checkout/server (`now: clock.date`), the sandbox PGs
 *   (`now: clock.now`), and the test's own expectations (`kst.ymd(clock.now())`), so none reads the wall clock.
 * - `KST_EDGES`: the Korean edge times every date-sensitive behaviour is tested at (test/node/server-clock.test.mjs):
 *   midnight, 08:59 (the UTC date is still the day before), 23:59, the last day of a month, the turn of a
 *   year. A date computed in UTC instead of Korea time, or a "today" taken twice across midnight, fails at
 *   one of them whatever the hour the suite runs.
 * - `kst`: Korea time (UTC+9, no daylight saving time) as the PGs write it.
 * test/node/wall-clock.test.mjs checks that no test reads the wall clock for a date.
 */

/** Korean edge times: ISO instants with their +09:00 offset. */
export const KST_EDGES = /** @type {const} */ ({
  'midnight KST, the first day of a month': '2026-12-01T00:00:00.000+09:00',
  '08:59 KST (the UTC date is still the day before)': '2026-12-02T08:59:00.000+09:00',
  '23:59 KST': '2026-12-02T23:59:00.000+09:00',
  'the last day of a month (28 February), 23:59 KST': '2027-02-28T23:59:00.000+09:00',
  'the turn of a year: 31 December, 23:59:59 KST': '2026-12-31T23:59:59.000+09:00',
  'the turn of a year: 1 January, 00:00 KST': '2027-01-01T00:00:00.000+09:00',
});

/** A date-sensitive test's one fixed instant, when it needs only one (the last day of a month, 23:59 KST). */
export const PINNED = '2026-11-30T23:59:00.000+09:00';

export const DAY = 86_400_000;

/**
 * A clock pinned at `at` (ISO string or ms). It never reads the wall clock.
 * @param {string | number} [at]
 */
export function testClock(at = PINNED) {
  let ms = typeof at === 'number' ? at : Date.parse(at);
  if (!Number.isFinite(ms)) throw new Error(`testClock: not a time: ${at}`);
  return {
    /** ms since the epoch (the sandboxes' `now`) */
    now: () => ms,
    /** a Date (kpg-checkout/server's `now`) */
    date: () => new Date(ms),
    /** moves the clock by `delta` ms (may be negative); returns the new time */
    advance: (/** @type {number} */ delta) => (ms += delta),
    /** sets the clock; returns the new time */
    set: (/** @type {string | number} */ to) => (ms = typeof to === 'number' ? to : Date.parse(to)),
  };
}

/**
 * A clock that starts at `at` and then moves at the real pace (elapsed time from performance.now(), never
 * the wall clock): for tests that need time to pass (ordering, retries) but a known day. A test that takes
 * less than a minute stays on the day of `at` when `at` is 23:59:00 KST or earlier.
 * @param {string | number} [at]
 */
export function tickingClock(at = PINNED) {
  const base = typeof at === 'number' ? at : Date.parse(at);
  const t0 = performance.now();
  const now = () => base + Math.floor(performance.now() - t0);
  return { now, date: () => new Date(now()) };
}

/** Korea time as the PGs write it. */
export const kst = {
  /** @param {number} ms */
  parts(ms) {
    const d = new Date(ms + 9 * 3600_000);
    const p = (/** @type {number} */ n) => String(n).padStart(2, '0');
    return { y: String(d.getUTCFullYear()), m: p(d.getUTCMonth() + 1), d: p(d.getUTCDate()), H: p(d.getUTCHours()), M: p(d.getUTCMinutes()), S: p(d.getUTCSeconds()) };
  },
  /** YYYY-MM-DD @param {number} ms */
  date: (ms) => {
    const t = kst.parts(ms);
    return `${t.y}-${t.m}-${t.d}`;
  },
  /** YYYYMMDD @param {number} ms */
  ymd: (ms) => kst.date(ms).replace(/-/g, ''),
  /** yyyyMMddHHmmss (Smartro's ediDate) @param {number} ms */
  compact: (ms) => {
    const t = kst.parts(ms);
    return `${t.y}${t.m}${t.d}${t.H}${t.M}${t.S}`;
  },
  /** The first instant after the Korean day `date` (YYYY-MM-DD) ends. @param {string} date */
  dayAfter: (date) => Date.parse(`${date}T00:00:00.000+09:00`) + DAY,
};
