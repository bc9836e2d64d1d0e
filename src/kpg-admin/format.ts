/**
 * How the console writes money and time: `₩55,000` (grouped by threes, in both languages: staff compare
 * amounts in columns), and Korea time (Asia/Seoul is UTC+9 all year: no daylight saving since 1988), computed
 * without the host's time zone or locale data, so every staff member's screen says the same.
 */

/** 55000 -> `₩55,000`; -3000 -> `-₩3,000`. */
export function won(amount: number): string {
  const digits = String(Math.abs(Math.trunc(amount))).replace(/\B(?=(\d{3})+$)/g, ',');
  return `${amount < 0 ? '-' : ''}\u20a9${digits}`;
}

const KST_MS = 9 * 3600_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** The parts of an instant in Korea time, or null for text that is not an instant with its zone. */
function korea(iso: string): { day: string; time: string } | null {
  // Without a zone, Date.parse would read the host's local time: such text is shown as it came.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(iso)) return null;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return null;
  const d = new Date(ms + KST_MS);
  return {
    day: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
  };
}

/** `2026-11-21T03:00:05Z` -> `2026-11-21 12:00:05` (Korea time); `seconds: false` -> `2026-11-21 12:00`. */
export function kst(iso: string | null | undefined, seconds = true): string {
  if (!iso) return '';
  const k = korea(iso);
  if (!k) return iso;
  return `${k.day} ${seconds ? k.time : k.time.slice(0, 5)}`;
}

/** The Korea day of an instant: `2026-11-21`. */
export function kstDay(iso: string): string {
  return korea(iso)?.day ?? iso;
}

/** A whole number of won typed by staff ("3,000", "3000", "₩3,000"), or null. */
export function parseWon(text: string): number | null {
  const digits = text.replace(/[\s,\u20a9원]/g, '');
  if (!/^\d{1,12}$/.test(digits)) return null;
  return Number(digits);
}

/** A fresh idempotency key for one cancel (the same key is sent again when staff submit again). */
export function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `console-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
