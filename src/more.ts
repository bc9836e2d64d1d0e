/**
 * The second stage's part of `<kpg-checkout>` (stage.ts): the flow after the session request, the result
 * protocol, and what the checkout shows for an outcome. Registered (`registerMore`) by every second stage
 * (kpg-shinhan.stage2.ts, kpg-smartro.stage2.ts), and by the npm entries of the PGs (entries/shinhan.ts,
 * entries/smartro.ts), which the one-file build carries.
 */
import { refusalOf } from './causes.js';
import { finishCheckout, resumeCheckout } from './checkout-flow.js';
import { message, paid, paidMark, vbankView } from './kpg-checkout/outcome.js';
import { reportWindowClosed } from './protocol.js';
import { resume } from './resume.js';
import type { More } from './stage.js';

export const MORE: More = {
  finish: finishCheckout,
  resumeCheckout,
  reportWindowClosed,
  message,
  paid,
  checkMark: paidMark,
  vbank: vbankView,
  resume,
  refusal: refusalOf,
};
