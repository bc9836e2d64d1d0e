/**
 * Property-based tests (fast-check): random and adversarial JSON at every shape the widget reads, and
 * random attribute values at every element. Whatever arrives, nothing throws but a KpgError, no element
 * is left busy, and each payment attempt ends with exactly one outcome event.
 */
import { expect, fixture as mount, fixtureCleanup, html } from '@open-wc/testing';
import fc from 'fast-check';
import './elements.js';
import type { KpgCardPicker, KpgCheckout, KpgReceipt } from '../src/index.js';
import { parseCardList } from '../src/cards.js';
import { KpgError } from '../src/errors.js';
import { shinhan } from '../src/providers/shinhan.js';
import { smartro } from '../src/providers/smartro.js';

const providers = { shinhan, smartro };
import type { ReceiptSupport } from '../src/providers/types.js';
import { apis, isBizPay, shinhanStart } from '../src/providers/shinhan-start.js';
import { byteLength, outsideKsX1001 } from '../src/charset.js';
import { isShinhanSession } from '../src/providers/shinhan.js';
import { isSmartroSession } from '../src/providers/smartro.js';
import * as rule from '../src/rule-schemas.js';
import * as rules from '../src/rules.js';
import { ProviderIdSchema, ResultSchema, ReturnMessageSchema, ShinhanSessionSchema, SmartroSessionSchema } from '../src/schemas.js';
import { takePending } from '../src/resume.js';
import { SHINHAN_SANDBOX, fixture, recordEvents, stubScript, waitFor } from './helpers.js';

/** JSON a backend or a PG could send, broken or hostile: anything, plus near-misses of the real shapes. */
const hostile = fc.oneof(
  fc.jsonValue(),
  fc.anything(),
  fc.record({
    provider: fc.oneof(fc.constant('shinhan'), fc.constant('smartro'), fc.string()),
    order_no: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    redirect_url: fc.oneof(fc.webUrl(), fc.string(), fc.constant('javascript:alert(1)'), fc.constant(`${SHINHAN_SANDBOX}/pgsvc/pay?t=1`)),
    action: fc.oneof(fc.webUrl(), fc.string()),
    fields: fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.constant(null))),
    status: fc.oneof(fc.constantFrom('paid', 'failed', 'cancelled', 'pending', 'processing', 'unknown'), fc.string()),
    ret_code: fc.oneof(fc.constant(0), fc.integer(), fc.string()),
    list: fc.oneof(fc.array(fc.jsonValue()), fc.jsonValue()),
    receipt: fc.jsonValue(),
  }, { requiredKeys: [] }),
);

function onlyKpgErrors(run: () => unknown): boolean {
  try {
    run();
    return true;
  } catch (error) {
    return error instanceof KpgError && typeof error.detail.message === 'string' && error.detail.message.length > 0;
  }
}

const ctx = (provider: 'shinhan' | 'smartro') =>
  ({ config: { pgOrigins: [SHINHAN_SANDBOX], provider }, device: 'pc' }) as never;

