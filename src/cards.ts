/**
 * Shinhan's card-company list (`GET v1.0/payments/info/card-list`, proxied by the shop's backend):
 * loading it once per URL, and the rules the picker shows. Plain functions, no DOM element needed.
 */
import { KpgError } from './errors.js';
import { parseOrThrow } from './parse.js';
import { getJson } from './http.js';
import { pgUrl, toUrl } from './origins.js';
import { SHINHAN_DOMAIN } from './providers/shinhan-start.js';
import { CardListSchema, CardSchema, describeIssues, type Card } from './schemas.js';
import { warnOnce } from './warn.js';
import { say } from './messages.js';

/** Korean card rules: installments are offered from 50,000 won when the PG does not say otherwise. */
export const DEFAULT_INSTALLMENT_MINIMUM = 50000;

export interface Installment {
  /** `"00"` lump sum, else two digits. */
  month: string;
  interestFree: boolean;
}

export interface CardOption {
  code: string;
  name: string;
  /** The image's URL once it passed the origin rules; null shows the name alone. */
  image: string | null;
  points: boolean;
  /** A 장애 (type 2) notice: the card cannot be chosen, this says why. */
  outage: string | null;
  /** 공지 (1) and 작업 (3) notices: information only. */
  notices: string[];
  raw: Card;
}

/** A card-list number (CardSchema's NumberLike: a number, or digits with spaces around), or null when not set. */
const num = (value: number | string | null | undefined): number | null => (value === null || value === undefined ? null : Number(value));

const two = (month: number) => String(month).padStart(2, '0');

/** The installment choices for `card` at `amount` (null when the amount is unknown: lump sum only). */
export function installments(card: Card, amount: number | null): Installment[] {
  const options: Installment[] = [{ month: '00', interestFree: false }];
  const start = num(card.istl_start_mnts);
  const finish = num(card.istl_finish_mnts);
  const minimum = num(card.istl_psbl_amt) ?? DEFAULT_INSTALLMENT_MINIMUM;
  if (amount === null || start === null || finish === null || amount < minimum) return options;
  const free = interestFreeMonths(card);
  for (let m = Math.max(2, start); m <= Math.min(12, finish); m++) {
    options.push({ month: two(m), interestFree: free.has(m) });
  }
  return options;
}

/** 무이자 months: the start..finish range and the comma list, when `nintr_yn` is Y. */
export function interestFreeMonths(card: Card): Set<number> {
  const months = new Set<number>();
  if ((card.nintr_yn ?? '').toUpperCase() !== 'Y') return months;
  const start = num(card.nintr_istl_start_mnts);
  const finish = num(card.nintr_istl_finish_mnts);
  if (start !== null && finish !== null) for (let m = start; m <= finish; m++) months.add(m);
  for (const part of String(card.mult_part_nintr_istl_mnts ?? '').split(',')) {
    const m = Number(part.trim());
    if (Number.isInteger(m) && m >= 2 && m <= 12) months.add(m); // 0 means "none"
  }
  return months;
}

/** Promotions whose condition amount the order meets (none when the amount is unknown). */
export function promotions(card: Card, amount: number | null) {
  if (amount === null) return [];
  return (card.prmt_list ?? []).filter((p) => amount >= (num(p.prmt_cndi_amt) ?? 0));
}

/**
 * `image_url` is relative to the PG: resolve it against `imageBase`, then load it only from Shinhan's own
 * https hosts, an origin allowed with allowPgOrigins(), or the page's own origin. Anything else: no image.
 */
export function imageUrl(value: string | null | undefined, imageBase: string): string | null {
  const url = value ? toUrl(value, imageBase) : null;
  if (!url) return null;
  // The page's own origin as the page itself is loaded (not a blob: of it, nor an opaque origin's URL).
  if (url.origin === location.origin && url.protocol === location.protocol) return url.href;
  return pgUrl(url.href, SHINHAN_DOMAIN)?.href ?? null;
}

export function toOption(card: Card, image: string | null): CardOption {
  const notices = card.notice_list ?? [];
  const outage = notices.find((n) => Number(n.notice_type) === 2);
  return {
    code: card.card_cpny_cd,
    name: card.card_cpny_name,
    image,
    points: (card.point_use_yn ?? '').toUpperCase() === 'Y',
    outage: outage ? outage.notice_msg || 'outage' : null,
    notices: notices.filter((n) => Number(n.notice_type) !== 2).map((n) => n.notice_msg),
    raw: card,
  };
}

/** Validate card-list's JSON into cards in `sort_no` order. Throws KpgError `cards-failed`. */
export function parseCardList(json: unknown): Card[] {
  const data = parseOrThrow(CardListSchema, json, 'cards-failed', 'The card list is not valid');
  if (Number(data.ret_code) !== 0) {
    throw new KpgError({
      code: 'cards-failed',
      message: say('cards-refused', data.ret_code, data.ret_msg),
    });
  }
  const list = data.list;
  const entries = Array.isArray(list) ? list : list ? [list] : [];
  const cards: Card[] = [];
  for (const entry of entries) {
    const card = CardSchema.safeParse(entry);
    if (card.success) cards.push(card.data);
    else warnOnce(say('card-skipped', describeIssues(card.error).message));
  }
  if (!cards.length) {
    throw new KpgError({ code: 'cards-failed', message: say('cards-empty') });
  }
  return cards.sort((a, b) => (num(a.sort_no) ?? Infinity) - (num(b.sort_no) ?? Infinity));
}

const lists = new Map<string, Promise<Card[]>>();

/**
 * `GET cards-url?pgcode=...`, once per URL however many pickers ask. A failure is forgotten, so a retry
 * asks again.
 */
export function loadCards(url: URL, timeoutMs: number, fresh = false): Promise<Card[]> {
  const key = url.href;
  if (fresh) lists.delete(key);
  let load = lists.get(key);
  if (!load) {
    load = getJson(url, 'cards-failed', 'The card list request', {
      signal: new AbortController().signal,
      timeoutMs,
    }).then(parseCardList);
    load.catch(() => lists.delete(key));
    lists.set(key, load);
  }
  return load;
}
