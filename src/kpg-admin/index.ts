/**
 * dist/kpg-admin.js (its own script tag, never part of the buyers' files) and `kpg-checkout/admin`: defines
 * `<kpg-admin>`, the staff console. `<script src="/kpg-admin.js"></script>` then
 * `<kpg-admin api-url="/api/kpg/staff"></kpg-admin>`.
 */
import { KpgAdmin } from './kpg-admin.js';

if (typeof customElements !== 'undefined' && !customElements.get('kpg-admin')) customElements.define('kpg-admin', KpgAdmin);

export { KpgAdmin };
export type { KpgAdminNavigateDetail } from './kpg-admin.js';
