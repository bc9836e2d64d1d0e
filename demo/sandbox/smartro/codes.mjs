// @ts-check
/**
 * Codes of the sandbox Smartro PG.
 *
 * RESULT codes are what the result form (ReturnURL / StopURL / RetryURL) carries in ResultCode. The success
 * codes and the cancel codes 2001 / 2013 come from Smartro's sample code (../../../../shared/pg-docs/README.md);
 * C001 (buyer cancel) and 3011 (decline) are sandbox assumptions (demo/CONTRACT.md).
 *
 * PAGE / API error codes (E...) are SANDBOX CHOICES (assumption): Smartro publishes no error-code table.
 */

/** ResultCode for an approval, by PayMethod. */
export const SUCCESS_CODES = Object.freeze(/** @type {Record<string, string>} */ ({
  CARD: '3001',
  BANK: '4000',
  VBANK: '4100',
  CELLPHONE: 'A000',
}));

/** ResultMsg for an approval, by PayMethod (sandbox wording). */
export const SUCCESS_MESSAGES = Object.freeze(/** @type {Record<string, string>} */ ({
  CARD: '카드 결제 성공',
  BANK: '계좌이체 결제 성공',
  VBANK: '가상계좌 발급 성공',
  CELLPHONE: '휴대폰 결제 성공',
}));

/** Receipt-API svcCd / svcNm and the two digits after the MID in a TID, by PayMethod (assumption). */
export const SERVICES = Object.freeze(/** @type {Record<string, { cd: string, nm: string }>} */ ({
  CARD: { cd: '01', nm: '신용카드' },
  BANK: { cd: '02', nm: '계좌이체' },
  VBANK: { cd: '03', nm: '가상계좌' },
  CELLPHONE: { cd: '05', nm: '휴대폰' },
  /** A cash receipt's own TID (assumption: svcCd 07, the code 7001 of the pg-docs README is its ResultCode). */
  CASH: { cd: '07', nm: '현금영수증' },
}));

/** The deposit notice of a virtual account (pg-docs README: 4110 deposit notice); ResultMsg is sandbox wording. */
export const DEPOSIT = Object.freeze({ CODE: '4110', MSG: '가상계좌 입금 완료' });

export const RESULT = Object.freeze({
  /** Buyer pressed 취소 (PC: posted to ReturnURL; mobile: posted to StopURL). Assumption. */
  BUYER_CANCEL: 'C001',
  BUYER_CANCEL_MSG: '사용자 취소',
  /** The page's "실패 (테스트)" button: the card company declined. Assumption. */
  DECLINED: '3011',
  DECLINED_MSG: '카드 승인 거절',
  /** Cancel of an approved payment succeeded (/__sandbox/cancel, /__sandbox/partial-cancel). */
  CANCEL_OK: '2001',
  CANCEL_OK_MSG: '취소 성공',
  /** The payment is already (fully) cancelled. */
  ALREADY_CANCELLED: '2013',
  ALREADY_CANCELLED_MSG: '이미 취소된 거래',
});

/**
 * Error codes of the HTML error pages (payment interface, decision, IssueLoader). Assumption.
 * @type {Readonly<Record<string, { code: string, status: number, title: string }>>}
 */
export const PAGE_ERRORS = Object.freeze({
  UNSUPPORTED_MEDIA_TYPE: { code: 'E100', status: 415, title: '요청 형식 오류' },
  BODY_TOO_LARGE: { code: 'E101', status: 413, title: '요청 크기 초과' },
  MISSING_FIELD: { code: 'E110', status: 400, title: '필수 파라미터 누락' },
  TOO_LONG: { code: 'E111', status: 400, title: '파라미터 길이 초과' },
  INVALID_VALUE: { code: 'E112', status: 400, title: '파라미터 형식 오류' },
  UNKNOWN_MID: { code: 'E120', status: 403, title: '미등록 상점' },
  HASH_MISMATCH: { code: 'E121', status: 403, title: '위·변조 검증값 오류' },
  DUPLICATE_APPROVAL: { code: 'E130', status: 409, title: '승인 TID 중복 오류' },
  UNKNOWN_PAYMENT: { code: 'E140', status: 404, title: '결제 오류' },
  UNKNOWN_CHOICE: { code: 'E141', status: 400, title: '잘못된 요청' },
  ALREADY_DECIDED: { code: 'E142', status: 409, title: '이미 처리된 결제' },
  SLIP_NO_TID: { code: 'E150', status: 400, title: '전표 조회 오류' },
  SLIP_BAD_TYPE: { code: 'E151', status: 400, title: '전표 조회 오류' },
  SLIP_UNKNOWN_TID: { code: 'E152', status: 404, title: '전표 조회 오류' },
  SLIP_NO_CASH_RECEIPT: { code: 'E153', status: 404, title: '전표 조회 오류' },
  /** The deposit page (/payTest/vbank_deposit_notice.jsp): unknown TID, not a waiting account, past its due day. */
  DEPOSIT_UNKNOWN: { code: 'E160', status: 404, title: '입금 통보 오류' },
  DEPOSIT_NOT_VBANK: { code: 'E161', status: 400, title: '입금 통보 오류' },
  DEPOSIT_EXPIRED: { code: 'E162', status: 409, title: '입금 기한 지남' },
  DEPOSIT_DONE: { code: 'E163', status: 409, title: '이미 입금됨' },
  NOT_FOUND: { code: 'E404', status: 404, title: '페이지를 찾을 수 없습니다' },
  METHOD_NOT_ALLOWED: { code: 'E405', status: 405, title: '허용되지 않는 요청' },
  INTERNAL: { code: 'E999', status: 500, title: '시스템 오류' },
});

/**
 * Error codes of the JSON routes (receipt API and /__sandbox/*): body `{resultCd, resultMsg}`. Assumption.
 * @type {Readonly<Record<string, { code: string, status: number }>>}
 */
export const API_ERRORS = Object.freeze({
  UNSUPPORTED_MEDIA_TYPE: { code: 'E200', status: 415 },
  MALFORMED_BODY: { code: 'E201', status: 400 },
  BODY_TOO_LARGE: { code: 'E201', status: 413 },
  INVALID_FIELD: { code: 'E202', status: 400 },
  AUTH: { code: 'E210', status: 401 },
  UNKNOWN_TID: { code: 'E220', status: 404 },
  /** The receipt API asked by Moid (ASSUMPTION, not in smartro-receipt.txt) knows no approval for it. */
  UNKNOWN_MOID: { code: 'E221', status: 404 },
  /** A fault injected through /__sandbox/fault (test only). */
  INJECTED: { code: 'E990', status: 500 },
  AMOUNT_TOO_LARGE: { code: 'E231', status: 400 },
  ALREADY_CANCELLED: { code: RESULT.ALREADY_CANCELLED, status: 409 },
  NOT_FOUND: { code: 'E404', status: 404 },
  METHOD_NOT_ALLOWED: { code: 'E405', status: 405 },
  INTERNAL: { code: 'E999', status: 500 },
});
