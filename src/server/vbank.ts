/**
 * Virtual accounts (가상계좌, issue 11): dates as the PGs send them, and when an account's time is over.
 * Both PGs give the last day a deposit is taken as a date (Smartro VbankExpDate / vacctDueDt yyyyMMdd,
 * Shinhan vald_dt YYYYMMDD), in Korea time, which has no daylight saving time.
 */

/** "20261203" (or "2026-12-03") -> "2026-12-03" when it is a real calendar date; else undefined. */
export function ymd(value: string | undefined | null): string | undefined {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(value?.trim() ?? '');
  if (!m) return undefined;
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  const time = Date.parse(`${date}T00:00:00Z`);
  return Number.isFinite(time) && new Date(time).toISOString().startsWith(date) ? date : undefined;
}

/** The account takes deposits through the whole due day, Korea time: after this moment it is over. */
export function dueEnd(dueDate: string): number {
  return Date.parse(`${dueDate}T23:59:59.999+09:00`);
}

/** Whether an account due on `dueDate` is past its last day at `now`. */
export function pastDue(dueDate: string | null, now: Date): boolean {
  return dueDate !== null && now.getTime() > dueEnd(dueDate);
}
