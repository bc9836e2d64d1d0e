// @ts-check
// `npx kpg-checkout-server events` on PostgreSQL (the suite: events-cli-suite.mjs).
import { eventsCliSuite } from './events-cli-suite.mjs';
import { ENGINES } from './server-helpers.mjs';

eventsCliSuite(/** @type {import('./server-helpers.mjs').Engine} */ (ENGINES.find((e) => e.name === 'postgres')));
