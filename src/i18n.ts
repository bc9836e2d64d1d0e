/**
 * What the elements' own words share. Each element keeps its Korean (default) and English text in its own
 * module (so a file without the card picker carries none of the picker's words); PG and backend text never
 * goes through them.
 */

/** `en`, `en-US`... -> English; anything else Korean (with one warning for an unknown `lang`, see base-element). */
export const english = (lang: string | null | undefined): boolean => /^en\b/i.test(lang ?? '');

/**
 * 11000 -> `11,000원` / `₩11,000`. Whole won are grouped by threes as ko-KR and en-US both write them, by
 * hand: `toLocaleString` loads the locale's data on its first call, milliseconds in the first render.
 */
export const won = (amount: number | string, en: boolean): string => {
  const n = Number(amount);
  const digits = Number.isSafeInteger(n) && n >= 0 ? String(n).replace(/\B(?=(\d{3})+$)/g, ',') : n.toLocaleString(en ? 'en-US' : 'ko-KR');
  return en ? `\u20a9${digits}` : `${digits}원`;
};

/** The buyer's words for a blocked window (the checkout and the receipt). */
export const popupBlockedText = (en: boolean): string =>
  en
    ? 'Your browser blocked the payment window. Allow pop-ups for this site and try again.'
    : '브라우저가 결제창을 막았습니다. 팝업 차단을 해제한 뒤 다시 시도해 주세요.';