describe('property: every parser refuses bad JSON with a KpgError, never anything else', () => {
  it('session JSON (Shinhan and Smartro)', () => {
    fc.assert(fc.property(hostile, (json) => onlyKpgErrors(() => providers.shinhan.parseSession(json, ctx('shinhan')))), { numRuns: 400 });
    fc.assert(fc.property(hostile, (json) => onlyKpgErrors(() => providers.smartro.parseSession(json, ctx('smartro')))), { numRuns: 400 });
  });

  it('a session that parses is safe: its URLs are on allowed origins', () => {
    fc.assert(
      fc.property(hostile, (json) => {
        try {
          const session = providers.shinhan.parseSession(json, ctx('shinhan')) as unknown as { redirect_url: string };
          const url = new URL(session.redirect_url);
          return url.origin === SHINHAN_SANDBOX || (url.protocol === 'https:' && url.hostname.endsWith('.shinhan.com'));
        } catch (error) {
          return error instanceof KpgError;
        }
      }),
      { numRuns: 400 },
    );
  });

  it('card-list JSON', () => {
    fc.assert(fc.property(hostile, (json) => onlyKpgErrors(() => parseCardList(json))), { numRuns: 400 });
  });

  it('card-list numbers: a card is kept only when each number-like field is a whole number (digits with text before or after them are no number)', () => {
    // The PG sends these as numbers or as digits in strings; "12개월" or "3.5" would read as NaN months.
    const fields = ['sort_no', 'istl_psbl_amt', 'istl_start_mnts', 'istl_finish_mnts', 'nintr_istl_start_mnts', 'nintr_istl_finish_mnts'] as const;
    const tails = ['', ' ', '\t', '개월', 'abc', '.5', '-1', ' 3', '원', '0x'];
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.stringMatching(/^[0-9]{1,6}$/), fc.constantFrom(...tails), fc.constantFrom('', ' ', '-', '+', '약 ', 'x'), (field, digits, tail, lead) => {
        const value = `${lead}${digits}${tail}`;
        const entry = { card_cpny_cd: 'S001', card_cpny_name: 'BC카드', [field]: value };
        let kept = false;
        try {
          kept = parseCardList({ ret_code: 0, list: [entry] }).length === 1;
        } catch (error) {
          if (!(error instanceof KpgError)) throw error;
        }
        return kept === (lead.trim() === '' && tail.trim() === '');
      }),
      { numRuns: 300 },
    );
    // ...and a number sent as a number is kept.
    expect(parseCardList({ ret_code: 0, list: [{ card_cpny_cd: 'S001', card_cpny_name: 'BC카드', istl_finish_mnts: 12 }] })).to.have.length(1);
  });

  it('receipt JSON (Shinhan redirect and Smartro slip)', () => {
    const shinhan = providers.shinhan.receipt as Extract<ReceiptSupport, { kind: 'backend' }>;
    const smartro = providers.smartro.receipt!;
    fc.assert(fc.property(hostile, (json) => onlyKpgErrors(() => shinhan.url(json))), { numRuns: 300 });
    fc.assert(fc.property(hostile, (json) => onlyKpgErrors(() => smartro.inline!(json))), { numRuns: 300 });
  });

  it('result and postMessage data: whatever parses is a shape the widget can act on, and nothing else parses', () => {
    const statuses = ['pending', 'processing', 'unknown', 'paid', 'failed', 'cancelled', 'awaiting_deposit', 'refunded'];
    fc.assert(
      fc.property(hostile, (json) => {
        const result = ResultSchema.safeParse(json);
        const message = ReturnMessageSchema.safeParse(json);
        const resultOk = !result.success || (statuses.includes(result.data.status) && typeof result.data.order_no === 'string' && result.data.order_no.length > 0);
        const messageOk = !message.success || (message.data.type === 'kpg-return' && message.data.order_no.length >= 1 && message.data.order_no.length <= 64);
        return resultOk && messageOk;
      }),
      { numRuns: 400 },
    );
    // ...and the real shapes do parse (a schema that refused everything would pass the property above).
    expect(ResultSchema.safeParse({ status: 'paid', order_no: 'T-1', tid: 'X' }).success).to.equal(true);
    expect(ReturnMessageSchema.safeParse({ type: 'kpg-return', order_no: 'T-1' }).success).to.equal(true);
    expect(ReturnMessageSchema.safeParse({ type: 'kpg-return', order_no: '' }).success).to.equal(false);
    // Issue 22: refunded is a status; what was given back is a number of won, never text or negative.
    expect(ResultSchema.safeParse({ status: 'refunded', order_no: 'T-1', refunded_total: 11000, balance: 0 }).success).to.equal(true);
    expect(ResultSchema.safeParse({ status: 'paid', order_no: 'T-1', refunded_total: '1000' }).success).to.equal(false);
    expect(ResultSchema.safeParse({ status: 'paid', order_no: 'T-1', balance: -1 }).success).to.equal(false);
    expect(ResultSchema.safeParse({ status: 'chargeback', order_no: 'T-1' }).success).to.equal(false);
    // A virtual account's due date is the day alone (what 입금기한 shows): a date with a time after it is refused.
    const account = (due_date: string) => ({ status: 'awaiting_deposit', order_no: 'T-1', vbank: { bank_name: '신한은행', holder: '(주)케이피지데모', amount: 11000, due_date } });
    expect(['2026-12-10', '2026-12-10T00:00:00Z', '2026-12-10 23:59'].map((d) => ResultSchema.safeParse(account(d)).success)).to.deep.equal([true, false, false]);
  });

  it('a stale pending record is dropped: a page left for the PG over an hour ago, an account past 62 days (at Korean edge times, exactly at each limit)', () => {
    const record = (started_at: number) => JSON.stringify({ provider: 'smartro', order_no: 'T-OLD', order_id: 'A-1', result_url: `${location.origin}/r`, started_at });
    const hour = 3600_000;
    // A pinned clock, never the wall clock (test/node/clock.mjs has the same edges): midnight, 08:59 and
    // 23:59 KST, the last day of a month, the turn of a year.
    for (const at of ['2026-12-01T00:00:00+09:00', '2026-12-02T08:59:00+09:00', '2026-12-02T23:59:00+09:00', '2027-02-28T23:59:00+09:00', '2026-12-31T23:59:59+09:00', '2027-01-01T00:00:00+09:00']) {
      const now = Date.parse(at);
      sessionStorage.setItem('kpg-checkout:pending:stale', record(now - hour - 1));
      expect(takePending('stale', 'pending', now), at).to.equal(null);
      sessionStorage.setItem('kpg-checkout:pending:fresh', record(now - hour));
      expect(takePending('fresh', 'pending', now)?.order_no, at).to.equal('T-OLD');
      localStorage.setItem('kpg-checkout:vbank:stale', record(now - 62 * 24 * hour - 1));
      expect(takePending('stale', 'vbank', now), at).to.equal(null);
      localStorage.setItem('kpg-checkout:vbank:fresh', record(now - 62 * 24 * hour));
      expect(takePending('fresh', 'vbank', now)?.order_no, at).to.equal('T-OLD');
      localStorage.removeItem('kpg-checkout:vbank:stale');
      localStorage.removeItem('kpg-checkout:vbank:fresh');
    }
  });

  it('a pending record in sessionStorage that someone tampered with is dropped', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v))), (raw) => {
        sessionStorage.setItem('kpg-checkout:pending:prop', raw);
        const taken = takePending('prop');
        return taken === null || (typeof taken.order_no === 'string' && typeof taken.started_at === 'number');
      }),
      { numRuns: 200 },
    );
  });
});

