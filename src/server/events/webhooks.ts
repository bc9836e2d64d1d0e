/**
 * Signed webhooks (issue 21), for shops whose order system is another service: the Standard Webhooks spec
 * (https://www.standardwebhooks.com, as PortOne and Svix send them), signed and verified with its reference
 * library `standardwebhooks`, never with HMAC code of our own.
 *
 *   POST <url>   content-type: application/json
 *   webhook-id: evt_...            the event's id: receivers dedupe by it
 *   webhook-timestamp: 1767225600  seconds, when this attempt was sent (receivers refuse one 5 minutes off)
 *   webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>" with the secret's key>
 *   {"type":"payment.paid","timestamp":"2026-...Z","data":{...the attempt as result-url answers it}}
 *
 * Only a 2xx answer counts as delivered; a redirect is a failure (never followed: the relay posts only to the
 * URL the shop configured); each POST is bounded by the relay's timeout. Secrets are `whsec_` + base64 of 24
 * to 64 random bytes; they never reach the database, a log line or a reply (the redactor has them).
 */
import { createHash } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { WebhookPayloadSchema } from '../schemas.js';
import type { RelayTarget } from './relay.js';
import type { KpgEvent } from './types.js';

export { WebhookVerificationError };

export interface WebhookOptions {
  /** Where to POST (http or https). */
  url: string;
  /** `whsec_` + base64 of 24 to 64 random bytes, e.g. `'whsec_' + crypto.randomBytes(32).toString('base64')`. */
  secret: string;
}

/** The stable target id of a webhook URL: `wh_` + 16 hex of its SHA-256 (a new URL is a new target). */
export function webhookTargetId(url: string): string {
  return `wh_${createHash('sha256').update(url).digest('hex').slice(0, 16)}`;
}

const SECRET = /^whsec_([A-Za-z0-9+/]+={0,2})$/;

/** Checks the `webhooks` option; throws naming what is wrong (never printing a secret). */
export function checkWebhooks(value: unknown): WebhookOptions[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error('kpg server: webhooks must be a list of { url, secret }');
  const seen = new Set<string>();
  return value.map((hook: unknown, i) => {
    const { url, secret } = (hook ?? {}) as Partial<WebhookOptions>;
    let parsed: URL | undefined;
    try {
      parsed = new URL(String(url));
    } catch {
      parsed = undefined;
    }
    if (typeof url !== 'string' || !parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
      throw new Error(`kpg server: webhooks[${i}].url must be an http(s) URL`);
    }
    if (parsed.username || parsed.password) throw new Error(`kpg server: webhooks[${i}].url must not carry credentials: the signature is the proof`);
    const m = typeof secret === 'string' ? SECRET.exec(secret) : null;
    const bytes = m ? Buffer.from(m[1], 'base64').length : 0;
    if (!m || bytes < 24 || bytes > 64) {
      throw new Error(`kpg server: webhooks[${i}].secret must be "whsec_" + base64 of 24 to 64 random bytes (e.g. 'whsec_' + crypto.randomBytes(32).toString('base64'))`);
    }
    if (seen.has(url)) throw new Error(`kpg server: webhooks[${i}].url is listed twice`);
    seen.add(url);
    return { url, secret: secret as string };
  });
}

/** The body of a webhook: `{type, timestamp, data}` (Standard Webhooks' payload shape). */
export function webhookBody(event: KpgEvent): string {
  return JSON.stringify({ type: event.type, timestamp: event.created_at, data: event.data });
}

/** The Standard Webhooks headers for one attempt, signed at `at`. */
export function signWebhook(secret: string, event: KpgEvent, body: string, at: Date): Record<string, string> {
  return {
    'webhook-id': event.id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(event.id, at, body),
  };
}

/** A webhook as a relay target: one signed POST per attempt. */
export function webhookTarget(hook: WebhookOptions, now: () => Date): RelayTarget {
  return {
    id: webhookTargetId(hook.url),
    url: hook.url,
    async send(event, signal) {
      const body = webhookBody(event);
      let response: Response;
      try {
        response = await fetch(hook.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'kpg-checkout-webhooks', ...signWebhook(hook.secret, event, body, now()) },
          body,
          redirect: 'manual',
          signal,
        });
      } catch (error) {
        // "fetch failed" says little: the cause does (ECONNREFUSED, ENOTFOUND, a TLS error).
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        if (signal.aborted || !cause) throw error;
        throw new Error(`could not reach the receiver: ${cause.code ?? cause.message ?? 'network error'}`);
      }
      const status = response.status;
      if (status >= 200 && status < 300) {
        await response.body?.cancel().catch(() => {});
        return;
      }
      const said = await firstBytes(response, 300);
      const redirect = status >= 300 && status < 400 ? ' (a redirect: not followed)' : '';
      throw new Error(`HTTP ${status || 'redirect'}${redirect}${said ? `: ${said}` : ''}`);
    },
  };
}

/** The first `limit` bytes of an answer's body as text (a receiver's error page can be large). */
async function firstBytes(response: Response, limit: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // what came is enough
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8').replace(/\s+/g, ' ').trim();
}

/** A webhook request as a receiver holds it: a Web `Request`, or Node's headers with the raw body. */
export type WebhookRequest = Request | { headers: Headers | Record<string, string | string[] | undefined>; body: string | Uint8Array };

/**
 * For receivers written in JavaScript: checks a webhook's signature and timestamp with `standardwebhooks`
 * and returns the event (the same shape `onEvent` gets). Throws `WebhookVerificationError` when the
 * signature, the secret or the timestamp (more than 5 minutes off) is wrong; answer 400 then. Pass the body
 * exactly as it arrived (raw bytes or text, not re-serialised JSON).
 */
export async function verifyWebhook(request: WebhookRequest, secret: string): Promise<KpgEvent> {
  const body = request instanceof Request ? new Uint8Array(await request.arrayBuffer()) : request.body;
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) {
    throw new TypeError('verifyWebhook: pass the raw body (a string or bytes), e.g. express.raw({ type: "application/json" })');
  }
  // A plain object's names in any case (Node's are lower-case; one built by hand may say "Webhook-Id").
  const header = (name: string): string => {
    const h = request.headers;
    const v = h instanceof Headers ? h.get(name) : h[Object.keys(h).find((k) => k.toLowerCase() === name) ?? name];
    return (Array.isArray(v) ? v[0] : v) ?? '';
  };
  const headers = { 'webhook-id': header('webhook-id'), 'webhook-timestamp': header('webhook-timestamp'), 'webhook-signature': header('webhook-signature') };
  const payload = new Webhook(secret).verify(body, headers);
  const checked = WebhookPayloadSchema.safeParse(payload);
  if (!checked.success) throw new WebhookVerificationError('The payload is not a kpg-checkout event');
  const { type, timestamp, data } = checked.data;
  return { id: headers['webhook-id'], type, created_at: timestamp, order_id: data.order_id, order_no: data.order_no, provider: data.provider, data: data as unknown as KpgEvent['data'] };
}
