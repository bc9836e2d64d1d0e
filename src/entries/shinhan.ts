/** Shinhan PG (SPG) for the elements: `import 'kpg-checkout/shinhan'`; inside kpg-shinhan.js and kpg-checkout.js. */
import { shinhan } from '../providers/shinhan.js';
import { registerProvider } from '../registry.js';

registerProvider(shinhan);
