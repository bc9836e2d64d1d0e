/**
 * Nothing between the buyer's click and the PG window: observed with counters, never timers.
 * - Shinhan's script is loaded and checked once, when the checkouts appear (not on the first click).
 * - The click sends the session request inside its own dispatch, with the configuration validated when the
 *   attributes were set (no URL parsed in the click), and changes nothing of the shadow DOM: the busy state
 *   renders in idle time or once the window has opened.
 * - The session is checked (zod, origins, fields) and `kpg-session` fires in one task; the PG window
 *   opens in the next, which parses no URL and reads nothing of the session JSON.
 */
import { expect, fixture as mount, fixtureCleanup, html } from '@open-wc/testing';
import type { KpgCheckout } from '../src/index.js';
import { needs } from './elements.js';
import { SESSION, fixture, payButton, realClick, recordEvents, trackWindows, uniqueKey, waitFor } from './helpers.js';

/** Counters the page's built-ins feed while a test runs: URLs constructed, properties read from parsed JSON. */
function instrument() {
  const counts = { urls: 0, jsonReads: 0 };
  const RealURL = window.URL;
  const realParse = JSON.parse;
  const realSetTimeout = window.setTimeout;
  window.URL = new Proxy(RealURL, {
    construct(target, args, newTarget) {
      counts.urls++;
      return Reflect.construct(target, args, newTarget);
    },
  });
  JSON.parse = function (this: unknown, ...args: Parameters<typeof JSON.parse>) {
    const value = realParse.apply(this, args);
    return value && typeof value === 'object'
      ? new Proxy(value, {
          get(target, key, receiver) {
            counts.jsonReads++;
            return Reflect.get(target, key, receiver);
          },
        })
      : value;
  };
  /** The counters when the latest timer task began (the widget opens the PG window from one). */
  let taskStart = { ...counts, seq: 0 };
  let seq = 0;
  window.setTimeout = ((handler: TimerHandler, timeout?: number, ...rest: unknown[]) =>
    realSetTimeout(
      (...a: unknown[]) => {
        taskStart = { ...counts, seq: ++seq };
        if (typeof handler === 'function') handler(...a);
      },
      timeout,
      ...rest,
    )) as typeof window.setTimeout;
  // The widget may take its next task from the Prioritized Task Scheduling API instead.
  const scheduler = (window as { scheduler?: { postTask(task: () => unknown, options?: object): Promise<unknown> } }).scheduler;
  const realPostTask = scheduler?.postTask;
  if (scheduler && realPostTask) {
    scheduler.postTask = (task, options) =>
      realPostTask.call(scheduler, () => {
        taskStart = { ...counts, seq: ++seq };
        return task();
      }, options);
  }
  return {
    counts,
    /** What ran in the current task so far (since the latest timer task began), and that task's number. */
    sinceTaskStart: () => ({ urls: counts.urls - taskStart.urls, jsonReads: counts.jsonReads - taskStart.jsonReads, seq: taskStart.seq }),
    restore() {
      window.URL = RealURL;
      JSON.parse = realParse;
      window.setTimeout = realSetTimeout;
      if (scheduler && realPostTask) scheduler.postTask = realPostTask;
    },
  };
}

/**
 * A stand-in for Shinhan's script whose `window.ShinhanBizPay` counts its reads (the widget's check reads
 * it once), and whose openPopup records the moment the PG window would open, then calls back OK.
 */
function countingScript(): string {
  const body =
    'window.__bizPayReads=0;window.__opened=[];' +
    'var api={RES_SUCCESS:"OK",openPopup:function(u,cb){window.__opened.push(window.__atOpen?window.__atOpen():u);setTimeout(function(){cb("OK","")},0)}};' +
    'Object.defineProperty(window,"ShinhanBizPay",{configurable:true,get:function(){window.__bizPayReads++;return api}});';
  return location.origin + fixture({ type: 'text/javascript', body, key: uniqueKey('counting') });
}

type Counting = Window & { __bizPayReads?: number; __opened?: unknown[]; __atOpen?: () => unknown };
const win = window as Counting;

/**
 * Two Shinhan checkouts on PC sharing one script, as a page the buyer has looked at before clicking: the path
 * measured here is a click that finds everything ready. So `terms="none"` (a press while the PG's terms are
 * still loading waits for them, by design: terms.test.ts; how long is the terms request's, which a busy
 * machine can stretch past the click), and the second stage here and rendered (a two-stage build fetches it
 * in idle time; arriving during the click it would re-render the checkouts then).
 */
