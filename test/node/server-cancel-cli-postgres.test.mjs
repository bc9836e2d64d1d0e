// @ts-check
/** Issue 22: `kpg-checkout-server cancel` and `cancels` from another process, on PostgreSQL. */
import { cliSuite } from './server-cancel-cli-suite.mjs';

cliSuite('postgres');
