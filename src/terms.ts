/**
 * The PG's terms (issue 25) as the shop's backend answers them (`GET {base}/terms?pgcode=`, kpg-checkout/server):
 * loaded once per URL, checked with one schema. Second stage. The terms' HTML is untrusted: it is only ever put
 * in a sandboxed `<iframe srcdoc>` (kpg-terms), never into this page's DOM.
 */
import * as z from 'zod/mini';
import { KpgError } from './errors.js';
import { getJson } from './http.js';
import { parseOrThrow } from './parse.js';
import './schemas.js'; // z.config({ jitless: true }) before the schema below is built

export const TermsSchema = z.object({
  pgcode: z.string(),
  required: z.boolean(),
  terms_hash: z.nullable(z.string().check(z.regex(/^[0-9a-f]{64}$/))),
  list: z.array(
    z.object({
      terms_no: z.number().check(z.int(), z.nonnegative()),
      terms_nm: z.string().check(z.minLength(1), z.maxLength(200)),
      terms_ctnt: z.string(),
    }),
  ),
});
export type Terms = z.infer<typeof TermsSchema>;

const loads = new Map<string, Promise<Terms | null>>();

/**
 * `GET terms-url?pgcode=`: the terms, or null where the backend has no terms route (404: a backend built on
 * CONTRACT.md alone; nothing to show). A failure is forgotten, so a retry asks again.
 */
export function loadTerms(url: URL, timeoutMs: number, fresh = false): Promise<Terms | null> {
  const key = url.href;
  if (fresh) loads.delete(key);
  let load = loads.get(key);
  if (!load) {
    load = getJson(url, 'terms-failed', 'The terms request', { signal: new AbortController().signal, timeoutMs }).then(
      (json) => parseOrThrow(TermsSchema, json, 'terms-failed', 'The terms are not valid'),
      (error: unknown) => {
        if (error instanceof KpgError && error.detail.status === 404) return null;
        throw error;
      },
    );
    load.catch(() => loads.delete(key));
    loads.set(key, load);
  }
  return load;
}
