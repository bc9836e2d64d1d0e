// The gallery (demo/gallery.html): every element in every state, light (?theme=dark: dark), Korean
// (?lang=en: English). It drives the elements only from the outside, as a shop page and a buyer do:
// attributes, pay(), clicks and the stub endpoints of demo/gallery-stubs.mjs (a session-url that never
// answers keeps a checkout busy, a result-url that answers "paid" makes it paid...). test/visual screenshots
// it at 320, 390 and 1280 px and audits it with axe. ?page=admin: the staff console instead (demo/gallery-admin.js).
import '/src/index.ts';

const params = new URLSearchParams(location.search);
const theme = params.get('theme') === 'dark' ? 'dark' : 'light';
const lang = params.get('lang') === 'en' ? 'en' : 'ko';
const only = params.get('only');
const ORIGIN = location.origin;
const MAIN = theme === 'dark' ? '1B1F27' : 'FFFFFF';
const POINT = '5379FF';

document.documentElement.lang = lang;
document.documentElement.dataset.theme = theme;
// Where the checkout takes PG origins only from JavaScript, allow the stub PG on this origin that way.
customElements.get('kpg-checkout')?.allowPgOrigins?.([ORIGIN]);

/** Shop colours a buyer meets (main_color, point_color); test/visual checks their contrast. */
const PRESETS = [
  ['default', 'FFFFFF', '5379FF'],
  ['toss', 'FFFFFF', '3182F6'],
  ['kakao', 'FFFFFF', 'FEE500'],
  ['naver', 'FFFFFF', '03C75A'],
  ['black', 'FFFFFF', '111111'],
  ['white-on-white', 'FFFFFF', 'FFFFFF'],
  ['dark', '1B1F27', '5379FF'],
  ['dark-white', '1B1F27', 'FFFFFF'],
];

