// @ts-check
/**
 * The card-company list of the sandbox Shinhan PG (GET /v1.0/payments/info/card-list) and the card images
 * its `image_url`s point at. Exported so tests (and anyone else) can import the same data.
 *
 * SANDBOX CHOICES (assumption): Shinhan's code table (section 6.1) is not in our copy of the document. Only
 * S001 = BC카드 is known from it; S005 appears in the document's request example without a name. Every other
 * code, every name-to-code pairing except S001, the sort order, the installment ranges, notices and promotions
 * are invented for the sandbox. See README.md.
 */

/**
 * @typedef {object} CardNotice
 * @property {1 | 2 | 3} notice_type 1 공지, 2 장애, 3 작업
 * @property {string} notice_msg
 */

/**
 * @typedef {object} CardPromotion
 * @property {string} prmt_name ≤30
 * @property {string} prmt_ctnt
 * @property {number} prmt_cndi_amt condition amount (won)
 * @property {number} prmt_amt discount (won)
 * @property {'Y' | 'N'} id_max_aply_yn
 * @property {1 | 2 | 3 | 4} max_cnt_aply_type 1 day, 2 week, 3 month, 4 total
 * @property {number} max_cnt
 */

/**
 * One entry of card-list's `list`, exactly as the sandbox answers it (the document's response table).
 * @typedef {object} CardCompany
 * @property {string} card_cpny_cd ≤10
 * @property {string} card_cpny_name ≤20
 * @property {string} image_url ≤100, RELATIVE to the PG origin
 * @property {number} sort_no display order (the list itself is NOT in this order)
 * @property {number} istl_psbl_amt minimum amount for installments (won)
 * @property {string} istl_start_mnts "02"
 * @property {string} istl_finish_mnts "12" (or less)
 * @property {string | null} nintr_istl_start_mnts 무이자 range start, null when the card has no range
 * @property {string | null} nintr_istl_finish_mnts 무이자 range end, null when the card has no range
 * @property {string | number} mult_part_nintr_istl_mnts "2,3,6" (comma list) or the number 0 = none
 * @property {'Y' | 'N'} nintr_yn
 * @property {'Y' | 'N'} point_use_yn
 * @property {CardNotice[]} notice_list
 * @property {CardPromotion[]} prmt_list
 */

/** Folder of the card images, as in the document's example `/srs/htdocs/publish/images/icon_card_bc.png`. */
export const CARD_IMAGE_DIR = '/srs/htdocs/publish/images/';

/** pgcodes card-list answers for (the same list for all of them — assumption). */
export const CARD_LIST_PGCODES = Object.freeze(['card', 'nauthcard', 'selpay', 'bizselpay']);

/**
 * A row of the source table: the API fields (but image_url) plus what the sandbox needs to draw the image.
 * @typedef {Omit<CardCompany, 'image_url'> & CardLook} SourceCard
 */

/**
 * What a card's image looks like.
 * @typedef {object} CardLook
 * @property {string} file image file name in CARD_IMAGE_DIR
 * @property {string} short Latin name drawn on the image
 * @property {string} bg background colour
 * @property {string} fg text colour
 */

/** Images by card code. @type {Record<string, CardLook>} */
const LOOKS = {
  S001: { file: 'icon_card_bc.svg', short: 'BC', bg: '#F0364A', fg: '#FFFFFF' },
  S002: { file: 'icon_card_kb.svg', short: 'KB', bg: '#FFBC00', fg: '#3A2E00' },
  S003: { file: 'icon_card_hana.svg', short: 'HANA', bg: '#00857A', fg: '#FFFFFF' },
  S004: { file: 'icon_card_samsung.svg', short: 'SAMSUNG', bg: '#1428A0', fg: '#FFFFFF' },
  S005: { file: 'icon_card_shinhan.svg', short: 'SHINHAN', bg: '#0046FF', fg: '#FFFFFF' },
  S006: { file: 'icon_card_hyundai.svg', short: 'HYUNDAI', bg: '#1A1A1A', fg: '#FFFFFF' },
  S007: { file: 'icon_card_lotte.svg', short: 'LOTTE', bg: '#8A1538', fg: '#FFFFFF' },
  S008: { file: 'icon_card_nh.svg', short: 'NH', bg: '#00A651', fg: '#FFFFFF' },
  S009: { file: 'icon_card_woori.svg', short: 'WOORI', bg: '#7FCBF0', fg: '#0A2A44' },
  S010: { file: 'icon_card_citi.svg', short: 'CITI', bg: '#5C6670', fg: '#FFFFFF' },
};

