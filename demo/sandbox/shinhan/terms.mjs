// @ts-check
/**
 * The PG's terms (PG약관) answered by `GET v1.0/payments/info/terms-info-list?client_id=&pgcode=` (issue 25,
 * shinhan-spg-api.txt 581-615): `list` of `{terms_no, terms_nm, terms_ctnt}`, the content as an HTML fragment
 * (the document's example is `<header class="pgHeader"><h3 class="title">약관 및 동의</h3>...`).
 *
 * ASSUMPTIONS (the document does not say them; README.md "terms-info-list"):
 * - which pgcodes have terms: the sandbox answers terms for the personal windows, `selpay` and `card`, and
 *   the document's "there is no data." (HTTP 401, ret_code 998, as its only error example) for the others;
 * - the texts below are the sandbox's own, written like the usual Korean PG terms; Shinhan's are not public.
 *
 * A test switch (`POST /__sandbox/settings {"terms": "hostile"}`) serves HOSTILE terms instead: script,
 * inline event handlers, images, CSS exfiltration, a meta refresh, a form, a base, an iframe, a stylesheet
 * link. Every URL they name points at `/__sandbox/probe/...` on the sandbox's own origin, which counts each
 * request it receives (`GET /__sandbox/probe` reads the count): a widget that renders them safely makes the
 * count stay 0.
 */

/** pgcodes with terms (assumption: the personal windows). */
export const TERMS_PGCODES = Object.freeze(['selpay', 'card']);

/** @typedef {{ terms_no: number, terms_nm: string, terms_ctnt: string }} Terms */

const header = (title) => `<header class="pgHeader"><h3 class="title">${title}</h3></header>`;

/** @type {Terms[]} */
export const STANDARD_TERMS = Object.freeze([
  {
    terms_no: 1,
    terms_nm: '전자금융거래 이용약관',
    terms_ctnt:
      `${header('전자금융거래 이용약관')}<div class="pgBody">` +
      '<h4>제1조 (목적)</h4><p>이 약관은 신한카드 주식회사(이하 "회사")가 제공하는 전자지급결제대행서비스를 ' +
      '이용자가 이용함에 있어 회사와 이용자 사이의 전자금융거래에 관한 기본적인 사항을 정함을 목적으로 합니다.</p>' +
      '<h4>제2조 (용어의 정의)</h4><ol><li>"전자금융거래"라 함은 회사가 전자적 장치를 통하여 제공하는 ' +
      '전자금융업무를 이용자가 전자적 장치를 통하여 비대면·자동화된 방식으로 직접 이용하는 거래를 말합니다.</li>' +
      '<li>"전자지급결제대행서비스"라 함은 전자적 방법으로 재화의 구입 또는 용역의 이용에 있어서 지급결제정보를 ' +
      '송신하거나 수신하는 것 또는 그 대가의 정산을 대행하거나 매개하는 서비스를 말합니다.</li></ol>' +
      '<h4>제3조 (거래내용의 확인)</h4><p>회사는 이용자와 미리 약정한 전자적 방법을 통하여 이용자의 거래내용을 ' +
      '확인할 수 있도록 하며, 이용자의 요청이 있는 경우에는 요청을 받은 날로부터 2주 이내에 거래내용에 관한 ' +
      '서면을 교부합니다.</p><h4>제4조 (오류의 정정 등)</h4><p>이용자는 전자금융거래서비스를 이용함에 있어 ' +
      '오류가 있음을 안 때에는 회사에 대하여 그 정정을 요구할 수 있습니다.</p></div>',
  },
  {
    terms_no: 2,
    terms_nm: '개인정보 수집 및 이용 동의',
    terms_ctnt:
      `${header('개인정보 수집 및 이용 동의')}<div class="pgBody">` +
      '<table class="pgTable"><caption>수집·이용 항목</caption><thead><tr><th scope="col">목적</th>' +
      '<th scope="col">항목</th><th scope="col">보유 기간</th></tr></thead><tbody>' +
      '<tr><td>결제 서비스 제공, 본인 확인, 결제 결과 안내</td><td>이름, 휴대폰 번호, 이메일, 카드사명, ' +
      '카드번호(일부), 결제 승인 정보</td><td>전자상거래 등에서의 소비자보호에 관한 법률에 따라 5년</td></tr>' +
      '</tbody></table><p>이용자는 개인정보 수집 및 이용에 동의하지 않을 수 있으며, 동의하지 않을 경우 ' +
      '결제 서비스를 이용할 수 없습니다.</p></div>',
  },
  {
    terms_no: 3,
    terms_nm: '개인정보 제3자 제공 동의',
    terms_ctnt:
      `${header('개인정보 제3자 제공 동의')}<div class="pgBody">` +
      '<table class="pgTable"><caption>제공 내역</caption><thead><tr><th scope="col">제공받는 자</th>' +
      '<th scope="col">목적</th><th scope="col">항목</th><th scope="col">보유 기간</th></tr></thead><tbody>' +
      '<tr><td>신용카드사, 은행, 간편결제사</td><td>결제 처리, 결제 확인</td><td>이름, 결제 정보</td>' +
      '<td>관련 법령에 따른 보존 기간</td></tr><tr><td>결제를 요청한 가맹점</td><td>주문 및 결제 확인, ' +
      '고객 응대</td><td>이름, 휴대폰 번호, 결제 정보</td><td>관련 법령에 따른 보존 기간</td></tr></tbody>' +
      '</table><p>이용자는 제3자 제공에 동의하지 않을 수 있으며, 동의하지 않을 경우 결제 서비스를 이용할 수 ' +
      '없습니다.</p></div>',
  },
]);

