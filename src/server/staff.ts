/**
 * The staff routes (issue 22; the staff console, issue 23, builds on them): giving money back and settling
 * what is unknown. Their own module, guarded by the shop's `authorizeStaff({ request })`, never by the buyers'
 * `authorize`. JSON only.
 *
 *   POST {base}/staff/cancel                 {order_id, amount?, taxfree_amount?, reason, refund_account?, idempotency_key}
 *   POST {base}/staff/cancel-due             {tid, reason, refund_account?, idempotency_key}      a refund_due entry
 *   POST {base}/staff/cancels/confirm        {cancel_id, done: true | false, amount?, note?}      staff checked the PG's admin site
 *   POST {base}/staff/cancels/record         {order_id, amount, reason, idempotency_key, pg_cancel_id?}   made elsewhere
 *   GET  {base}/staff/cancels?order_id=      the order's payment: refunded_total, balance, every cancel
 *   ... and the staff console's (issue 23, staff-console.ts; docs/staff-api.md): me, orders, orders/{id},
 *   receipt, refunds-due (+ resolve), deliveries (+ retry), reconcile, audit.
 *
 * Every POST that passes the guard is an action written to the audit table (kpg_staff_audit, migration 008):
 * who, which route, the body (a refund account number masked), when, and the answer's status and code,
 * also when it was refused (400, 409) or failed.
 *
 * Cross-site requests cannot use them, even with the staff's cookies: every request must carry the header
 * `X-KPG-Staff: 1` (a cross-site form cannot send a custom header, and a cross-site fetch that tries is
 * stopped by the browser's CORS preflight, which these routes never answer), a POST must be
 * `application/json`, and an `Origin` or `Sec-Fetch-Site` header, when the browser sends one, must say the
 * request comes from the shop's own origin (publicBaseUrl).
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { Cancels, CancelAnswer } from './cancels.js';
import { readFile } from 'node:fs/promises';
import { escapeHtml, HttpError, json, mediaType, readBodyBytes } from './http.js';
import { addConsoleRoutes, type ConsoleDeps, type Handled } from './staff-console.js';
import { lastFour } from './redact.js';
import { ORDER_ID, ORDER_ID_RULE } from './schemas.js';

/** What `authorizeStaff` answers: false (403), true, or who the staff member is (kept as requested_by / settled_by). */
export type StaffAnswer = boolean | { id: string };

export interface StaffDeps extends ConsoleDeps {
  publicBaseUrl: string;
  authorizeStaff?: (args: { request: Request }) => StaffAnswer | Promise<StaffAnswer>;
  cancels(): Cancels;
  clientIp(request: Request, env: unknown): string | undefined;
  bodyTimeoutMs: number;
  ready(): Promise<void>;
}

export const STAFF_HEADER = 'X-KPG-Staff';

/** POST staff/cancels/confirm (exported for the OpenAPI document, openapi.ts). */
export const ConfirmSchema = z.object({
  cancel_id: z.number().int().positive(),
  done: z.boolean(),
  amount: z.number().int().positive().max(999_999_999_999).optional(),
  note: z.string().trim().min(1).max(500).optional(),
});

