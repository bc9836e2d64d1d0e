/** Schema boundaries (second stage): a zod parse that ends in `kpg-error` naming the first bad field. */
import type * as z from 'zod/mini';
import { KpgError } from './errors.js';
import type { KpgErrorCode } from './events.js';
import { describeIssues } from './schemas.js';
import { say } from './messages.js';

/**
 * Validate `json` with `schema`, or throw a KpgError whose message says what it is not and names the first
 * bad field: `The session JSON is not a Shinhan session: redirect_url: expected string`.
 */
export function parseOrThrow<S extends z.ZodMiniType>(schema: S, json: unknown, code: KpgErrorCode, what: string): z.infer<S> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const { field, message } = describeIssues(parsed.error);
  throw new KpgError({ code, message: say('bad-json', what, message), ...(field ? { field } : {}) });
}