/**
 * Hostile terms: every way a piece of HTML can run code or reach the network, each pointing at the sandbox's
 * counting route. `probe` is the absolute URL of `/__sandbox/probe` on the sandbox (host-relative variants are
 * derived from it, e.g. `//host:port/...`).
 * @param {string} origin the sandbox's origin
 * @returns {Terms[]}
 */
export function hostileTerms(origin) {
  const host = new URL(origin).host;
  const p = (what) => `${origin}/__sandbox/probe/${what}`;
  const ctnt =
    `${header('전자금융거래 이용약관')}` +
    `<base href="${origin}/__sandbox/probe/base/">` +
    `<meta http-equiv="refresh" content="0;url=${p('refresh')}">` +
    `<script>fetch(${JSON.stringify(p('script'))});window.parent.postMessage('terms-script-ran','*');</script>` +
    `<script src="${p('script-src')}"></script>` +
    `<img src="//${host}/__sandbox/probe/img" alt="">` +
    `<img src="x" onerror="fetch('${p('onerror')}')" alt="">` +
    `<p onmouseover="fetch('${p('onmouseover')}')" style="background:url(${p('css-background')})">본문</p>` +
    `<style>@import url(${JSON.stringify(p('css-import'))});body{background-image:url(${p('css-body')})}` +
    `@font-face{font-family:x;src:url(${p('css-font')})}p{font-family:x}</style>` +
    `<link rel="stylesheet" href="${p('link-stylesheet')}">` +
    `<link rel="prefetch" href="${p('link-prefetch')}">` +
    `<iframe src="${p('iframe')}"></iframe>` +
    `<object data="${p('object')}"></object>` +
    `<form action="${p('form')}" method="post"><input name="card" value="x"><button>확인</button></form>` +
    `<a href="${p('link')}" target="_top">자세히</a>` +
    '<svg><image href="' + p('svg-image') + '"/></svg>' +
    `<video poster="${p('video-poster')}"></video>` +
    `<img src="relative-to-base" alt="">`;
  return [
    { terms_no: 1, terms_nm: '전자금융거래 이용약관 <img src=x onerror=alert(1)>', terms_ctnt: ctnt },
    { terms_no: 2, terms_nm: '개인정보 수집 및 이용 동의', terms_ctnt: `<script>fetch(${JSON.stringify(p('script-2'))})</script><p>본문</p>` },
  ];
}

/**
 * The terms a pgcode has under the sandbox's current setting, or null ("there is no data.").
 * @param {string} pgcode @param {'standard' | 'hostile' | 'none'} mode @param {string} origin
 */
export function termsFor(pgcode, mode, origin) {
  if (mode === 'none' || !TERMS_PGCODES.includes(pgcode)) return null;
  return structuredClone(mode === 'hostile' ? hostileTerms(origin) : STANDARD_TERMS);
}