/** Notices of card-list's notice_list, by card code (none for the others). @type {Record<string, CardNotice[]>} */
const NOTICES = {
  S002: [{ notice_type: 1, notice_msg: 'KB국민카드 2·3·6개월 부분 무이자 할부 행사 중입니다. (샌드박스)' }],
  S003: [{ notice_type: 3, notice_msg: '하나카드 정기 점검 작업으로 매일 00:00~00:10 결제가 지연될 수 있습니다. (샌드박스)' }],
  S008: [{ notice_type: 2, notice_msg: 'NH농협카드 시스템 장애로 현재 결제할 수 없습니다. 다른 카드를 이용해 주세요. (샌드박스)' }],
};

/** Promotions of card-list's prmt_list, by card code (none for the others). @type {Record<string, CardPromotion[]>} */
const PROMOTIONS = {
  S004: [
    {
      prmt_name: '삼성카드 10만원 이상 5천원 할인', prmt_ctnt: '100,000원 이상 결제 시 5,000원 즉시 할인 (샌드박스)',
      prmt_cndi_amt: 100000, prmt_amt: 5000, id_max_aply_yn: 'N', max_cnt_aply_type: 4, max_cnt: 1000,
    },
  ],
  S005: [
    {
      prmt_name: '신한카드 3만원 이상 2천원 할인', prmt_ctnt: '30,000원 이상 결제 시 2,000원 즉시 할인, ID당 월 1회 (샌드박스)',
      prmt_cndi_amt: 30000, prmt_amt: 2000, id_max_aply_yn: 'Y', max_cnt_aply_type: 3, max_cnt: 1,
    },
  ],
};

/**
 * A source row: the card's image from LOOKS, its notices and promotions from NOTICES / PROMOTIONS, and its
 * terms, where what most cards share is filled in: installments from 50,000원 over 02-12 months, no 무이자
 * range, no partial 무이자 months.
 * @param {string} code card_cpny_cd
 * @param {string} name card_cpny_name
 * @param {Pick<SourceCard, 'sort_no' | 'nintr_yn' | 'point_use_yn'> & Partial<SourceCard>} terms
 * @returns {SourceCard}
 */
const sourceCard = (code, name, terms) => ({
  card_cpny_cd: code,
  card_cpny_name: name,
  ...LOOKS[code],
  istl_psbl_amt: 50000,
  istl_start_mnts: '02',
  istl_finish_mnts: '12',
  nintr_istl_start_mnts: null,
  nintr_istl_finish_mnts: null,
  mult_part_nintr_istl_mnts: 0,
  notice_list: NOTICES[code] ?? [],
  prmt_list: PROMOTIONS[code] ?? [],
  ...terms,
});

/**
 * Source table. Array order = code order; sort_no is deliberately different so that clients must sort.
 * @type {SourceCard[]}
 */
const SOURCE = [
  sourceCard('S001', 'BC카드', { sort_no: 5, nintr_yn: 'Y', nintr_istl_start_mnts: '02', nintr_istl_finish_mnts: '03', point_use_yn: 'Y' }),
  sourceCard('S002', '국민카드', { sort_no: 4, nintr_yn: 'Y', mult_part_nintr_istl_mnts: '2,3,6', point_use_yn: 'Y' }),
  sourceCard('S003', '하나카드', { sort_no: 7, nintr_yn: 'N', point_use_yn: 'N' }),
  sourceCard('S004', '삼성카드', { sort_no: 2, nintr_yn: 'Y', nintr_istl_start_mnts: '02', nintr_istl_finish_mnts: '06', point_use_yn: 'Y' }),
  sourceCard('S005', '신한카드', {
    sort_no: 1, nintr_yn: 'Y', nintr_istl_start_mnts: '02', nintr_istl_finish_mnts: '03', mult_part_nintr_istl_mnts: '2,3,6',
    point_use_yn: 'Y',
  }),
  sourceCard('S006', '현대카드', { sort_no: 3, nintr_yn: 'N', point_use_yn: 'Y' }),
  sourceCard('S007', '롯데카드', { sort_no: 6, istl_finish_mnts: '06', nintr_yn: 'N', point_use_yn: 'N' }),
  sourceCard('S008', 'NH농협카드', { sort_no: 8, nintr_yn: 'N', point_use_yn: 'N' }),
  sourceCard('S009', '우리카드', { sort_no: 9, nintr_yn: 'Y', nintr_istl_start_mnts: '02', nintr_istl_finish_mnts: '03', point_use_yn: 'N' }),
  sourceCard('S010', '씨티카드', { sort_no: 10, istl_psbl_amt: 100000, nintr_yn: 'N', point_use_yn: 'N' }),
];