async function shinhanCheckouts(script: string, session: string) {
  const result = fixture({ body: { status: 'paid', order_no: SESSION.order_no } });
  const both = await Promise.all([
    mount<KpgCheckout>(html`<kpg-checkout provider="shinhan" device="pc" terms="none" order-id=${uniqueKey('A')} amount="11000"
      session-url=${session} result-url=${result} script-src=${script}></kpg-checkout>`),
    mount<KpgCheckout>(html`<kpg-checkout provider="shinhan" device="pc" terms="none" order-id=${uniqueKey('B')}
      session-url=${session} result-url=${result} script-src=${script}></kpg-checkout>`),
  ]);
  await waitFor(() => customElements.get('kpg-terms'), 'the second stage did not arrive');
  await Promise.all(both.map((el) => el.updateComplete));
  return both[0];
}

afterEach(() => {
  fixtureCleanup();
  delete (window as { ShinhanBizPay?: unknown }).ShinhanBizPay;
  delete win.__atOpen;
});

describe('click path: Shinhan', () => {
  before(function () {
    needs(this, 'shinhan');
  });

  it('the script is loaded and checked once when the checkouts appear; the click sends the session request at once, before the busy render, parsing no URL', async () => {
    const sessionKey = uniqueKey('session');
    // The backend takes a moment, as a real one does: the busy state renders in the idle time meanwhile.
    const session = fixture({ body: SESSION, key: sessionKey, delay: 300 });
    const el = await shinhanCheckouts(countingScript(), session);
    await waitFor(() => win.__bizPayReads === 1, 'the preload did not check the script');
    // Attributes changing again read the configuration again, and find the script already checked.
    el.setAttribute('amount', '12000');
    await el.updateComplete;
    expect(win.__bizPayReads).to.equal(1);

    const counters = instrument();
    const realFetch = window.fetch;
    let inClick = false;
    let urlsAtClick = 0;
    const atFetch: Array<{ inClick: boolean; ariaBusy: string | null; state: string; urls: number }> = [];
    window.fetch = function (this: unknown, ...args: Parameters<typeof fetch>) {
      if (String(args[0]).includes(sessionKey)) {
        atFetch.push({ inClick, ariaBusy: payButton(el).getAttribute('aria-busy'), state: el.state, urls: counters.counts.urls - urlsAtClick });
      }
      return realFetch.apply(this, args);
    } as typeof fetch;
    // Every change of the checkout's shadow DOM; those still queued when the click's dispatch ends happened in it.
    let inClickMutations = 0;
    const shadow = new MutationObserver((records) => {
      if (inClick) inClickMutations += records.length;
    });
    shadow.observe(el.shadowRoot!, { subtree: true, childList: true, attributes: true, characterData: true });
    const start = () => {
      shadow.takeRecords();
      inClick = true;
      urlsAtClick = counters.counts.urls;
    };
    const end = () => {
      inClickMutations += shadow.takeRecords().length;
      inClick = false;
    };
    document.addEventListener('click', start, true);
    document.addEventListener('click', end);
    // Every aria-busy value the button takes (the attempt may end before this test looks again).
    const busy: Array<string | null> = [];
    const observer = new MutationObserver(() => busy.push(payButton(el).getAttribute('aria-busy')));
    observer.observe(payButton(el), { attributes: true, attributeFilter: ['aria-busy'] });
    try {
      const rec = recordEvents(el);
      await realClick(payButton(el));
      expect(atFetch, 'one session request').to.have.length(1);
      // Inside the click's own dispatch (no await before it), before anything rendered busy, and with the
      // configuration validated when the attributes were set: not one URL parsed in the click.
      expect(atFetch[0]).to.deep.equal({ inClick: true, ariaBusy: 'false', state: 'idle', urls: 0 });
      // Nothing of the busy state renders in the click (its DOM was made before it): idle time or the window's task does.
      expect(inClickMutations, 'changes to the shadow DOM inside the click').to.equal(0);
      expect((await rec.outcome()).type).to.equal('kpg-success');
      expect(busy[0], 'busy was rendered while the request was out').to.equal('true');
      expect(win.__bizPayReads, 'the click did not check the script again').to.equal(1);
    } finally {
      window.fetch = realFetch;
      document.removeEventListener('click', start, true);
      document.removeEventListener('click', end);
      counters.restore();
      observer.disconnect();
      shadow.disconnect();
    }
  });

  it('kpg-session and every check of the session run in one task; the window opens in the next, which parses no URL and reads no JSON', async () => {
    const el = await shinhanCheckouts(countingScript(), fixture({ body: SESSION }));
    await waitFor(() => win.__bizPayReads === 1, 'the preload did not check the script');
    const counters = instrument();
    let atSession: ReturnType<typeof counters.sinceTaskStart> | undefined;
    let totalAtSession = { urls: 0, jsonReads: 0 };
    el.addEventListener('kpg-session', () => {
      atSession = counters.sinceTaskStart();
      totalAtSession = { ...counters.counts };
    });
    win.__atOpen = () => counters.sinceTaskStart();
    // Every aria-busy value the button takes (the attempt may end before this test looks again).
    const busy: Array<string | null> = [];
    const observer = new MutationObserver(() => busy.push(payButton(el).getAttribute('aria-busy')));
    observer.observe(payButton(el), { attributes: true, attributeFilter: ['aria-busy'] });
    try {
      const rec = recordEvents(el);
      await realClick(payButton(el));
      expect((await rec.outcome()).type).to.equal('kpg-success');
      const atOpen = win.__opened![0] as ReturnType<typeof counters.sinceTaskStart>;
      // Control: the instruments see the widget's work (the session JSON read and its URL checked) ...
      expect(totalAtSession.jsonReads, 'the session JSON was read').to.be.greaterThan(0);
      expect(totalAtSession.urls, 'redirect_url was checked').to.be.greaterThan(0);
      // ... in a task before the one that opens the window, which does none of it.
      expect(atOpen.seq, 'the window opened from a task of its own').to.be.greaterThan(atSession!.seq);
      expect({ urls: atOpen.urls, jsonReads: atOpen.jsonReads }).to.deep.equal({ urls: 0, jsonReads: 0 });
    } finally {
      counters.restore();
    }
  });
});

