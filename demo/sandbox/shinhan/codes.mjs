// @ts-check
/**
 * ret_code values answered by the sandbox Shinhan PG.
 *
 * Shinhan's document shows only `0` (OK) and `998` ("token is missing or incorrect.").
 * Every other number below is a SANDBOX CHOICE (assumption), listed in README.md.
 */
export const RET = Object.freeze({
  OK: 0,
  /** From the document: Authorization header missing or the API key is wrong. */
  AUTH: 998,

  // --- sandbox choices (assumption) ---
  /** Body is not valid JSON / not a JSON object / not UTF-8. */
  MALFORMED_BODY: 900,
  /** Content-Type is not application/json. */
  UNSUPPORTED_MEDIA_TYPE: 901,
  /** Body larger than the sandbox limit (64 KiB). */
  BODY_TOO_LARGE: 902,
  /** Unknown route. */
  NOT_FOUND: 904,
  /** Known route, wrong HTTP method. */
  METHOD_NOT_ALLOWED: 905,
  /** A required field is missing (absent, null or ""). */
  MISSING_FIELD: 910,
  /** A field has the wrong JSON type (e.g. "11000" where a number is required). */
  INVALID_TYPE: 911,
  /** A string field is longer than the size in the document's table. */
  TOO_LONG: 912,
  /** A field has a value outside what the document allows (enum, format, range). */
  INVALID_VALUE: 913,
  /** amount below the minimum approval amount for the pgcode. */
  AMOUNT_TOO_SMALL: 914,
  /** client_id is not a registered merchant. */
  UNKNOWN_CLIENT: 920,
  /** param_ispt_hash does not match sha256(client_id + user_id + order_no + pay_type + amount + key). */
  HASH_MISMATCH: 921,
  /** The same order_no was already used for this client_id. */
  DUPLICATE_ORDER: 922,
  /** confirm: no payment with this client_id + order_no, or confirm_token does not belong to it. */
  CONFIRM_TOKEN_INVALID: 930,
  /** confirm: the payment was already confirmed (token used). */
  CONFIRM_TOKEN_USED: 931,
  /** confirm: more than 30 minutes since the buyer's approval. */
  CONFIRM_TOKEN_EXPIRED: 932,
  /** confirm: the payment is not in the approved state (pending, cancelled, failed). */
  PAYMENT_NOT_APPROVED: 933,
  /** receipt/info: no payment with this tid for the client_id. */
  RECEIPT_UNKNOWN_TID: 940,
  /** receipt/info: the payment was approved by the buyer but never confirmed (no money moved, no receipt). */
  RECEIPT_NOT_CONFIRMED: 941,
  /** receipt/info: amunt is not the payment's amount. */
  RECEIPT_AMOUNT_MISMATCH: 942,
  /** receipt/info: tx_ymd is not the payment's transaction date (Korea time). */
  RECEIPT_DATE_MISMATCH: 943,
  /**
   * confirm-info: no confirmed payment for the order_no. The document's example answers
   * `{"ret_code": 998, "ret_msg": "there is no data."}`; the sandbox keeps the message, with its own code.
   */
  NO_DATA: 950,
  /** cancel / cancel/partial: no payment with this tid for the client_id. */
  CANCEL_UNKNOWN_TID: 960,
  /** cancel / cancel/partial: the payment took no money (never confirmed, cancelled or failed by the buyer). */
  CANCEL_NOT_APPROVED: 961,
  /** cancel / cancel/partial: nothing is left to cancel (already fully cancelled). */
  CANCEL_ALREADY_CANCELLED: 962,
  /** cancel: amount is not the remaining balance; cancel/partial: more than the balance (no promotion). */
  CANCEL_AMOUNT: 963,
  /** cancel / cancel/partial: user_id is not the one of the payment's payments/request. */
  CANCEL_USER_MISMATCH: 964,
  /** cancel/partial: the payment includes a cup_return_deposit (document: "부분 취소 불가"). */
  CANCEL_CUP_DEPOSIT: 965,
  /** cancel: a deposited virtual account without bank_cd / bank_acct_no / bank_name (the refund account). */
  CANCEL_REFUND_ACCOUNT: 966,
  /** cancel/partial: a virtual account (cancel/partial has no refund-account fields). */
  CANCEL_VBANK_PARTIAL: 967,
  /** A fault injected through /__sandbox/fault (test only). */
  INJECTED: 990,
  /** Unexpected error inside the sandbox. */
  INTERNAL: 999,
});

/**
 * Codes the payment page reports to the opener (postMessage) and to fail_url.
 * These are the CONTRACT.md sandbox assumptions (Shinhan's real values are unpublished).
 */
export const PAGE_CODES = Object.freeze({
  SUCCESS: '0000',
  BUYER_CANCELLED: 'C001',
  WINDOW_CLOSED: 'C002',
  DECLINED: 'F001',
  POPUP_BLOCKED: 'P001',
});

export const PAGE_MESSAGES = Object.freeze({
  SUCCESS: '결제 인증이 완료되었습니다',
  VBANK_ISSUED: '가상계좌가 발급되었습니다',
  BUYER_CANCELLED: '사용자가 결제를 취소했습니다',
  WINDOW_CLOSED: '결제창이 닫혔습니다',
  DECLINED: '카드사 승인 거절 (샌드박스)',
  POPUP_BLOCKED: '팝업이 차단되었습니다. 브라우저의 팝업 차단을 해제한 뒤 다시 시도해 주세요.',
});

/** `source` field of the page's postMessage to its opener (CONTRACT.md). */
export const MESSAGE_SOURCE = 'kpg-sandbox-shinhan';
