/**
 * The routes, on Hono, and thin: each reads and validates its input (one schema per shape), calls the
 * payment module, and answers. One error handler renders every HttpError the way its route's caller reads
 * it: JSON for the widget, a small page for the buyer's browser (sent by a PG), plain text for a PG server.
 *
 *   POST {base}/session            widget: start a payment            JSON
 *   GET  {base}/result?order_no=   widget: what was recorded          JSON
 *   POST {base}/result             widget: {order_no, event: "window-closed"}
 *   GET  {base}/cards?pgcode=      widget: Shinhan's card list (cached, rate-limited)
 *   GET  {base}/terms?pgcode=      widget: Shinhan's terms and their hash (issue 25; cached, rate-limited)
 *   GET  {base}/receipt?tid=       widget: a receipt of a paid attempt the caller owns
 *   POST {base}/shinhan/return     browser, sent by Shinhan (return_url): confirm + verify   page / 303
 *   GET  {base}/shinhan/cancel     browser, sent by Shinhan (cancel_url)                      page / 303
 *   GET  {base}/shinhan/fail       browser, sent by Shinhan (fail_url)                        page / 303
 *   POST {base}/smartro/return     browser, sent by Smartro (ReturnURL)                       page / 303
 *   POST {base}/smartro/retry      Smartro's server (RetryURL)                                text OK
 *   GET|POST {base}/smartro/stop   browser, mobile cancel (StopURL)                           303
 *   {base}/staff/...               the shop's staff (issue 22, staff.ts): cancels            JSON
 *   GET  {base}/openapi.json       the OpenAPI 3.1 document of all of these (openapi.ts)     JSON
 */
import { Hono, type Context } from 'hono';
import { ERROR_FORMS, HttpError, json, jsonText, mediaType, page, readBodyBytes, redirect, returnPage, text, withOrderNo, type ErrorForm } from './http.js';
import { clientKey, requestContext, type Limiter } from './limits.js';
import { errorText, type Logger } from './log.js';
import type { Payments } from './payments/index.js';
import { parseResultForm } from './providers/smartro-form.js';
import {
  CardsQuerySchema,
  OrderNoQuerySchema,
  ReceiptQuerySchema,
  ResultEventSchema,
  SessionBodySchema,
  ShinhanFailSchema,
  ShinhanReturnSchema,
  SmartroResultSchema,
  TermsQuerySchema,
  parseOr400,
} from './schemas.js';
import { createStaffRoutes, type StaffDeps } from './staff.js';
import type { Attempt } from './store/types.js';
import { TEXTS, reportedFailCode } from './texts.js';

/**
 * What an adapter passes with each request: the client's address (the Node adapter: the socket's; Hono:
 * `getConnInfo(c).remote.address`; see docs/server.md "Rate limits and the client's address").
 */
export interface KpgEnv {
  clientIp?: string;
}

type Env = { Bindings: KpgEnv; Variables: { kind: ErrorForm } };

export interface AppDeps {
  basePath: string;
  publicBaseUrl: string;
  payments: Payments;
  log: Logger;
  /** Every reply is redacted as http.ts builds it (issue 26; kpg.fetch redacts any other). */
  redact: (text: string) => string;
  bodyTimeoutMs: number;
  returnScriptUrl: string;
  /**
   * Per client address (and, inside payments, per buyer): `session` starts, `cards`, `lookups` (receipts and
   * the window-closed Moid lookup: PG calls), and `refusals` (refused requests per source on the PG routes).
   */
  limits: { session?: Limiter; cards?: Limiter; lookups?: Limiter; refusals?: Limiter };
  /** The client's address, or undefined when the runtime does not say (never a made-up shared one). */
  clientIp(request: Request, env: KpgEnv | undefined): string | undefined;
  /** Resolves when the store is migrated; every route waits for it. */
  ready(): Promise<void>;
  /** Shinhan / Smartro configured? Their routes answer 404 otherwise. */
  providers: { shinhan: boolean; smartro: boolean };
  /** The staff routes (issue 22) and the staff console's (issue 23). */
  staff: Omit<StaffDeps, 'clientIp' | 'bodyTimeoutMs' | 'ready'>;
  /** GET {base}/openapi.json (issue 24, item 10): the document, made once when first asked. */
  openApi?(): Record<string, unknown>;
}

