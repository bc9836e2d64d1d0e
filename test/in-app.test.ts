/**
 * In-app browsers and app WebViews: each row of the user-agent table, with a real user agent of that app,
 * and `device="auto"` choosing the full-page flow (device_type 1, return_to) there.
 */
import { expect, fixture as mount, fixtureCleanup, html } from '@open-wc/testing';
import './elements.js';
import type { KpgCheckout } from '../src/index.js';
import { IN_APP_BROWSERS, inAppBrowser } from '../src/in-app.js';
import { fixture, fixtureCalls, payButton, realClick, recordEvents, uniqueKey } from './helpers.js';

/** User agents these apps send (published samples), one per table row. */
const IN_APP: Record<string, string> = {
  KakaoTalk:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 KAKAOTALK 10.6.5',
  NAVER:
    'Mozilla/5.0 (Linux; Android 14; SM-S918N Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/122.0.6261.119 Mobile Safari/537.36 NAVER(inapp; search; 2000; 12.5.1)',
  Instagram:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/21D50 Instagram 320.0.2.19.109 (iPhone15,3; iOS 17_3; ko_KR; ko; scale=3.00; 1290x2796; 580221349)',
  Facebook:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/21D50 [FBAN/FBIOS;FBAV/452.0.0.39.110;FBBV/563049567;FBDV/iPhone15,3;FBMD/iPhone;FBSN/iOS;FBSV/17.3;FBSS/3;FBID/phone;FBLC/ko_KR;FBOP/5]',
  LINE: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari Line/14.1.0',
  Band: 'Mozilla/5.0 (Linux; Android 13; SM-G991N Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36 BAND/13.3.1 (ko_KR)',
  DaumApps:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 DaumApps/8.4.1 DaumDevice/mobile',
  'Android WebView':
    'Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP1A.240305.019; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/122.0.6261.105 Mobile Safari/537.36',
  'iOS WebView': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
};

/** Plain browsers: never taken for an in-app browser. */
const BROWSERS: Record<string, string> = {
  'Safari on iPhone':
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Chrome on iPhone':
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/122.0.6261.89 Mobile/15E148 Safari/604.1',
  'Chrome on Android':
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Mobile Safari/537.36',
  'Samsung Internet':
    'Mozilla/5.0 (Linux; Android 14; SM-S918N) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36',
  'NAVER Whale (a browser, not the NAVER app)':
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Whale/3.24.223.21 Safari/537.36',
  'Chrome on Windows': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36',
};

/** Make this page's navigator report `ua` (and no mobile client hint) for one test. */
function pretend(ua: string): () => void {
  const nav = navigator as Navigator & { userAgentData?: unknown };
  Object.defineProperty(nav, 'userAgent', { value: ua, configurable: true });
  Object.defineProperty(nav, 'userAgentData', { value: { mobile: false }, configurable: true });
  return () => {
    delete (nav as unknown as Record<string, unknown>).userAgent;
    delete (nav as unknown as Record<string, unknown>).userAgentData;
  };
}

afterEach(() => fixtureCleanup());

describe('in-app browser detection: one table of user-agent tokens', () => {
  it('has a row for every app the issue names, each with a sample here', () => {
    expect(IN_APP_BROWSERS.map(([name]) => name)).to.deep.equal(Object.keys(IN_APP));
  });

  for (const [name, ua] of Object.entries(IN_APP)) {
    it(`${name}: detected`, () => {
      expect(inAppBrowser(ua)).to.equal(name);
    });
  }

  for (const [name, ua] of Object.entries(BROWSERS)) {
    it(`${name}: a browser, not an in-app one`, () => {
      expect(inAppBrowser(ua)).to.equal(null);
    });
  }
});

describe('device="auto" in an in-app browser takes the full-page flow', () => {
  for (const [name, ua] of Object.entries({ ...IN_APP, 'KakaoTalk on a desktop': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 KAKAOTALK 3.6.0' })) {
    it(`${name}: device_type 1 with return_to, no popup`, async () => {
      const restore = pretend(ua);
      try {
        const key = uniqueKey('session');
        // The backend refuses, so the page does not leave: what the widget asked for is what counts here.
        const el = await mount<KpgCheckout>(html`<kpg-checkout provider="smartro" order-id="A-1" session-url=${fixture({ status: 503, body: {}, key })}
          result-url="/api/kpg/result"></kpg-checkout>`);
        const rec = recordEvents(el);
        const opened: unknown[] = [];
        const open = window.open;
        window.open = (...args: Parameters<typeof window.open>) => (opened.push(args), null);
        try {
          await realClick(payButton(el));
          await rec.outcome();
        } finally {
          window.open = open;
        }
        const body = JSON.parse((await fixtureCalls(key))[0].body);
        expect(body.device_type).to.equal(1);
        expect(body.return_to).to.equal(location.href.split('#')[0]);
        expect(opened).to.have.length(0); // Smartro on PC would have opened its window first
      } finally {
        restore();
      }
    });
  }

  it('control: in a desktop browser the same element takes the popup flow (it opens its window first)', async () => {
    const restore = pretend(BROWSERS['Chrome on Windows']);
    try {
      const key = uniqueKey('session');
      const el = await mount<KpgCheckout>(html`<kpg-checkout provider="smartro" order-id="A-1" session-url=${fixture({ status: 503, body: {}, key })}
        result-url="/api/kpg/result"></kpg-checkout>`);
      const rec = recordEvents(el);
      const opened: unknown[] = [];
      const open = window.open;
      window.open = (...args: Parameters<typeof window.open>) => (opened.push(args), null);
      try {
        await realClick(payButton(el));
        expect((await rec.outcome()).detail.code).to.equal('popup-blocked');
      } finally {
        window.open = open;
      }
      expect(opened).to.have.length(1);
      expect(await fixtureCalls(key)).to.have.length(0);
    } finally {
      restore();
    }
  });
});
