/** `tid`, the attribute of `<kpg-receipt>` (second stage; the shared readers are attributes.ts). */
import { invalidConfig } from './errors.js';
import { TID } from './rules.js';
import { say } from './messages.js';

/** `tid`: the PG's transaction id. Throws `invalid-config` naming `tid`. */
export function readTid(value: string | null | undefined): string {
  if (value && TID.test(value)) return value;
  throw invalidConfig('tid', say('tid', value));
}