export function createApp(deps: AppDeps) {
  const app = new Hono<Env>().basePath(deps.basePath);

  const kind = (k: ErrorForm) => async (c: Context<Env>, next: () => Promise<void>) => {
    c.set('kind', k);
    await deps.ready();
    await next();
  };
  const query = (c: Context<Env>) => Object.fromEntries(new URL(c.req.url).searchParams);
  let warned = false;
  /** The caller's limit key: its address (an IPv6 client's /64), or undefined, said once in the log. */
  const source = (c: Context<Env>): string | undefined => {
    const key = clientKey(deps.clientIp(c.req.raw, c.env));
    if (key === undefined && !warned) {
      warned = true;
      deps.log.write({
        event: 'config',
        level: 'warn',
        message:
          "The client's address is not known (no adapter passed env.clientIp, no clientIp option): limits are kept per buyer only, and the PG routes are not limited. See docs/server.md \"Rate limits and the client's address\".",
      });
    }
    return key;
  };
  /** Shinhan's confirm requires ip_addr: the address when known, else the document-shaped "0.0.0.0" (no limit uses it). */
  const ip = (c: Context<Env>) => deps.clientIp(c.req.raw, c.env) || '0.0.0.0';
  const bytes = (c: Context<Env>) => readBodyBytes(c.req.raw, { timeoutMs: deps.bodyTimeoutMs });

  async function readJson(c: Context<Env>): Promise<unknown> {
    if (mediaType(c.req.raw) !== 'application/json') throw new HttpError(415, 'unsupported-media-type', 'Send the body as application/json.');
    const body = await bytes(c);
    try {
      return JSON.parse(Buffer.from(body).toString('utf8'));
    } catch {
      throw new HttpError(400, 'bad-json', 'The body is not valid JSON.');
    }
  }

  const tooMany = (wait: number) => new HttpError(429, 'rate-limited', TEXTS.rateLimited, undefined, {}, { 'Retry-After': String(wait) });

  /** Counts the request against its client address's limit (when the address is known: no shared bucket). */
  function limit(limiter: Limiter | undefined, c: Context<Env>) {
    const key = source(c);
    const wait = key === undefined ? undefined : limiter?.hit(`addr:${key}`);
    if (wait !== undefined) throw tooMany(wait);
  }

  /** PG routes: a source over its budget of REFUSED requests is turned away (accepted results never count). */
  function refusalBudget(c: Context<Env>) {
    const key = source(c);
    const wait = key === undefined ? undefined : deps.limits.refusals?.peek(key);
    if (wait !== undefined) throw tooMany(wait);
  }

  function need(provider: 'shinhan' | 'smartro') {
    if (!deps.providers[provider]) throw new HttpError(404, 'unsupported-provider', `This shop does not take ${provider} payments.`);
  }

  /**
   * PC: the PG ran in a popup; Shinhan's closes itself, Smartro's loads the return script. Mobile: back to
   * the shop page, with the order_no in the URL (contract v2: it may come back in another browser).
   */
  function replyToBrowser(attempt: Attempt | undefined): Response {
    if (!attempt) return page(400, { title: '결제 오류', text: '알 수 없는 결제 요청입니다. 쇼핑몰에 문의해 주세요.', closeWindow: false });
    if (attempt.device_type === 1) return redirect(withOrderNo(attempt.return_to ?? `${deps.publicBaseUrl}/`, attempt.order_no));
    if (attempt.provider === 'smartro') return returnPage(attempt.order_no, deps.returnScriptUrl);
    return page(200, { title: '결제 결과 전달 중', text: '결제 결과를 쇼핑몰 창으로 전달하고 있습니다. 이 창이 닫히지 않으면 직접 닫아 주세요.', closeWindow: true });
  }

  // Every request runs with its source known to the payment module (refusals per source, per-address limits).
  app.use('*', async (c, next) => {
    const key = source(c);
    const refusals = deps.limits.refusals;
    await requestContext.run({ source: key, onRefusal: key === undefined || !refusals ? undefined : () => void refusals.hit(key), redact: deps.redact }, next);
  });

  // ----------------------------------------------------------------------------- widget (JSON)
  app.use('/session', kind('json'));
  app.use('/result', kind('json'));
  app.use('/cards', kind('json'));
  app.use('/terms', kind('json'));
  app.use('/receipt', kind('json'));

  app.post('/session', async (c) => {
    // Counted once the body is a session request (issue 19, item 1): per address here, per buyer once
    // authorize has said who it is (payments).
    const body = parseOr400(SessionBodySchema, await readJson(c));
    limit(deps.limits.session, c);
    return json(200, await deps.payments.startSession(c.req.raw, body));
  });

  app.get('/result', async (c) => {
    const { order_no } = parseOr400(OrderNoQuerySchema, query(c));
    return json(200, await deps.payments.result(c.req.raw, order_no));
  });

  app.post('/result', async (c) => {
    const { order_no } = parseOr400(ResultEventSchema, await readJson(c));
    return json(200, await deps.payments.windowClosed(c.req.raw, order_no));
  });

  app.get('/cards', async (c) => {
    need('shinhan');
    const { pgcode } = parseOr400(CardsQuerySchema, query(c));
    limit(deps.limits.cards, c);
    const list = await deps.payments.cardList(pgcode);
    if (!list.ok) throw new HttpError(502, list.code, list.message);
    // The same for every buyer of this shop (cached here), but ours: no shared caches.
    return jsonText(200, list.text, { 'Cache-Control': 'private, max-age=60' });
  });

  // Issue 25: the PG's terms for a pgcode the shop offers (cached and limited like the card list).
  app.get('/terms', async (c) => {
    need('shinhan');
    const { pgcode } = parseOr400(TermsQuerySchema, query(c));
    limit(deps.limits.cards, c);
    const terms = await deps.payments.terms(pgcode);
    if (!terms.ok) throw new HttpError(502, terms.code, terms.message);
    return jsonText(200, terms.text, { 'Cache-Control': 'private, max-age=60' });
  });

  app.get('/receipt', async (c) => {
    const { tid } = parseOr400(ReceiptQuerySchema, query(c));
    limit(deps.limits.lookups, c);
    return json(200, await deps.payments.receipt(c.req.raw, tid));
  });

  // ----------------------------------------------------------------------------- Shinhan (pages)
  // The PG's routes answer an error as a page or as text (http.ts ERROR_FORMS: the OpenAPI document reads it too).
  for (const [path, form] of ERROR_FORMS) app.use(path, kind(form));

  app.post('/shinhan/return', async (c) => {
    need('shinhan');
    refusalBudget(c);
    const body = await bytes(c);
    const textBody = Buffer.from(body).toString('utf8');
    let raw: unknown;
    if (mediaType(c.req.raw) === 'application/json') {
      // The document prints its example as JSON: accepted too.
      try {
        raw = JSON.parse(textBody);
      } catch {
        // Not JSON: raw stays undefined, which the schema below refuses.
      }
    } else raw = Object.fromEntries(new URLSearchParams(textBody));
    const form = ShinhanReturnSchema.safeParse(raw);
    if (!form.success) {
      const named = (raw as { order_no?: unknown } | null | undefined)?.order_no; // a primitive has no order_no either
      const orderNo = typeof named === 'string' ? named.slice(0, 64) : undefined;
      await deps.payments.refuse('shinhan/return', 'bad-return', 'The return_url body is malformed.', undefined, orderNo);
      return replyToBrowser(undefined);
    }
    return replyToBrowser(await deps.payments.shinhanReturn(form.data, ip(c)));
  });

  app.get('/shinhan/cancel', async (c) => {
    need('shinhan');
    refusalBudget(c);
    const { order_no } = parseOr400(OrderNoQuerySchema, query(c));
    return replyToBrowser(await deps.payments.browserReport('shinhan/cancel', order_no, 'shinhan', { status: 'cancelled', code: 'buyer-cancelled' }));
  });

  app.get('/shinhan/fail', async (c) => {
    need('shinhan');
    refusalBudget(c);
    const q = parseOr400(ShinhanFailSchema, query(c));
    // A code from a fixed list only (issue 19, item 12); the caller's code and text go to the log (fault 6).
    const code = reportedFailCode(q.ret_code);
    const said = q.ret_code || q.ret_msg ? `ret_code ${q.ret_code ?? '-'}${q.ret_msg ? `: ${q.ret_msg}` : ''}` : undefined;
    return replyToBrowser(await deps.payments.browserReport('shinhan/fail', q.order_no, 'shinhan', { status: 'failed', code, said }));
  });

  // ----------------------------------------------------------------------------- Smartro
  async function smartroForm(c: Context<Env>) {
    const fields = parseResultForm(await bytes(c), c.req.header('content-type') ?? '');
    const present = Object.fromEntries(Object.entries(fields).filter(([, v]) => v.trim() !== ''));
    return SmartroResultSchema.safeParse(present);
  }

  app.post('/smartro/return', async (c) => {
    need('smartro');
    refusalBudget(c);
    const form = await smartroForm(c);
    if (!form.success) {
      await deps.payments.refuse('smartro/return', 'bad-return', 'The result form is malformed.');
      return replyToBrowser(undefined);
    }
    // The buyer's browser: the page is the same whatever was decided (the shop page asks result-url).
    const { attempt } = await deps.payments.smartroResult('smartro/return', form.data, { waitForOthers: false });
    return replyToBrowser(attempt);
  });

  app.post('/smartro/retry', async (c) => {
    need('smartro');
    refusalBudget(c);
    const form = await smartroForm(c);
    if (!form.success) {
      await deps.payments.refuse('smartro/retry', 'bad-return', 'The result form is malformed.');
      return text(400, 'REFUSED bad-return');
    }
    // Smartro repeats RetryURL until it reads 200 "OK" (guide 6.24): OK once recorded (or already),
    // 503 when it could not be verified yet (the next try may record it), 400 when refused.
    const { outcome } = await deps.payments.smartroResult('smartro/retry', form.data, { waitForOthers: true });
    if (outcome.recorded) return text(200, 'OK');
    return outcome.retryLater ? text(503, `RETRY ${outcome.code}`) : text(400, `REFUSED ${outcome.code}`);
  });

  app.on(['GET', 'POST'], '/smartro/stop', async (c) => {
    need('smartro');
    refusalBudget(c);
    await c.req.raw.body?.cancel().catch(() => {}); // order_no is in the StopURL we built
    const { order_no } = parseOr400(OrderNoQuerySchema, query(c));
    return replyToBrowser(await deps.payments.browserReport('smartro/stop', order_no, 'smartro', { status: 'cancelled', code: 'buyer-cancelled' }));
  });

  // ----------------------------------------------------------------------------- staff (issue 22, staff.ts)
  app.route('/staff', createStaffRoutes({ ...deps.staff, clientIp: (request, env) => deps.clientIp(request, env as KpgEnv | undefined), bodyTimeoutMs: deps.bodyTimeoutMs, ready: deps.ready }));

  // ----------------------------------------------------------------------------- the OpenAPI document (openapi.ts)
  let openApi: string | undefined;
  app.get('/openapi.json', () => jsonText(200, (openApi ??= JSON.stringify(deps.openApi?.() ?? {})), { 'Cache-Control': 'public, max-age=300' }));

  // ----------------------------------------------------------------------------- wrong methods, the rest
  const allow: Array<[string, string]> = [
    ['/session', 'POST'], ['/result', 'GET, POST'], ['/cards', 'GET'], ['/terms', 'GET'], ['/receipt', 'GET'], ['/shinhan/return', 'POST'],
    ['/shinhan/cancel', 'GET'], ['/shinhan/fail', 'GET'], ['/smartro/return', 'POST'], ['/smartro/retry', 'POST'], ['/smartro/stop', 'GET, POST'], ['/openapi.json', 'GET'],
  ];
  for (const [path, methods] of allow) {
    app.all(path, () => json(405, { code: 'method-not-allowed', message: `Use ${methods}.` }, { Allow: methods }));
  }
  app.notFound(() => json(404, { code: 'not-found', message: 'No such kpg-checkout route.' }));

  app.onError((error, c) => {
    const k: ErrorForm = c.get('kind') ?? 'json';
    let httpError: HttpError;
    if (error instanceof HttpError) httpError = error;
    else {
      deps.log.write({ event: 'error', level: 'error', where: new URL(c.req.url).pathname, message: errorText(error) });
      httpError = new HttpError(500, 'internal-error', 'Internal error.');
    }
    const headers = httpError.headers;
    let response: Response;
    if (k === 'json') response = json(httpError.status, httpError.toJSON(), headers);
    else if (k === 'text') response = text(httpError.status, `ERROR ${httpError.code}`, headers);
    else response = page(httpError.status, { title: '결제 오류', text: `결제 처리 중 오류가 발생했습니다 (${httpError.code}).`, closeWindow: false });
    for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    return response;
  });

  return app;
}
