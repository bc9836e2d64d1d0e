// @ts-check
/** Issue 20: the model of the attempt state machine for Smartro (test/node/server-model-smartro-suite.mjs) on PGlite. */
import { smartroModelSuite } from './server-model-smartro-suite.mjs';

smartroModelSuite('pglite');