const T = {
  ko: {
    title: 'kpg-checkout 갤러리',
    intro: '모든 요소의 모든 상태입니다. 스텁 엔드포인트와 스텁 PG 스크립트로, 상점 페이지와 구매자가 하는 그대로 움직입니다.',
    views: { label: '보기', light: '라이트', dark: '다크', ko: '한국어', en: 'English', shop: '데모 상점' },
    checkout: '결제 버튼 <kpg-checkout>',
    play: '결과 상태 보기 (완료 · 실패 · 취소 · 입금 대기)',
    presets: '색상 프리셋 (main_color / point_color)',
    presetsIntro: '버튼 글자색, 테두리, 선택 표시와 초점 링은 두 색에서 계산되어 WCAG AA를 맞춥니다.',
    picker: '카드사 선택 <kpg-card-picker>',
    widget: '카드사 선택과 결제 버튼',
    receipt: '전표 <kpg-receipt>',
    terms: '약관 동의 (terms="pg")',
    shopTerms: '상점 약관 (slot="terms")과 에스크로',
    presetNames: {
      default: '기본', toss: '토스 블루', kakao: '카카오 옐로', naver: '네이버 그린', black: '검정',
      'white-on-white': '흰 바탕에 흰 포인트', dark: '어두운 페이지', 'dark-white': '어두운 페이지, 흰 포인트',
    },
    s: {
      idle: ['기본 (idle)', '결제할 수 있는 상태'],
      hover: ['포인터 올림 (hover)', '포인터를 올려 보세요'],
      pressed: ['누름 (active)', '누르고 있는 동안'],
      focus: ['키보드 초점 (focus-visible)', 'Tab 키로 이동해 보세요'],
      disabled: ['사용 안 함 (disabled)', 'disabled 속성'],
      busy: ['진행 중 (busy)', '응답하지 않는 session-url'],
      continue: ['결제창 열기 (continue)', '클릭 없이 pay()를 부른 경우'],
      paid: ['결제 완료 (paid)', '위 버튼을 누르면 결과가 옵니다'],
      paidEscrow: ['결제 완료, 에스크로 (paid)', '결과의 escrow: true (신한 escr_yn=Y)'],
      failed: ['결제 실패 (failed)', '위 버튼을 누르면 결과가 옵니다'],
      cancelled: ['결제 취소 (cancelled)', '위 버튼을 누르면 결과가 옵니다'],
      awaiting: ['입금 대기 (awaiting-deposit)', '가상계좌 발급: 계좌번호 복사 버튼과 입금기한'],
      error: ['오류 (error)', '503을 답하는 session-url'],
      loading: ['불러오는 중', '응답하지 않는 cards-url'],
      ready: ['선택 전, 키보드 초점', '카드사 10곳, 하나는 장애. Tab 키로 이동해 보세요: 초점은 선택이 아닙니다'],
      chosen: ['선택됨, 할부와 혜택', 'value="S004" install-month="03", 120,000원'],
      pickerDisabled: ['사용 안 함 (disabled)', '결제가 진행 중일 때'],
      cardsFailed: ['불러오기 실패', '500을 답하는 cards-url, 다시 시도 버튼'],
      needsCard: ['카드사 고르기 전', '결제 버튼은 카드사를 고를 때까지 꺼져 있습니다'],
      widget: ['카드사를 고른 뒤', '신한카드를 누른 상태'],
      popup: ['전표 보기 버튼', '팝업으로 PG의 전표를 엽니다'],
      slip: ['전표 (승인)', 'view="inline"'],
      slipCancelled: ['전표 (취소, 부분취소, 현금영수증)', 'view="inline"'],
      slipVbank: ['거래 내역 (가상계좌 입금, 현금영수증)', 'view="inline"'],
      slipLoading: ['전표 불러오는 중', '응답하지 않는 receipt-url'],
      slipFailed: ['전표 불러오기 실패', '500을 답하는 receipt-url'],
      termsMissing: ['약관 동의 전', '전체 동의 전에는 결제 버튼이 무엇이 빠졌는지 알려 줍니다'],
      termsGiven: ['약관 동의 후', '전체 동의를 누른 상태'],
      termsShop: ['상점 약관 함께', 'slot="terms"의 링크도 전체 동의에 포함됩니다'],
      termsShopOnly: ['상점 약관만', 'PG 약관이 없는 결제수단: 상점 약관만 보입니다'],
    },
  },
  en: {
    title: 'kpg-checkout gallery',
    intro: 'Every element in every state, driven from the outside as a shop page and a buyer would, through stub endpoints and a stub PG script.',
    views: { label: 'Views', light: 'Light', dark: 'Dark', ko: '한국어', en: 'English', shop: 'Demo shop' },
    checkout: 'Pay button <kpg-checkout>',
    play: 'Show the outcomes (paid, failed, cancelled, awaiting deposit)',
    presets: 'Colour presets (main_color / point_color)',
    presetsIntro: 'The label colour, borders, selection mark and focus ring are computed from the two colours to meet WCAG AA.',
    picker: 'Card picker <kpg-card-picker>',
    widget: 'Card picker and pay button',
    receipt: 'Receipt <kpg-receipt>',
    terms: 'Consent to the PG\u2019s terms (terms="pg")',
    shopTerms: 'The shop\u2019s own terms (slot="terms") and escrow',
    presetNames: {
      default: 'Default', toss: 'Toss blue', kakao: 'Kakao yellow', naver: 'Naver green', black: 'Black',
      'white-on-white': 'White point on white', dark: 'Dark page', 'dark-white': 'Dark page, white point',
    },
    s: {
      idle: ['Idle', 'Ready to pay'],
      hover: ['Hover', 'Point at it'],
      pressed: ['Pressed (active)', 'While held down'],
      focus: ['Keyboard focus (focus-visible)', 'Tab to it'],
      disabled: ['Disabled', 'The disabled attribute'],
      busy: ['Busy', 'A session-url that never answers'],
      continue: ['Open the window (continue)', 'pay() called without a click'],
      paid: ['Paid', 'Press the button above for the outcome'],
      paidEscrow: ['Paid, with escrow', 'The result\u2019s escrow: true (Shinhan escr_yn=Y)'],
      failed: ['Failed', 'Press the button above for the outcome'],
      cancelled: ['Cancelled', 'Press the button above for the outcome'],
      awaiting: ['Awaiting deposit', 'A virtual account: the number with a copy button, the due date'],
      error: ['Error', 'A session-url answering 503'],
      loading: ['Loading', 'A cards-url that never answers'],
      ready: ['Nothing chosen, keyboard focus', 'Ten card companies, one with an outage. Tab to it: focus is not a choice'],
      chosen: ['Chosen, installments and offer', 'value="S004" install-month="03", 120,000 won'],
      pickerDisabled: ['Disabled', 'While a payment is in flight'],
      cardsFailed: ['Could not load', 'A cards-url answering 500, with a retry button'],
      needsCard: ['Before choosing a card', 'The pay button stays off until a card is chosen'],
      widget: ['After choosing a card', 'Shinhan card pressed'],
      popup: ['View receipt button', 'Opens the PG\u2019s receipt in a popup'],
      slip: ['Slip (approved)', 'view="inline"'],
      slipCancelled: ['Slip (cancelled, partial cancellations, cash receipt)', 'view="inline"'],
      slipVbank: ['Record (virtual account deposit, cash receipt)', 'view="inline"'],
      slipLoading: ['Slip loading', 'A receipt-url that never answers'],
      slipFailed: ['Slip could not load', 'A receipt-url answering 500'],
      termsMissing: ['Before the consent', 'The pay button says what is missing until 전체 동의 is ticked'],
      termsGiven: ['After the consent', '전체 동의 ticked'],
      termsShop: ['With the shop\u2019s terms', 'Links in slot="terms" are covered by the same 전체 동의'],
      termsShopOnly: ['The shop\u2019s terms only', 'A payment method without PG terms: only the shop\u2019s show'],
    },
  },
}[lang];