/** Uncaught errors and unhandled rejections seen while `run` runs. */
async function uncaught(run: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const onError = (e: ErrorEvent) => seen.push(`error: ${e.message}`);
  const onRejection = (e: PromiseRejectionEvent) => seen.push(`rejection: ${String(e.reason)}`);
  window.addEventListener('error', onError);
  window.addEventListener('unhandledrejection', onRejection);
  try {
    await run();
  } finally {
    window.removeEventListener('error', onError);
    window.removeEventListener('unhandledrejection', onRejection);
  }
  return seen;
}

const attrValue = fc.oneof(
  fc.string(),
  fc.constantFrom('', 'shinhan', 'smartro', 'pc', 'mobile', 'auto', '#5379FF', 'zzz', '0', '-1', '1e9', 'NaN', '<b>x</b>', 'javascript:alert(1)', '/api/kpg/session'),
);

describe('property: random attributes and hostile backends, at every element', function () {
  this.timeout(60000);
  afterEach(() => fixtureCleanup());

  it('<kpg-checkout>: exactly one outcome per attempt, never left busy, no uncaught error', async () => {
    const seen = await uncaught(() =>
      fc.assert(
        fc.asyncProperty(
          fc.record({ session: hostile, result: hostile, code: fc.oneof(fc.constant('OK'), fc.string(), fc.integer()), attrs: fc.dictionary(fc.constantFrom('provider', 'pgcode', 'device', 'main_color', 'point_color', 'amount', 'timeout', 'result-timeout', 'lang', 'order-id'), attrValue) }),
          async ({ session, result, code, attrs }) => {
            const el = await mount<KpgCheckout>(html`<kpg-checkout></kpg-checkout>`);
            const base: Record<string, string> = {
              provider: 'shinhan',
              device: 'pc',
              'session-url': fixture({ body: session === undefined ? 'null' : JSON.stringify(session) }),
              'result-url': fixture({ body: result === undefined ? 'null' : JSON.stringify(result) }),
              'script-src': stubScript(code, 'msg'),
              timeout: '2',
              'result-timeout': '0.3',
            };
            for (const [k, v] of Object.entries({ ...base, ...attrs })) el.setAttribute(k, v);
            // A result-timeout or timeout from the generator must not make a run slow: keep them short.
            el.setAttribute('timeout', '2');
            el.setAttribute('result-timeout', '0.3');
            await el.updateComplete;
            const rec = recordEvents(el);
            void el.pay().catch(() => {});
            if (el.state === 'continue') (el.shadowRoot!.querySelector('button') as HTMLButtonElement).click();
            await waitFor(() => rec.outcomes().length > 0 || el.state === 'continue', 'no outcome', { timeout: 6000 });
            if (el.state === 'continue') {
              // Waiting for the buyer's press: press it, as a buyer would.
              el.shadowRoot!.querySelector('button')!.click();
              await waitFor(() => rec.outcomes().length > 0, 'no outcome after continue', { timeout: 6000 });
            }
            await new Promise((r) => setTimeout(r, 30));
            fixtureCleanup();
            return rec.outcomes().length === 1 && el.state !== 'busy' && el.state !== 'continue';
          },
        ),
        { numRuns: 25 },
      ),
    );
    expect(seen).to.deep.equal([]);
  });

  it('<kpg-card-picker>: any card list ends loaded or in a clear error, never throws', async () => {
    const seen = await uncaught(() =>
      fc.assert(
        fc.asyncProperty(fc.record({ json: hostile, amount: attrValue, pgcode: attrValue }), async ({ json, amount, pgcode }) => {
          const el = await mount<KpgCardPicker>(html`<kpg-card-picker></kpg-card-picker>`);
          const errors: unknown[] = [];
          el.addEventListener('kpg-error', (e) => errors.push(e.detail));
          el.setAttribute('amount', amount);
          el.setAttribute('pgcode', pgcode);
          el.setAttribute('cards-url', fixture({ body: json === undefined ? 'null' : JSON.stringify(json) }));
          await waitFor(() => errors.length > 0 || el.shadowRoot!.querySelector('[role="radio"]'), 'picker stuck', { timeout: 4000 });
          fixtureCleanup();
          return true;
        }),
        { numRuns: 40 },
      ),
    );
    expect(seen).to.deep.equal([]);
  });

  it('<kpg-receipt>: any attributes and receipt JSON end in a slip, a window, or a clear error', async () => {
    const seen = await uncaught(() =>
      fc.assert(
        fc.asyncProperty(
          fc.record({ json: hostile, provider: attrValue, tid: attrValue, type: attrValue, env: attrValue, view: fc.constantFrom('inline', 'popup', '') }),
          async ({ json, provider, tid, type, env, view }) => {
            const el = await mount<KpgReceipt>(html`<kpg-receipt></kpg-receipt>`);
            const errors: unknown[] = [];
            el.addEventListener('kpg-error', (e) => errors.push(e.detail));
            for (const [k, v] of Object.entries({ provider, tid, type, env, view, 'receipt-url': fixture({ body: { provider, receipt: json } }) })) el.setAttribute(k, v);
            await el.updateComplete;
            const slip = () => el.shadowRoot!.querySelector('[part="slip"]');
            if (view === 'inline') {
              await waitFor(() => errors.length > 0 || slip(), 'receipt stuck', { timeout: 4000 });
            } else {
              // A press without the buyer's click: the receipt window cannot open, so this ends in an error.
              el.open();
              await waitFor(() => errors.length > 0, 'no kpg-error after open()', { timeout: 4000 });
            }
            const known = ['invalid-config', 'popup-blocked', 'origin-not-allowed', 'receipt-failed'];
            const clear = errors.every((e) => known.includes((e as { code: string }).code) && typeof (e as { message: unknown }).message === 'string' && (e as { message: string }).message !== '');
            fixtureCleanup();
            return clear && (errors.length > 0 || !!slip());
          },
        ),
        { numRuns: 40 },
      ),
    );
    expect(seen).to.deep.equal([]);
  });
});

