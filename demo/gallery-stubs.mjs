// @ts-check
// The endpoints and the stand-in PG script behind demo/gallery.html. The gallery drives every state of the
// elements from the outside, as a shop's page and a buyer would, through these answers only:
//
//   POST /gallery/api/session?outcome=O   O = paid | escrow | failed | cancelled | vbank | continue: a Shinhan session whose
//                                         redirect_url carries O; hang: never answers (busy);
//                                         error: 503 (kpg-error session-failed)
//   GET  /gallery/api/result?outcome=O&order_no=N&lang=L   the verified outcome O for order N
//   GET  /gallery/pg/script.js            a ShinhanBizPay whose openPopup opens nothing and calls back at once
//                                         (failed: a failure code; otherwise RES_SUCCESS), so the result decides
//   GET  /gallery/api/cards?mode=M        the sandbox's card list (M = hang: never answers; fail: 500)
//   GET  /gallery/pg/images/<file>.svg    the sandbox's card logos
//   GET  /gallery/api/receipt?tid=T&kind=K   a Smartro receipt (K = approved | cancelled | vbank | hang | fail)
//   *    /gallery/staff/<scenario>/...      the staff API for <kpg-admin> (demo/gallery-staff-stubs.mjs)
//   GET  /gallery/api/terms?mode=show     the sandbox's Shinhan terms, as {base}/terms answers (issue 25)
//
// A request that "never answers" is answered 503 after HANG_MS, or dropped when the browser goes away.
import { CARD_COMPANIES, CARD_IMAGES, CARD_IMAGE_DIR } from './sandbox/shinhan/cards.mjs';
import { STANDARD_TERMS } from './sandbox/shinhan/terms.mjs';
import { staffAnswer } from './gallery-staff-stubs.mjs';

const HANG_MS = 30 * 60 * 1000;
const PG_SCRIPT = `window.ShinhanBizPay = {
  RES_SUCCESS: '0000',
  openPopup: function (url, callback) {
    var outcome = /[?&]outcome=(\\w+)/.exec(url);
    setTimeout(function () {
      if (outcome && outcome[1] === 'failed') callback('F101', 'limit exceeded');
      else callback('0000', '');
    }, 0);
  }
};
`;

const TEXT = {
  ko: { failed: '카드 한도가 초과되었습니다.', goods: '무선 이어폰 (화이트)', buyer: '홍길동' },
  en: { failed: 'The card limit was exceeded.', goods: 'Wireless earphones (white)', buyer: 'Gildong Hong' },
};

/** @param {string} code */
const logo = (code) => CARD_COMPANIES.find((c) => c.card_cpny_cd === code)?.image_url.slice(CARD_IMAGE_DIR.length);

/** The sandbox's cards, with logos served from this origin. */
const CARDS = JSON.stringify({
  ret_code: 0,
  ret_msg: 'OK',
  list: CARD_COMPANIES.map((c) => ({ ...c, image_url: `/gallery/pg/images/${logo(c.card_cpny_cd)}` })),
});

/** @param {'approved' | 'cancelled' | 'vbank'} kind @param {'ko' | 'en'} lang */
function receipt(kind, lang) {
  const base = {
    tid: 'kpgtest01m01012611211200001234',
    moid: 'G20261121A1002',
    stateCd: '0',
    stateNm: '승인',
    svcCd: '01',
    svcNm: '신용카드',
    ordNm: TEXT[lang].buyer,
    goodsNm: TEXT[lang].goods,
    goodsAmt: '55000',
    supplyAmt: '50000',
    vatAmt: '5000',
    svcAmt: '0',
    appNo: '30001234',
    appDt: '20261121',
    appTm: '120000',
    cardNo: '536148******1234',
    appNm: '삼성카드',
    instmntMon: '03',
    partCancelInfo: [],
    merchantInfo: {
      coNo: '1234567890',
      coNm: '(주)케이피지',
      bossNm: '김대표',
      mallNm: '케이피지 데모샵',
      addr: '서울특별시 중구 세종대로 110 서울특별시청 본관 3층 (태평로1가)',
    },
  };
  if (kind === 'approved') return base;
  if (kind === 'vbank') {
    // A virtual account after its deposit: no card fields; the bank, the account, its due and deposit days.
    const { cardNo, appNm, instmntMon, ...rest } = base;
    void cardNo, appNm, instmntMon;
    return {
      ...rest,
      tid: 'kpgtest01m03012611211200001234',
      svcCd: '03',
      svcNm: '가상계좌',
      bankCd: '088',
      bankNm: '신한은행',
      vacctNo: '56212345678901',
      vacctDueDt: '20261124',
      vacctBaseDt: '20261122',
      cashReceiptReqCl: '1',
      cashReceiptTid: 'kpgtest01m07012611221000001234',
      cashReceiptType: '1',
      cashReceiptNo: '010****5678',
    };
  }
  return {
    ...base,
    stateCd: '1',
    stateNm: '취소',
    ccNo: '40001234',
    ccDt: '20261122',
    ccTm: '093000',
    instmntMon: '00',
    partCancelInfo: [
      { transDt: '20261121', transTm: '130000', transAmt: '3000' },
      { transDt: '20261122', transTm: '100000', transAmt: '2000' },
    ],
    cashReceiptTid: 'kpgtest01m02012611211200009999',
    cashReceiptType: '소득공제',
    cashReceiptNo: '010****5678',
  };
}