const colours = (main = MAIN, point = POINT) => ({ main_color: main, point_color: point, lang });

/** A checkout paying through the stub PG; `outcome` picks what the stub session and result answer. */
const checkout = (id, outcome, extra = {}) => ({
  tag: 'kpg-checkout',
  attrs: {
    provider: 'shinhan',
    device: 'pc',
    'order-id': `G-${id}`,
    amount: '55000',
    'session-url': `/gallery/api/session?outcome=${outcome}`,
    'result-url': `/gallery/api/result?outcome=${outcome}&lang=${lang}`,
    'script-src': `${ORIGIN}/gallery/pg/script.js`,
    'pg-origins': ORIGIN,
    timeout: '3600',
    ...colours(),
    ...extra,
  },
});
/** The shop's own terms (issue 25): links slotted into the consent step. */
const shopTerms = () => [
  el('a', { slot: 'terms', href: '#terms-shop-policy' }, lang === 'en' ? 'Shop terms of use' : '상점 이용약관'),
  el('a', { slot: 'terms', href: '#terms-shop-privacy' }, lang === 'en' ? 'Privacy policy' : '개인정보 처리방침'),
];
const cards = (mode = '') => `/gallery/api/cards${mode ? `?mode=${mode}` : ''}`;
const picker = (extra = {}) => ({
  tag: 'kpg-card-picker',
  attrs: { 'cards-url': cards(), amount: '55000', 'image-base': `${ORIGIN}/`, ...colours(), ...extra },
});
const slip = (kind) => ({
  tag: 'kpg-receipt',
  attrs: {
    provider: 'smartro',
    view: 'inline',
    tid: 'kpgtest01m01012611211200001234',
    'receipt-url': `/gallery/api/receipt?kind=${kind}&lang=${lang}`,
    timeout: '3600',
    ...colours(),
  },
});

/**
 * Each specimen: an element, how it gets to its state (`start`: on load; `outcome`: the play button, a
 * buyer's click), and the state it must reach before the page is settled.
 */