describe('property: the hand checks of the first stage and the click path accept exactly what their schemas accept', () => {
  /** Values near each rule's edges, and anything. */
  const near = (...values: unknown[]) => fc.oneof(fc.constantFrom(...values), fc.string(), fc.anything());
  const agree = (schema: { safeParse(v: unknown): { success: boolean } }, check: (v: unknown) => boolean, values: fc.Arbitrary<unknown>) =>
    fc.assert(fc.property(values, (v) => schema.safeParse(v).success === check(v)), { numRuns: 600 });

  it('the attributes (rules.ts against rule-schemas.ts)', () => {
    const re = (r: RegExp) => (v: unknown) => typeof v === 'string' && r.test(v);
    agree(rule.HexColorSchema, re(rules.HEX_COLOR), near('#5379FF', '5379ff', '5379F', '#5379FFF', 'GGGGGG', '#ABCDEF\n'));
    agree(rule.PgCodeSchema, re(rules.PG_CODE), near('selpay', 'card', '', 'a'.repeat(10), 'a'.repeat(11), 'se lpay', 'selpay\n'));
    agree(rule.AmountSchema, re(rules.AMOUNT), near('11000', '0', '1'.repeat(13), '1'.repeat(14), '1.5', '-1', '1e21', '11000\n'));
    agree(rule.AppSchemeSchema, re(rules.APP_SCHEME), near('myshop://', 'MyShop://', 'a://', 'my shop://', 'myshop:', `a${'b'.repeat(30)}://`, `a${'b'.repeat(31)}://`));
    agree(rule.TidSchema, re(rules.TID), near('T1', 'a'.repeat(50), 'a'.repeat(51), 'T 1', 'T-1_2'));
    agree(ProviderIdSchema, (v) => rules.oneOf(rules.PROVIDERS, v), near('shinhan', 'smartro', 'Shinhan', 'toss'));
    agree(rule.DeviceSchema, (v) => rules.oneOf(rules.DEVICES, v), near('auto', 'pc', 'mobile', 'PC', 'tablet'));
    agree(rule.PayMethodSchema, (v) => rules.oneOf(rules.PAY_METHODS, v), near('card', 'vbank', 'bank', 'phone', 'Card'));
    const seconds = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(0, -0, 1e-9, 3600, 3600.0001, NaN, Infinity, -Infinity));
    fc.assert(fc.property(seconds, (n) => rule.SecondsSchema.safeParse(n).success === rules.isSeconds(n)), { numRuns: 600 });
  });

  it("Shinhan's script's API (shinhan-start.ts against ShinhanBizPaySchema and openPopup a function)", () => {
    const api = fc.record(
      { RES_SUCCESS: fc.oneof(fc.string(), fc.double(), fc.constantFrom(NaN, Infinity, null, 0, '0000')), openPopup: fc.oneof(fc.constant(() => {}), fc.anything()) },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(api, fc.anything(), fc.array(fc.anything())), (v) => {
        const byZod = rule.ShinhanBizPaySchema.safeParse(v).success && typeof (v as { openPopup?: unknown }).openPopup === 'function';
        return byZod === isBizPay(v);
      }),
      { numRuns: 600 },
    );
  });

  it('the session answers (providers/shinhan.ts, providers/smartro.ts against their schemas)', () => {
    const text = (max: number) => fc.oneof(fc.string({ maxLength: max + 2 }), fc.constantFrom('', 'x'.repeat(max), 'x'.repeat(max + 1)), fc.integer(), fc.constant(null));
    const shinhanLike = fc.record(
      { provider: fc.constantFrom('shinhan', 'smartro', 'Shinhan', 1), order_no: text(50), redirect_url: text(1000), extra: fc.anything() },
      { requiredKeys: [] },
    );
    const smartroLike = fc.record(
      {
        provider: fc.constantFrom('smartro', 'shinhan'),
        order_no: text(64),
        action: text(1000),
        fields: fc.oneof(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.double(), fc.constant(null), fc.boolean())), fc.anything()),
      },
      { requiredKeys: [] },
    );
    // Near a real Smartro session: every key there, the form's fields text or numbers, now and then one that
    // is neither (each side must accept the real ones and refuse the rest alike).
    const smartroNear = fc.record({
      provider: fc.constant('smartro'),
      order_no: fc.string({ minLength: 1, maxLength: 64 }),
      action: fc.string({ minLength: 1, maxLength: 100 }),
      fields: fc.dictionary(fc.string({ minLength: 1 }), fc.oneof({ weight: 8, arbitrary: fc.oneof(fc.string(), fc.integer()) }, { weight: 1, arbitrary: fc.oneof(fc.constant(null), fc.boolean(), fc.double(), fc.object()) }), { minKeys: 1, maxKeys: 8 }),
    });
    agree(ShinhanSessionSchema, isShinhanSession, fc.oneof(shinhanLike, fc.anything(), fc.array(shinhanLike)));
    agree(SmartroSessionSchema, isSmartroSession, fc.oneof(smartroLike, smartroNear, fc.anything()));
  });

  it('a session the hand check accepts is never parsed by zod (the click path runs no zod parse)', () => {
    const parse = ShinhanSessionSchema.safeParse;
    let parsed = 0;
    (ShinhanSessionSchema as { safeParse: unknown }).safeParse = (...args: Parameters<typeof parse>) => (parsed++, parse(...args));
    try {
      const session = providers.shinhan.parseSession({ provider: 'shinhan', order_no: 'T-1', redirect_url: 'https://payspg.shinhan.com/pgsvc/pay?t=1' }, ctx('shinhan'));
      expect(session.order_no).to.equal('T-1');
      expect(parsed, 'zod parses a valid session').to.equal(0);
      // Control: one the hand check refuses is parsed by zod, to name what is wrong.
      expect(() => providers.shinhan.parseSession({ provider: 'shinhan', order_no: 1 }, ctx('shinhan'))).to.throw(KpgError, 'order_no');
      expect(parsed).to.equal(1);
    } finally {
      (ShinhanSessionSchema as { safeParse: unknown }).safeParse = parse;
    }
  });
});

