/** Shinhan PG (SPG) for the elements, both halves: `import 'kpg-checkout/shinhan'`; inside kpg-checkout.js. */
import { MORE } from '../more.js';
import { shinhanStart } from '../providers/shinhan-start.js';
import { shinhan } from '../providers/shinhan.js';
import { registerMore } from '../stage.js';
import { registerProvider, views } from '../registry.js';
import { termsStep } from '../kpg-terms/step.js';

registerProvider(shinhanStart);
registerProvider(shinhan);
registerMore(MORE);
views.terms = termsStep;
