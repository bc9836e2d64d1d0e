// @ts-check
/** Issue 20: the model of the attempt state machine (test/node/server-model-suite.mjs) on PostgreSQL. */
import { modelSuite } from './server-model-suite.mjs';

modelSuite('postgres');
