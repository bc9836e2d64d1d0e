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
import { HttpError, json, mediaType, readBodyBytes } from './http.js';

/** What `authorizeStaff` answers: false (403), true, or who the staff member is (kept as requested_by / settled_by). */
export type StaffAnswer = boolean | { id: string };

export interface StaffDeps {
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

  /** CSRF first, then the shop's own check of who this is. */
  async function staffOf(c: Context): Promise<string> {
    await deps.ready();
    const request = c.req.raw;
    if (!deps.authorizeStaff) throw new HttpError(404, 'not-found', 'No kpg-checkout staff routes here (authorizeStaff is not configured).');
    if (request.headers.get(STAFF_HEADER) !== '1') {
      throw new HttpError(403, 'staff-header-missing', `Staff requests carry the header ${STAFF_HEADER}: 1 (a cross-site form cannot).`);
    }
    const origin = request.headers.get('origin');
    if (origin !== null && origin !== new URL(deps.publicBaseUrl).origin) throw new HttpError(403, 'cross-origin', `Staff requests come from ${new URL(deps.publicBaseUrl).origin} only.`);
    const site = request.headers.get('sec-fetch-site');
    if (site !== null && site !== 'same-origin' && site !== 'none') throw new HttpError(403, 'cross-origin', 'Staff requests come from the shop\'s own origin only.');
    const who = await deps.authorizeStaff({ request });
    if (who === true) return 'staff';
    if (who && typeof who === 'object' && typeof who.id === 'string' && who.id.trim()) return `staff:${who.id.trim().slice(0, 90)}`;
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

  app.post('/cancel', async (c) => {
    const by = await staffOf(c);
    const input = await body(c);
    return answer(await deps.cancels().cancel({ ...input, requested_by: by, client_ip: deps.clientIp(c.req.raw, c.env) }));
  });

  app.post('/cancel-due', async (c) => {
    const by = await staffOf(c);
    const { tid, ...input } = await body(c);
    return answer(await deps.cancels().cancelDue(tid, { ...input, requested_by: by, client_ip: deps.clientIp(c.req.raw, c.env) }));
  });

  app.post('/cancels/confirm', async (c) => {
    const by = await staffOf(c);
    const parsed = ConfirmSchema.safeParse(await body(c));
    if (!parsed.success) {
      const field = String(parsed.error.issues[0].path[0] ?? 'body');
      throw new HttpError(400, 'invalid-field', `${field}: cancel_id (a number), done (true or false), amount (won, optional), note (optional, at most 500 characters).`, field);
    }
    const { cancel_id, done, amount, note } = parsed.data;
    if (!done && amount !== undefined) throw new HttpError(400, 'invalid-field', 'amount goes with done: true only.', 'amount');
    const cancels = deps.cancels();
    return answer(done ? await cancels.confirmDone(cancel_id, { amount, by, note }) : await cancels.confirmNotDone(cancel_id, { by, note }));
  });

  app.post('/cancels/record', async (c) => {
    const by = await staffOf(c);
    return answer(await deps.cancels().recordCancel({ ...(await body(c)), requested_by: by }));
  });

  app.get('/cancels', async (c) => {
    await staffOf(c);
    const orderId = new URL(c.req.url).searchParams.get('order_id') ?? '';
    if (!/^[A-Za-z0-9_-]{1,30}$/.test(orderId)) throw new HttpError(400, 'invalid-field', 'order_id must be 1-30 characters of A-Z a-z 0-9 _ -.', 'order_id');
    const view = await deps.cancels().orderView(orderId);
    if (!view) throw new HttpError(404, 'no-payment', `Order ${orderId} has no payment.`, 'order_id');
    return json(200, view);
  });

  for (const [path, methods] of [['/cancel', 'POST'], ['/cancel-due', 'POST'], ['/cancels/confirm', 'POST'], ['/cancels/record', 'POST'], ['/cancels', 'GET']] as const) {
    app.all(path, () => json(405, { code: 'method-not-allowed', message: `Use ${methods}.` }, { Allow: methods }));
  }
  return app;
}
