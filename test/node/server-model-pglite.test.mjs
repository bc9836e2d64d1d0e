// @ts-check
/** Issue 20: the model of the attempt state machine (test/node/server-model-suite.mjs) on PGlite. */
import { modelSuite } from './server-model-suite.mjs';

modelSuite('pglite');
