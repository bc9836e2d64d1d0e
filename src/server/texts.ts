/**
 * The only words the server lets a buyer read: fixed texts chosen per code. A PG's own text, or anything a
 * browser put in a URL, never becomes a buyer-facing message (issue 10, fault 6): it goes to the log, and
 * to `pg_message` for developers when the PG itself said it.
 */

const FAIL_TEXTS: Record<string, string> = {
  'confirm-refused': '결제 승인이 거절되었습니다. 다른 카드나 결제수단으로 다시 시도해 주세요.',
  'amount-mismatch': '결제 금액이 주문 금액과 달라 결제를 완료하지 못했습니다. 상점에 문의해 주세요.',
  'pg-refused': '결제를 시작하지 못했습니다. 잠시 후 다시 시도해 주세요.',
  'pg-unreachable': '결제사에 연결하지 못했습니다. 잠시 후 다시 시도해 주세요.',
  'pg-bad-response': '결제사 응답을 확인하지 못했습니다. 잠시 후 다시 시도해 주세요.',
  'pg-cancelled': '결제가 취소되었습니다.',
  'not-charged': '결제가 완료되지 않았습니다. 결제된 금액은 없습니다. 다시 시도해 주세요.',
};

/** Any code the PG sent (a decline such as Smartro 3011 or Shinhan F001). */
const DECLINED = '카드사 또는 결제사에서 결제를 승인하지 않았습니다. 다른 카드나 결제수단으로 다시 시도해 주세요.';

/** The buyer-facing text of a failed attempt. */
export function failText(code: string | null | undefined): string {
  return (code && FAIL_TEXTS[code]) || DECLINED;
}

/**
 * The only codes a BROWSER's report (Shinhan's fail_url, Smartro's unsigned decline) may leave on an attempt,
 * and so in result-url's `code` (issue 19, item 12): a caller's own code is never echoed, it goes to the log.
 * ASSUMPTION: the documents list no decline codes; these are the contract's (demo/CONTRACT.md: F001 Shinhan's
 * window declined) and Smartro's card decline (3011) as the sandboxes send them. Anything else: `pg-failed`.
 */
export const REPORTED_FAIL_CODES: ReadonlySet<string> = new Set(['F001', '3011']);

/** The code a browser-reported failure is recorded with: one of REPORTED_FAIL_CODES, else `pg-failed`. */
export function reportedFailCode(code: string | null | undefined): string {
  return code && REPORTED_FAIL_CODES.has(code) ? code : 'pg-failed';
}

export const TEXTS = {
  attemptInProgress:
    '이 주문의 다른 결제가 아직 진행 중입니다. 열려 있는 결제창에서 결제를 마치거나 그 창을 닫은 뒤 다시 시도해 주세요.',
  alreadyPaid: '이미 결제가 완료된 주문입니다.',
  awaitingDeposit: '이 주문은 발급된 가상계좌로 입금을 기다리고 있습니다. 안내된 계좌로 입금해 주세요.',
  forbidden: '이 주문에 접근할 수 없습니다.',
  rateLimited: '요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.',
} as const;