describe('click path: Smartro', () => {
  before(function () {
    needs(this, 'smartro');
  });

  it('the window opens inside the click with nothing parsed; the form is checked in one task and posted in the next', async () => {
    const windows = trackWindows();
    const counters = instrument();
    const realSubmit = HTMLFormElement.prototype.submit;
    const atSubmit: Array<ReturnType<typeof counters.sinceTaskStart>> = [];
    HTMLFormElement.prototype.submit = function (this: HTMLFormElement) {
      atSubmit.push(counters.sinceTaskStart());
      return realSubmit.call(this);
    };
    let urlsAtClick = 0;
    let urlsAtOpen = -1;
    const start = () => {
      urlsAtClick = counters.counts.urls;
    };
    document.addEventListener('click', start, true);
    const open = window.open;
    window.open = function (this: Window, ...args: Parameters<typeof window.open>) {
      urlsAtOpen = counters.counts.urls - urlsAtClick;
      return open.apply(this, args);
    } as typeof window.open;
    try {
      const capture = `${location.origin}/__fixture/capture?key=${uniqueKey('form')}&page=wait`;
      const session = {
        provider: 'smartro',
        order_no: 'T1',
        action: capture,
        fields: { MID: 'kpgtest01m', Moid: 'T1', Amt: '1000', GoodsName: '테스트', EncryptData: 'e', ediDate: '20261121120000', ReturnURL: `${location.origin}/r` },
      };
      const el = await mount<KpgCheckout>(html`<kpg-checkout provider="smartro" device="pc" order-id=${uniqueKey('A')}
        session-url=${fixture({ body: session })} result-url="/api/kpg/result"></kpg-checkout>`);
      const rec = recordEvents(el);
      await realClick(payButton(el));
      expect(urlsAtOpen, 'URLs parsed in the click before the window opened').to.equal(0);
      await waitFor(() => atSubmit.length === 1, 'the form was not posted');
      expect(rec.events[0]?.type).to.equal('kpg-session');
      expect({ urls: atSubmit[0].urls, jsonReads: atSubmit[0].jsonReads }).to.deep.equal({ urls: 0, jsonReads: 0 });
      expect(atSubmit[0].seq, 'posted from a task of its own').to.be.greaterThan(0);
      expect(counters.counts.jsonReads, 'control: the session JSON was read').to.be.greaterThan(0);
    } finally {
      window.open = open;
      HTMLFormElement.prototype.submit = realSubmit;
      document.removeEventListener('click', start, true);
      counters.restore();
      windows.restore();
    }
  });
});
