// The staff console's gallery (demo/gallery.html?page=admin): every screen of <kpg-admin>, light
// (?theme=dark: dark), Korean (?lang=en: English), driven only from the outside, as a shop's admin page and its
// staff do: attributes (api-url, view, order-id) and the stand-in staff API of demo/gallery-staff-stubs.mjs
// (/gallery/staff/<scenario>). test/visual/admin.test.mjs screenshots it at 390 and 1280 px, audits every
// screen and dialog with axe in both themes and languages, and uses it with the keyboard alone.
import '/src/kpg-admin/index.ts';

const params = new URLSearchParams(location.search);
const theme = params.get('theme') === 'dark' ? 'dark' : 'light';
const lang = params.get('lang') === 'en' ? 'en' : 'ko';
const only = params.get('only');
const MAIN = theme === 'dark' ? '1B1F27' : 'FFFFFF';
const POINT = '5379FF';

document.documentElement.lang = lang;
document.documentElement.dataset.theme = theme;

const T = {
  ko: {
    title: 'kpg-admin 갤러리: 직원 콘솔',
    intro: '<kpg-admin>의 모든 화면입니다. 스텁 직원 API(/gallery/staff/...)로, 상점의 관리자 페이지와 직원이 하는 그대로 움직입니다. 바뀌는 것은 없습니다.',
    views: { label: '보기', light: '라이트', dark: '다크', ko: '한국어', en: 'English', elements: '구매자 요소 갤러리', shop: '데모 상점' },
    s: {
      'admin-orders': ['주문 찾기', '23건, 시작 시각 내림차순; 금액 열도 정렬됩니다'],
      'admin-order': ['한 주문의 기록', 'G-1001: 닫힌 창, 거절된 위조 결과, 결제, 실패한 웹훅, 부분 환불'],
      'admin-check': ['확인이 필요한 취소', 'G-1003: 신한 부분취소가 시간 초과, 직원이 관리자 화면을 보고 확정'],
      'admin-refunded': ['전액 환불된 주문', 'G-1002: refunded'],
      'admin-debts': ['돌려줄 돈', 'refund_due: 두 번째 승인, 대체된 시도'],
      'admin-deliveries': ['포기된 이벤트 전달', '웹훅 HTTP 500, onEvent 예외'],
      'admin-reconcile': ['대사 결과', 'PG 관리자 화면에서 한 취소를 찾음'],
      'admin-empty': ['찾은 것이 없음', '빈 목록'],
      'admin-loading': ['불러오는 중', '답하지 않는 API'],
      'admin-error': ['불러오기 실패', '503, 다시 시도 버튼'],
      'admin-forbidden': ['권한 없음', '403: 구매자 세션이나 직원이 아닌 계정'],
    },
  },
  en: {
    title: 'kpg-admin gallery: the staff console',
    intro: 'Every screen of <kpg-admin>, driven from the outside as a shop admin page and its staff would, through a stand-in staff API (/gallery/staff/...). Nothing changes.',
    views: { label: 'Views', light: 'Light', dark: 'Dark', ko: '한국어', en: 'English', elements: 'Buyer elements gallery', shop: 'Demo shop' },
    s: {
      'admin-orders': ['Orders', '23 attempts, newest first; the amount column sorts too'],
      'admin-order': ["One order's story", 'G-1001: a closed window, a forged return refused, the payment, a failing webhook, a partial refund'],
      'admin-check': ['A cancel to check', "G-1003: a Shinhan partial cancel timed out; staff settle it from the admin site"],
      'admin-refunded': ['A refunded order', 'G-1002: refunded'],
      'admin-debts': ['Money owed back', 'refund_due: a second approval, a superseded attempt'],
      'admin-deliveries': ['Dead deliveries', 'A webhook answering HTTP 500, an onEvent that threw'],
      'admin-reconcile': ['Reconcile report', "A cancel made in the PG's admin site, found"],
      'admin-empty': ['Nothing found', 'Empty lists'],
      'admin-loading': ['Loading', 'An API that never answers'],
      'admin-error': ['Could not load', '503, with a retry button'],
      'admin-forbidden': ['No access', "403: a buyer's session, or an account without staff rights"],
    },
  },
}[lang];

/** [figure id, attributes, what it must reach (its `state`), how it gets there]. */
const SPECIMENS = [
  ['admin-orders', { scenario: 'ok', view: 'orders' }],
  ['admin-order', { scenario: 'ok', view: 'order', 'order-id': 'G-1001' }],
  ['admin-check', { scenario: 'ok', view: 'order', 'order-id': 'G-1003' }],
  ['admin-refunded', { scenario: 'ok', view: 'order', 'order-id': 'G-1002' }],
  ['admin-debts', { scenario: 'ok', view: 'debts' }],
  ['admin-deliveries', { scenario: 'ok', view: 'deliveries' }],
  ['admin-reconcile', { scenario: 'ok', view: 'reconcile' }, 'ready', (element) => element.reconcile()],
  ['admin-empty', { scenario: 'empty', view: 'orders' }],
  ['admin-loading', { scenario: 'hang', view: 'orders' }, 'loading'],
  ['admin-error', { scenario: 'down', view: 'orders' }, 'error'],
  ['admin-forbidden', { scenario: 'forbidden' }, 'forbidden'],
].filter(([id]) => !only || id === only);

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
  const q = (t, l) => `?page=admin&theme=${t}&lang=${l}`;
  const nav = document.getElementById('views');
  nav.setAttribute('aria-label', T.views.label);
  nav.append(
    link(T.views.light, q('light', lang), theme === 'light'),
    link(T.views.dark, q('dark', lang), theme === 'dark'),
    Object.assign(link(T.views.ko, q(theme, 'ko'), lang === 'ko'), { lang: 'ko' }),
    Object.assign(link(T.views.en, q(theme, 'en'), lang === 'en'), { lang: 'en' }),
    link(T.views.elements, `?theme=${theme}&lang=${lang}`, false),
    link(T.views.shop, '/', false),
  );
}

/** Resolves when `element` reaches `state` (its read-only `state` property). */
function reach(element, state) {
  return new Promise((resolve) => {
    const check = () => (element.state === state ? resolve() : setTimeout(check, 20));
    check();
  });
}

const waits = [];

function build() {
  const main = document.getElementById('gallery');
  const grid = el('div', { class: 'grid full' });
  for (const [id, { scenario, ...attrs }, state = 'ready', start] of SPECIMENS) {
    const [label, note] = T.s[id];
    const element = el('kpg-admin', { 'api-url': `/gallery/staff/${scenario}`, lang, main_color: MAIN, point_color: POINT, timeout: '600', ...attrs });
    grid.append(el('figure', { id, tabindex: '-1' }, el('figcaption', {}, el('b', {}, label), note), element));
    waits.push(
      customElements.whenDefined('kpg-admin').then(async () => {
        await element.updateComplete;
        if (start) {
          await reach(element, 'ready');
          await start(element);
        }
        await reach(element, state);
      }),
    );
  }
  main.append(el('section', { id: 'section-admin', 'aria-labelledby': 'section-admin-title' }, el('h2', { id: 'section-admin-title' }, '<kpg-admin>'), grid));
}

header();
build();

/** For test/visual and the curious (demo/gallery.js hands it on as window.gallery): every screen in its state. */
export const gallery = {
  settled: async () => {
    await Promise.all(waits);
    await document.fonts.ready;
  },
};
