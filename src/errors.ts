/** The error that ends an attempt (or a picker's or receipt's load) with `kpg-error`. */
import type { KpgErrorDetail } from './events.js';

import type { BackendError } from './schemas.js';

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