const SECTIONS = [
  {
    id: 'section-checkout',
    title: T.checkout,
    play: true,
    specimens: [
      ['idle', checkout('idle', 'paid')],
      ['hover', checkout('hover', 'paid')],
      ['pressed', checkout('pressed', 'hang')],
      ['focus', checkout('focus', 'paid')],
      ['disabled', { ...checkout('disabled', 'paid'), attrs: { ...checkout('disabled', 'paid').attrs, disabled: '' } }],
      ['busy', checkout('busy', 'hang'), { start: true, state: 'busy' }],
      ['continue', checkout('continue', 'continue'), { start: true, state: 'continue' }],
      ['paid', checkout('paid', 'paid'), { outcome: 'kpg-success' }],
      ['failed', checkout('failed', 'failed'), { outcome: 'kpg-fail' }],
      ['cancelled', checkout('cancelled', 'cancelled'), { outcome: 'kpg-cancel' }],
      ['awaiting', checkout('awaiting', 'vbank'), { outcome: 'kpg-vbank-issued' }],
      ['error', checkout('error', 'error'), { start: true, state: 'error' }],
    ],
  },
  {
    id: 'section-presets',
    title: T.presets,
    intro: T.presetsIntro,
    specimens: PRESETS.map(([name, main, point]) => [
      `preset-${name}`,
      checkout(`preset-${name}`, 'paid', colours(main, point)),
      { caption: [T.presetNames[name], `main_color="${main}" point_color="${point}"`] },
    ]),
  },
  {
    id: 'section-picker',
    title: T.picker,
    wide: true,
    specimens: [
      ['loading', picker({ 'cards-url': cards('hang') })],
      ['ready', picker()],
      ['chosen', picker({ value: 'S004', 'install-month': '03', amount: '120000' })],
      ['pickerDisabled', picker({ disabled: '', value: 'S005' })],
      ['cardsFailed', picker({ 'cards-url': cards('fail') })],
    ],
  },
  {
    id: 'section-widget',
    title: T.widget,
    wide: true,
    specimens: [
      ['needsCard', checkout('needs-card', 'paid', { pgcode: 'card', 'cards-url': cards(), 'image-base': `${ORIGIN}/` })],
      ['widget', checkout('widget', 'paid', { pgcode: 'card', 'cards-url': cards(), 'image-base': `${ORIGIN}/` })],
    ],
  },
  {
    id: 'section-terms',
    title: T.terms,
    wide: true,
    specimens: [
      ['termsMissing', checkout('terms-missing', 'paid', { pgcode: 'card', 'terms-url': '/gallery/api/terms?mode=show' }), { terms: true }],
      ['termsGiven', checkout('terms-given', 'paid', { pgcode: 'card', 'terms-url': '/gallery/api/terms?mode=show' }), { terms: true, agree: true }],
    ],
  },
  {
    id: 'section-receipt',
    title: T.receipt,
    wide: true,
    specimens: [
      ['popup', { tag: 'kpg-receipt', attrs: { provider: 'smartro', tid: 'kpgtest01m01012611211200001234', env: 'test', ...colours() } }],
      ['slip', slip('approved')],
      ['slipCancelled', slip('cancelled')],
      ['slipVbank', slip('vbank')],
      ['slipLoading', slip('hang')],
      ['slipFailed', slip('fail')],
    ],
  },
  {
    // Issue 25's rest, last so that no specimen above moves: the shop's own terms, and escrow shown.
    id: 'section-shop-terms',
    title: T.shopTerms,
    wide: true,
    specimens: [
      ['termsShop', { ...checkout('terms-shop', 'paid', { pgcode: 'card', 'terms-url': '/gallery/api/terms?mode=show' }), children: shopTerms }, { terms: true }],
      ['termsShopOnly', { ...checkout('terms-shop-only', 'paid', { pgcode: 'nauthcard', 'terms-url': '/gallery/api/terms?mode=none' }), children: shopTerms }, { terms: true }],
      ['paidEscrow', checkout('paid-escrow', 'escrow'), { outcome: 'kpg-success' }],
    ],
  },
];

const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) node.setAttribute(k, v);
  node.append(...children);
  return node;
};

function header() {
  document.title = T.title;
  document.getElementById('title').textContent = T.title;
  document.getElementById('intro').textContent = T.intro;
  const link = (label, query, current) => {
    const a = el('a', { href: query }, label);
    if (current) a.setAttribute('aria-current', 'page');
    return a;
  };
  const q = (t, l) => `?theme=${t}&lang=${l}`;
  const nav = document.getElementById('views');
  nav.setAttribute('aria-label', T.views.label);
  nav.append(
    link(T.views.light, q('light', lang), theme === 'light'),
    link(T.views.dark, q('dark', lang), theme === 'dark'),
    Object.assign(link(T.views.ko, q(theme, 'ko'), lang === 'ko'), { lang: 'ko' }),
    Object.assign(link(T.views.en, q(theme, 'en'), lang === 'en'), { lang: 'en' }),
    link(T.views.shop, '/', false),
  );
}

/** Whether `element` is in `state`: its documented `state` property, or a custom state (`:state(paid)`). */
function isIn(element, state) {
  if (element.state === state) return true;
  try {
    return element.matches(`:state(${state})`);
  } catch {
    return false;
  }
}

/** Resolves when `element` reaches `state`. */
function reach(element, state) {
  return new Promise((resolve) => {
    const check = () => (isIn(element, state) ? resolve() : setTimeout(check, 20));
    check();
  });
}

const waits = [];
const outcomes = [];

