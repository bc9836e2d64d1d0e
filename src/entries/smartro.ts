/**
 * Smartro WEBLink for the elements, both halves, with its inline slip for `<kpg-receipt view="inline">`:
 * `import 'kpg-checkout/smartro'`; inside kpg-checkout.js.
 */
import { MORE } from '../more.js';
import { slipView } from '../kpg-receipt/slip.js';
import { smartroStart } from '../providers/smartro-start.js';
import { smartro } from '../providers/smartro.js';
import { registerMore } from '../stage.js';
import { registerProvider, views } from '../registry.js';

registerProvider(smartroStart);
registerProvider(smartro);
views.slip = slipView;
registerMore(MORE);