describe('the widget\'s units the flows do not reach', () => {
  it("the EUC-KR table's first pair: 갂 (CP949 8141) is sent in two bytes and is outside KS X 1001; 가 (B0A1) is inside; 😀 cannot be sent", () => {
    expect(byteLength('갂', 'EUC-KR')).to.deep.equal({ ok: true, bytes: 2 });
    expect(outsideKsX1001('갂가')).to.deep.equal(['갂']);
    expect(byteLength('가A', 'EUC-KR')).to.deep.equal({ ok: true, bytes: 3 });
    expect(byteLength('가😀', 'EUC-KR')).to.deep.equal({ ok: false, character: '😀' });
    // U+FFFD is what the decoder gives for a pair it cannot read: not a character EUC-KR can send.
    expect(byteLength('가\ufffd', 'EUC-KR')).to.deep.equal({ ok: false, character: '\ufffd' });
  });

  it('byteLength: a lone surrogate cannot be sent as UTF-8 (it would arrive as U+FFFD); a pair is one character of 4 bytes', () => {
    expect(byteLength('홍\ud800길', 'UTF-8')).to.deep.equal({ ok: false, character: '\ud800' });
    expect(byteLength('\udc00', 'UTF-8')).to.deep.equal({ ok: false, character: '\udc00' });
    expect(byteLength('홍길동😀', 'UTF-8')).to.deep.equal({ ok: true, bytes: 13 });
  });

  it("Shinhan's start on a PC: a checkout without script-src finds Shinhan's own script's API ready (loaded and checked before, under null) and has nothing to wait for", () => {
    const api = { RES_SUCCESS: 'OK', openPopup() {} };
    const ctx = (scriptSrc: string | null) => ({ device: 'pc', config: { scriptSrc } }) as unknown as Parameters<NonNullable<typeof shinhanStart.prepare>>[0];
    // Nothing may load here (Shinhan's real script is not reachable from a test): a script element is refused.
    const create = document.createElement;
    document.createElement = function (this: Document, tag: string, options?: ElementCreationOptions) {
      if (tag.toLowerCase() === 'script') throw new Error('no script may load in this test');
      return create.call(this, tag, options);
    } as typeof document.createElement;
    apis.set(null, api);
    try {
      expect(shinhanStart.prepare!(ctx(null))).to.equal(undefined);
    } finally {
      apis.delete(null);
      document.createElement = create;
    }
    apis.set('https://pg.example/script.js', api);
    try {
      expect(shinhanStart.prepare!(ctx('https://pg.example/script.js'))).to.equal(undefined);
    } finally {
      apis.delete('https://pg.example/script.js');
    }
  });
});