export function createStaffRoutes(deps: StaffDeps) {
  const app = new Hono<{ Bindings: { clientIp?: string } }>();

  /** Without authorizeStaff there is no console: every staff route, the page and its script are 404. */
  const noStaff = () => new HttpError(404, 'not-found', 'No kpg-checkout staff routes here (authorizeStaff is not configured).');

  /** CSRF first, then the shop's own check of who this is. */
  async function staffOf(c: Context): Promise<string> {
    await deps.ready();
    const request = c.req.raw;
    if (!deps.authorizeStaff) throw noStaff();
    if (request.headers.get(STAFF_HEADER) !== '1') {
      throw new HttpError(403, 'staff-header-missing', `Staff requests carry the header ${STAFF_HEADER}: 1 (a cross-site form cannot).`);
    }
    const origin = request.headers.get('origin');
    if (origin !== null && origin !== new URL(deps.publicBaseUrl).origin) throw new HttpError(403, 'cross-origin', `Staff requests come from ${new URL(deps.publicBaseUrl).origin} only.`);
    const site = request.headers.get('sec-fetch-site');
    if (site !== null && site !== 'same-origin' && site !== 'none') throw new HttpError(403, 'cross-origin', 'Staff requests come from the shop\'s own origin only.');
    const who = await deps.authorizeStaff({ request });
    if (who === true) return 'staff';
    // (A JavaScript shop may answer anything: only an object with a non-blank text id names someone.)
    const id = (who as { id?: unknown } | null | undefined)?.id;
    if (typeof id === 'string' && id.trim()) return `staff:${id.trim().slice(0, 90)}`;
    throw new HttpError(403, 'forbidden', 'Staff only.');
  }

  async function body(c: Context): Promise<Record<string, unknown>> {
    if (mediaType(c.req.raw) !== 'application/json') throw new HttpError(415, 'unsupported-media-type', 'Send the body as application/json.');
    const bytes = await readBodyBytes(c.req.raw, { timeoutMs: deps.bodyTimeoutMs });
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch {
      throw new HttpError(400, 'bad-json', 'The body is not valid JSON.');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new HttpError(400, 'invalid-body', 'The body must be a JSON object.');
    return parsed as Record<string, unknown>;
  }

  /** done 200, unknown 202 (settled later), refused 409. */
  const answer = (a: CancelAnswer) => json(a.status === 'done' ? 200 : a.status === 'unknown' ? 202 : 409, a);

  /** A refund account's number is kept masked in the audit table, like everywhere staff read it. */
  function auditBody(input: Record<string, unknown>): string {
    const copy: Record<string, unknown> = { ...input };
    const account = copy.refund_account;
    if (account && typeof account === 'object' && !Array.isArray(account)) {
      const no = (account as Record<string, unknown>).account_no;
      copy.refund_account = { ...account, ...(typeof no === 'string' ? { account_no: lastFour(no) } : {}) };
    }
    const text = JSON.stringify(copy);
    return text.length > 4000 ? `${text.slice(0, 3990)}...` : text;
  }

  /**
   * The answer in a few words: a cancel's status, amount and code, else what it counted or did. (Every cancel
   * answer has a status and an amount, refusals too; a refusal thrown as an error is written by post()'s catch
   * with its code.)
   */
  async function auditAnswer(response: Response): Promise<string | null> {
    try {
      const a = (await response.clone().json()) as Record<string, unknown>;
      const words =
        typeof a.status === 'string' && typeof a.cancelled_amount === 'number' ? `${a.status} ${a.cancelled_amount}${typeof a.code === 'string' ? ` ${a.code}` : ''}`
        : typeof a.requeued === 'number' ? `requeued ${a.requeued}`
        : a.resolved === true ? 'resolved'
        : typeof a.ran === 'boolean' ? (a.ran ? 'ran' : 'not run: already running')
        : null;
      return words?.slice(0, 200) ?? null;
    } catch {
      return null;
    }
  }

  const ORDER = /^[A-Za-z0-9_-]{1,64}$/;

  /** A POST route: the guard, the JSON body, the action, and its audit row whatever happened. */
  function post(path: string, handle: (input: Record<string, unknown>, by: string, c: Context, about: (orderId: string | null | undefined) => void) => Promise<Handled>) {
    app.post(path, async (c) => {
      const by = await staffOf(c);
      const at = deps.now().toISOString();
      let input: Record<string, unknown> | undefined;
      let orderId: string | null = null;
      const write = async (status: number, answerText: string | null) => {
        if (orderId === null && typeof input?.order_id === 'string' && ORDER.test(input.order_id)) orderId = input.order_id;
        await (await deps.store()).audit({ at, staff: by, action: path.slice(1), order_id: orderId, request: input ? auditBody(input) : null, http_status: status, answer: answerText });
      };
      try {
        input = await body(c);
        const handled = await handle(input, by, c, (id) => {
          orderId = id ?? null;
        });
        orderId = handled.orderId ?? orderId;
        await write(handled.response.status, await auditAnswer(handled.response));
        return handled.response;
      } catch (error) {
        await write(error instanceof HttpError ? error.status : 500, error instanceof HttpError ? error.code : 'error').catch(() => {});
        throw error;
      }
    });
  }

  /** The order a cancel or a refund_due entry is about (the audit row names it). */
  async function orderOfCancel(cancelId: unknown): Promise<string | null> {
    return typeof cancelId === 'number' && Number.isSafeInteger(cancelId) && cancelId > 0 ? ((await (await deps.store()).getCancel(cancelId))?.order_id ?? null) : null;
  }
  async function orderOfDue(tid: unknown): Promise<string | null> {
    if (typeof tid !== 'string') return null;
    return (await (await deps.store()).refundsDue({ includeResolved: true })).find((d) => d.tid === tid)?.order_id ?? null;
  }

  post('/cancel', async (input, by, c) => ({
    response: answer(await deps.cancels().cancel({ ...input, requested_by: by, client_ip: deps.clientIp(c.req.raw, c.env) })),
  }));

  post('/cancel-due', async ({ tid, ...input }, by, c) => {
    const orderId = await orderOfDue(tid);
    return { response: answer(await deps.cancels().cancelDue(tid, { ...input, requested_by: by, client_ip: deps.clientIp(c.req.raw, c.env) })), orderId };
  });

  post('/cancels/confirm', async (input, by) => {
    const parsed = ConfirmSchema.safeParse(input);
    if (!parsed.success) {
      // The body is an object (post() refuses anything else), so every issue names its field.
      const field = String(parsed.error.issues[0].path[0]);
      throw new HttpError(400, 'invalid-field', `${field}: cancel_id (a number), done (true or false), amount (won, optional), note (optional, at most 500 characters).`, field);
    }
    const { cancel_id, done, amount, note } = parsed.data;
    if (!done && amount !== undefined) throw new HttpError(400, 'invalid-field', 'amount goes with done: true only.', 'amount');
    const cancels = deps.cancels();
    const orderId = await orderOfCancel(cancel_id);
    return { response: answer(done ? await cancels.confirmDone(cancel_id, { amount, by, note }) : await cancels.confirmNotDone(cancel_id, { by, note })), orderId };
  });

  post('/cancels/record', async (input, by) => ({ response: answer(await deps.cancels().recordCancel({ ...input, requested_by: by })) }));

  app.get('/cancels', async (c) => {
    await staffOf(c);
    const orderId = new URL(c.req.url).searchParams.get('order_id') ?? '';
    if (!ORDER_ID.test(orderId)) throw new HttpError(400, 'invalid-field', ORDER_ID_RULE, 'order_id');
    const view = await deps.cancels().orderView(orderId);
    if (!view) throw new HttpError(404, 'no-payment', `Order ${orderId} has no payment.`, 'order_id');
    return json(200, view);
  });

  // Issue 23: the console as a ready page, for shops without an admin of their own (GET {base}/staff/), and its
  // script from the package (dist/kpg-admin.js). A browser's navigation sends no custom header, so these two
  // take none; they hold no data (everything the page shows comes through the guarded routes below).
  const consolePage = (c: Context) => {
    if (!deps.authorizeStaff) throw noStaff();
    const api = new URL(c.req.url).pathname.replace(/\/+$/, '');
    return new Response(consoleHtml(api), {
      status: 200,
      headers: {
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        // Its own script only; requests to this origin only; no one frames it.
        'Content-Security-Policy': "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
      },
    });
  };
  // {base}/staff and {base}/staff/ (a sub-app's '/' is the path without its slash; this pattern is the one with it).
  app.get('/', consolePage);
  app.get('/:slash{/?}', consolePage);
  app.get('/kpg-admin.js', async () => {
    if (!deps.authorizeStaff) throw noStaff();
    const code = await readFile(new URL('../kpg-admin.js', import.meta.url), 'utf8').catch(() => undefined);
    if (code === undefined) throw new HttpError(404, 'not-built', 'dist/kpg-admin.js is missing: run npm run build.');
    return new Response(code, { status: 200, headers: { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' } });
  });

  // Issue 23: the console's routes, behind the same guard; their POSTs audited the same way.
  const gets: string[] = [];
  const posts: string[] = ['/cancel', '/cancel-due', '/cancels/confirm', '/cancels/record'];
  addConsoleRoutes(
    {
      get(path, handler) {
        gets.push(path);
        app.get(path, async (c) => handler(c, await staffOf(c)));
      },
      post(path, handler) {
        posts.push(path);
        post(path, handler);
      },
    },
    deps,
  );

  // Every path answers a method it does not take with 405 and Allow, the console's page and script too.
  for (const [path, methods] of [...posts.map((p) => [p, 'POST']), ...['/cancels', ...gets, '/', '/:slash{/?}', '/kpg-admin.js'].map((p) => [p, 'GET'])]) {
    app.all(path, () => json(405, { code: 'method-not-allowed', message: `Use ${methods}.` }, { Allow: methods }));
  }
  return app;
}

/** The ready page: the console on the staff routes at `api` (this page's own path, without its slash). */
function consoleHtml(api: string): string {
  return `<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kpg-checkout: 직원 콘솔</title>
</head>
<body style="margin:0 auto;max-width:1280px;padding:16px">
<kpg-admin api-url="${escapeHtml(api)}"></kpg-admin>
<script src="${escapeHtml(api)}/kpg-admin.js"></script>
</body>
</html>
`;
}