/**
 * @template T
 * @param {T} value
 * @returns {T}
 */
function deepFreeze(value) {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** @param {string} s */
const xmlEscape = (s) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/**
 * A simple card-shaped SVG: a coloured rounded rectangle with the company's short Latin name.
 * @param {{ name: string, short: string, bg: string, fg: string }} p
 */
function cardSvg({ name, short, bg, fg }) {
  const size = short.length <= 2 ? 20 : short.length <= 5 ? 15 : 12;
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="80" height="50" viewBox="0 0 80 50" role="img" aria-label="${xmlEscape(name)}">
<title>${xmlEscape(name)}</title>
<rect x="0.5" y="0.5" width="79" height="49" rx="6" fill="${bg}" stroke="rgba(0,0,0,.15)"/>
<rect x="8" y="9" width="12" height="9" rx="2" fill="${fg}" opacity=".35"/>
<text x="40" y="${32 + Math.round(size / 3)}" text-anchor="middle" font-family="Arial, Helvetica, sans-serif" font-size="${size}" font-weight="700" fill="${fg}">${xmlEscape(short)}</text>
</svg>
`;
}

/**
 * The card list in the API's shape and order (NOT sorted by sort_no). Deep-frozen: copy before changing.
 * @type {readonly CardCompany[]}
 */
export const CARD_COMPANIES = deepFreeze(
  SOURCE.map((card) =>
    /** @type {CardCompany} */ ({
      card_cpny_cd: card.card_cpny_cd,
      card_cpny_name: card.card_cpny_name,
      image_url: `${CARD_IMAGE_DIR}${card.file}`,
      sort_no: card.sort_no,
      istl_psbl_amt: card.istl_psbl_amt,
      istl_start_mnts: card.istl_start_mnts,
      istl_finish_mnts: card.istl_finish_mnts,
      nintr_istl_start_mnts: card.nintr_istl_start_mnts,
      nintr_istl_finish_mnts: card.nintr_istl_finish_mnts,
      mult_part_nintr_istl_mnts: card.mult_part_nintr_istl_mnts,
      nintr_yn: card.nintr_yn,
      point_use_yn: card.point_use_yn,
      notice_list: card.notice_list,
      prmt_list: card.prmt_list,
    }),
  ),
);

/**
 * image_url path -> SVG text, one per card.
 * @type {ReadonlyMap<string, string>}
 */
export const CARD_IMAGES = new Map(
  SOURCE.map((s) => [
    `${CARD_IMAGE_DIR}${s.file}`,
    cardSvg({ name: s.card_cpny_name, short: s.short, bg: s.bg, fg: s.fg }),
  ]),
);

/** Short Latin name drawn on each card's image, by code (for tests). */
export const CARD_SHORT_NAMES = Object.freeze(
  /** @type {Record<string, string>} */ (Object.fromEntries(SOURCE.map((s) => [s.card_cpny_cd, s.short]))),
);

/** @type {ReadonlyMap<string, CardCompany>} */
const BY_CODE = new Map(CARD_COMPANIES.map((c) => [c.card_cpny_cd, c]));

/** @param {string} code @returns {CardCompany | undefined} */
export const cardByCode = (code) => BY_CODE.get(code);

/**
 * The name to show for a card_cpny_cd: the list's name, else `카드사 {code}` (codes outside the list are accepted
 * by payments/request; see README).
 * @param {string} code
 */
export const cardName = (code) => BY_CODE.get(code)?.card_cpny_name ?? `카드사 ${code}`.slice(0, 20);

/**
 * A fresh, mutable copy of the list card-list answers for `pgcode`, or null for a pgcode it does not know.
 * @param {string} pgcode
 * @returns {CardCompany[] | null}
 */
export function cardListFor(pgcode) {
  if (!CARD_LIST_PGCODES.includes(pgcode)) return null;
  return structuredClone(/** @type {CardCompany[]} */ ([...CARD_COMPANIES]));
}
