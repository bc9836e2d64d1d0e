/** The error that ends an attempt (or a picker's or receipt's load) with `kpg-error`, and schema boundaries. */
import type * as z from 'zod/mini';
import type { KpgErrorCode, KpgErrorDetail } from './events.js';
import { describeIssues, type BackendError } from './schemas.js';

/** An error that ends an attempt with `kpg-error`. */
export class KpgError extends Error {
  readonly detail: KpgErrorDetail;
  /** A GET that failed this way may be tried again (network error, 5xx, 429). */
  readonly transient: boolean;
  /** The backend's JSON error body, when it sent one (`{code, message, order_no?}`). */
  readonly body?: BackendError;
  constructor(detail: KpgErrorDetail, transient = false, body?: BackendError) {
    super(detail.message);
    this.name = 'KpgError';
    this.detail = detail;
    this.transient = transient;
    this.body = body;
  }
}

/** `kpg-error invalid-config` naming the attribute to fix. */
export const invalidConfig = (field: string, message: string) => new KpgError({ code: 'invalid-config', field, message });

/**
 * Validate `json` with `schema`, or throw a KpgError whose message says what it is not and names the first
 * bad field: `The session JSON is not a Shinhan session: redirect_url: expected string`.
 */
export function parseOrThrow<S extends z.ZodMiniType>(schema: S, json: unknown, code: KpgErrorCode, what: string): z.infer<S> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const { field, message } = describeIssues(parsed.error);
  throw new KpgError({ code, message: `${what}: ${message}`, ...(field ? { field } : {}) });
}
