/** Words the second stage's elements share (the picker, the receipt, the slip); the first stage's are in i18n.ts. */

/** Installment months: `3개월 (무이자)` / `3 months (interest-free)`. */
export const monthsText = (months: number, interestFree: boolean, en: boolean): string =>
  en ? `${months} months${interestFree ? ' (interest-free)' : ''}` : `${months}개월${interestFree ? ' (무이자)' : ''}`;

/** The retry button of a list or slip that could not be loaded. */
export const retryText = (en: boolean): string => (en ? 'Try again' : '다시 시도');
