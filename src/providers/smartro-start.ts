/**
 * Smartro WEBLink, its first half (first stage): on a PC the payment window is opened inside the buyer's
 * click, before any await (Smartro's form is posted into it once the session has answered), so the popup
 * blocker lets it through even while the second stage is still on its way. The second half (the form's
 * checks, the post, the return page's message, receipts) is providers/smartro.ts.
 */
import { KpgError } from '../errors.js';
import type { ProviderStart } from './types.js';
import { say } from '../messages.js';

/** The window name Smartro's own samples use. */
export const SMARTRO_WINDOW = 'payWindow';
const WINDOW_FEATURES = 'width=545,height=573,resizable=yes,scrollbars=yes';

export const smartroStart: ProviderStart = {
  id: 'smartro',
  beforeSession(ctx) {
    if (ctx.device !== 'pc') return;
    if (!ctx.popup.open(SMARTRO_WINDOW, WINDOW_FEATURES)) {
      throw new KpgError({
        code: 'popup-blocked',
        message: say('popup-blocked'),
      });
    }
  },
  abandon(ctx) {
    ctx.popup.close();
  },
};