function build() {
  const main = document.getElementById('gallery');
  for (const section of SECTIONS) {
    // ?only=<id>: that specimen alone (e.g. one slip, to check the print layout).
    if (only) section.specimens = section.specimens.filter(([id]) => id === only);
    if (!section.specimens.length) continue;
    const grid = el('div', { class: section.wide ? 'grid wide' : 'grid' });
    const block = el('section', { id: section.id, 'aria-labelledby': `${section.id}-title` }, el('h2', { id: `${section.id}-title` }, section.title));
    if (section.intro) block.append(el('p', {}, section.intro));
    if (section.play && !only) {
      const play = el('button', { class: 'play', type: 'button', id: 'play' }, T.play);
      // One buyer's click: the three checkouts pay inside it, so their PG "windows" may open.
      play.addEventListener('click', () => {
        for (const start of outcomes) start();
      });
      block.append(play);
    }
    for (const [id, spec, how = {}] of section.specimens) {
      const [label, note] = how.caption ?? T.s[id];
      const element = el(spec.tag, spec.attrs, ...(spec.children?.() ?? []));
      const figure = el('figure', { id, tabindex: '-1' }, el('figcaption', {}, el('b', {}, label), note), element);
      grid.append(figure);
      if (how.start) {
        // The state is set at once; its render may wait for idle time (a busy one does: reactive.ts's
        // requestIdleUpdate), so the specimen is shown once the update that follows it is complete.
        waits.push(element.updateComplete.then(() => (element.pay(), reach(element, how.state))).then(() => element.updateComplete));
      }
      // The consent step shown (issue 25), and a buyer's tick on 전체 동의 where the specimen says so.
      if (how.terms) {
        const step = () => element.shadowRoot?.querySelector('kpg-terms');
        const box = () => (step()?.hidden ? null : step()?.shadowRoot?.querySelector('input[type="checkbox"]'));
        waits.push(until(() => box()).then(() => how.agree && box().click()));
      }
      if (how.outcome) {
        figure.dataset.outcome = 'pending';
        element.addEventListener(how.outcome, () => (figure.dataset.outcome = 'done'));
        outcomes.push(() => element.pay());
      }
    }
    block.append(grid);
    main.append(block);
  }
}

/** The elements' open shadow roots (read only), nested ones included. */
function roots() {
  const roots = [];
  const collect = (root) => {
    for (const node of root.querySelectorAll('kpg-checkout, kpg-card-picker, kpg-receipt, kpg-terms')) {
      roots.push(node.shadowRoot);
      if (node.shadowRoot) collect(node.shadowRoot);
    }
  };
  collect(document);
  return roots;
}

/** Every card list and slip rendered (or failed, where that is the state shown). */
function rendered() {
  return roots().every((root) => {
    if (!root) return false;
    const host = root.host;
    const url = host.getAttribute(host.localName === 'kpg-receipt' ? 'receipt-url' : 'cards-url') ?? '';
    const wanted =
      host.localName === 'kpg-terms' ? (/mode=show/.test(host.getAttribute('terms-url') ?? '') ? 'input' : null)
      : /mode=fail|kind=fail/.test(url) ? '.retry'
      : /mode=hang|kind=hang/.test(url) ? null
      : host.localName === 'kpg-card-picker' ? '[role="radio"]'
      : host.getAttribute('view') === 'inline' ? '[part="slip"]'
      : null;
    return !wanted || root.querySelector(wanted);
  });
}

/** Every card logo decoded (lazy ones load once they are in the viewport). */
const imagesLoaded = () => roots().every((root) => [...root.querySelectorAll('img')].every((img) => img.complete));

async function until(condition) {
  while (!condition()) await new Promise((r) => setTimeout(r, 25));
}

if (params.get('page') === 'admin') {
  // The staff console's screens (demo/gallery-admin.js) instead of the buyer elements. `window.gallery` is
  // set at once (until then it names <main id="gallery">).
  const admin = import('/demo/gallery-admin.js');
  window.gallery = {
    settled: async () => (await admin).gallery.settled(),
    images: async () => {},
    outcomes: async () => {},
  };
} else {
  header();
  build();

  /** For test/visual and the curious: settled() resolves once every specimen shows its state. */
  window.gallery = {
    settled: async () => {
      await Promise.all(waits);
      await until(rendered);
      await document.fonts.ready;
    },
    images: () => until(imagesLoaded),
    outcomes: () => until(() => [...document.querySelectorAll('[data-outcome]')].every((f) => f.dataset.outcome === 'done')),
  };
}