/**
 * Connect-style middleware: answers `/gallery/...`, passes everything else on.
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next: () => void) => void}
 */
export function galleryStubs() {
  return (req, res, next) => {
    const url = new URL(req.url ?? '/', 'http://gallery.invalid');
    if (!url.pathname.startsWith('/gallery/')) return next();
    const q = url.searchParams;
    const lang = q.get('lang') === 'en' ? 'en' : 'ko';
    /** @param {number} status @param {string} type @param {string} body */
    const send = (status, type, body) => {
      res.statusCode = status;
      res.setHeader('Content-Type', type);
      res.setHeader('Cache-Control', 'no-store');
      res.end(body);
    };
    /** @param {unknown} body @param {number} [status] */
    const json = (body, status = 200) => send(status, 'application/json; charset=utf-8', JSON.stringify(body));
    const hang = () => {
      const timer = setTimeout(() => json({ code: 'gallery-hang', message: 'The gallery stopped waiting' }, 503), HANG_MS);
      timer.unref();
      res.on('close', () => clearTimeout(timer));
    };
    // The staff console's API (docs/staff-api.md), for <kpg-admin api-url="/gallery/staff/<scenario>">.
    if (url.pathname.startsWith('/gallery/staff/')) {
      staffAnswer(req, url).then(
        (answer) => (answer === 'hang' ? hang() : answer ? json(answer.body, answer.status) : json({ code: 'not-found', message: 'No such staff stub' }, 404)),
        (error) => json({ code: 'stub-error', message: String(error) }, 500),
      );
      return;
    }
    // Drain a request body (the session POST) before answering.
    req.resume();

    switch (url.pathname) {
      case '/gallery/api/session': {
        const outcome = q.get('outcome') ?? 'paid';
        if (outcome === 'hang') return hang();
        if (outcome === 'error') return json({ code: 'unavailable', message: 'The gallery backend is down on purpose' }, 503);
        const origin = `http://${req.headers.host}`;
        return json({ provider: 'shinhan', order_no: `G-${outcome}`, redirect_url: `${origin}/gallery/pg/pay?outcome=${outcome}` });
      }
      case '/gallery/api/result': {
        const order_no = q.get('order_no') ?? '';
        const outcome = q.get('outcome');
        if (outcome === 'failed') return json({ status: 'failed', order_no, code: 'F101', message: TEXT[lang].failed });
        if (outcome === 'cancelled') return json({ status: 'cancelled', order_no, reason: 'buyer-cancelled' });
        if (outcome === 'vbank') {
          const vbank = { bank_name: '신한은행', account_no: '56212345678901', holder: '(주)케이피지', amount: 55000, due_date: '2026-11-24' };
          return json({ status: 'awaiting_deposit', order_no, order_id: 'G-1001', amount: 55000, pay_method: 'vbank', tid: 'kpgtest01m03012611211200001234', vbank });
        }
        // escrow: paid, and Shinhan's escr_yn was Y (issue 25): the widget adds its fixed text.
        return json({ status: 'paid', order_no, order_id: 'G-1001', amount: 55000, tid: 'GALLERY0000000001', approved_at: '2026-11-21 12:00:00', ...(outcome === 'escrow' ? { escrow: true } : {}) });
      }
      case '/gallery/pg/script.js':
        return send(200, 'text/javascript; charset=utf-8', PG_SCRIPT);
      case '/gallery/api/cards': {
        const mode = q.get('mode');
        if (mode === 'hang') return hang();
        if (mode === 'fail') return json({ code: 'unavailable', message: 'The card list is down on purpose' }, 500);
        return send(200, 'application/json; charset=utf-8', CARDS);
      }
      case '/gallery/api/terms': {
        // Issue 25: the PG's terms as kpg-checkout/server's {base}/terms answers them (?mode=show only: the
        // other checkouts of the gallery ask for /gallery/api/terms, beside their session-url, and get a 404).
        // ?mode=none: a pgcode the PG has no terms for (the shop's own terms show alone).
        if (q.get('mode') === 'none') return json({ pgcode: 'nauthcard', required: false, terms_hash: null, list: [] });
        if (q.get('mode') !== 'show') break;
        return json({ pgcode: 'card', required: true, terms_hash: 'a1'.repeat(32), list: STANDARD_TERMS });
      }
      case '/gallery/api/receipt': {
        const kind = q.get('kind');
        if (kind === 'hang') return hang();
        if (kind === 'fail') return json({ code: 'unavailable', message: 'The receipt API is down on purpose' }, 500);
        return json({ provider: 'smartro', receipt: receipt(kind === 'cancelled' || kind === 'vbank' ? kind : 'approved', lang) });
      }
    }
    const image = url.pathname.startsWith('/gallery/pg/images/')
      ? CARD_IMAGES.get(`${CARD_IMAGE_DIR}${url.pathname.slice('/gallery/pg/images/'.length)}`)
      : undefined;
    if (image) return send(200, 'image/svg+xml', image);
    return json({ code: 'not-found', message: `No gallery stub at ${url.pathname}` }, 404);
  };
}
