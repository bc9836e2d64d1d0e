/**
 * Smartro WEBLink for the elements, with its inline slip for `<kpg-receipt view="inline">`:
 * `import 'kpg-checkout/smartro'`; inside kpg-smartro.js and kpg-checkout.js.
 */
import { slipView } from '../kpg-receipt/slip.js';
import { smartro } from '../providers/smartro.js';
import { registerProvider, views } from '../registry.js';

registerProvider(smartro);
views.slip = slipView;
