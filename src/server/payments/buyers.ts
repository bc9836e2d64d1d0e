/**
 * The shop's order and the buyer binding: the order comes from the shop's `loadOrder` (never from the
 * browser), the caller must own it (`authorize`), and per-buyer limits count once the buyer is known.
 */
import { HttpError } from '../http.js';
import { requestContext, type Limiter } from '../limits.js';
import type { KpgOrder } from '../providers/types.js';
import { KpgOrderSchema } from '../schemas.js';
import type { Attempt } from '../store/types.js';
import { TEXTS } from '../texts.js';
import type { PaymentsContext } from './context.js';

export async function orderOf(ctx: PaymentsContext, request: Request, orderId: string): Promise<KpgOrder | undefined> {
  if (!ctx.loadOrder) throw new Error('kpg server: loadOrder is not configured');
  const order = await ctx.loadOrder({ request, order_id: orderId });
  if (order === null || order === undefined) return undefined;
  // A shop that keeps its orders in memory hands back the same object each time: checked once (issue 26).
  if (typeof order === 'object' && CHECKED.has(order)) return checkedId(order, orderId);
  const checked = KpgOrderSchema.safeParse(order);
  if (!checked.success) {
    // Each field to fix; a rule between fields (the tax-free part within the amount) says which rule.
    const fields = checked.error.issues
      .map((i) => {
        const field = i.path.join('.');
        return i.code === 'custom' ? `${field}: ${i.message}` : field;
      })
      .join(', ');
    throw new Error(`kpg server: loadOrder returned an invalid order for ${orderId} (${fields}): order_id (the one asked for), amount (whole won), product_name (1-200), buyer.id and buyer.name (1-100) are required`);
  }
  CHECKED.add(order);
  return checkedId(order, orderId);
}

/** Orders loadOrder returned that KpgOrderSchema accepted (the same object is not parsed again). */
const CHECKED = new WeakSet<object>();

function checkedId(order: KpgOrder, orderId: string): KpgOrder {
  if (order.order_id !== orderId) throw new Error(`kpg server: loadOrder(${orderId}) returned order ${order.order_id}`);
  // buyer.id as a number (an integer key): the payment module and the PGs take it as its digits; the shop's
  // object is left as it is.
  const id: unknown = order.buyer.id;
  return typeof id === 'number' ? { ...order, buyer: { ...order.buyer, id: String(id) } } : order;
}

export async function authorized(ctx: PaymentsContext, request: Request, order: KpgOrder): Promise<void> {
  if (!ctx.authorize) throw new Error('kpg server: authorize is not configured');
  if ((await ctx.authorize({ request, order })) !== true) throw new HttpError(403, 'forbidden', TEXTS.forbidden);
}

/**
 * The order behind an attempt, if the caller owns it (result-url, receipts, window-closed). `notFound` makes
 * the 404 only when it is answered (an Error with its stack costs more than the read it would refuse).
 */
export async function ownedAttempt(ctx: PaymentsContext, request: Request, attempt: Attempt | undefined, notFound: () => HttpError, owned?: (order: KpgOrder) => void): Promise<Attempt> {
  if (!attempt || !ctx.providers[attempt.provider]) throw notFound();
  const order = await orderOf(ctx, request, attempt.order_id);
  if (!order) throw notFound();
  await authorized(ctx, request, order);
  owned?.(order);
  return attempt;
}

/**
 * Counts a request against its buyer's limit (known once loadOrder + authorize accepted the caller) and,
 * with `address`, its address's (for a call app.ts does not count itself); the seconds to wait, or undefined.
 */
export function overLimit(limiter: Limiter | undefined, order: KpgOrder, options: { address?: boolean } = {}): number | undefined {
  if (!limiter) return undefined;
  let wait = limiter.hit(`buyer:${order.buyer.id}`);
  const source = options.address ? requestContext.getStore()?.source : undefined;
  if (source !== undefined) wait = Math.max(wait ?? 0, limiter.hit(`addr:${source}`) ?? 0) || undefined;
  return wait;
}

/** A per-buyer limit that refuses the request (429 rate-limited, Retry-After). */
export function admit(limiter: Limiter | undefined, order: KpgOrder) {
  const wait = overLimit(limiter, order);
  if (wait !== undefined) throw new HttpError(429, 'rate-limited', TEXTS.rateLimited, undefined, {}, { 'Retry-After': String(wait) });
}
