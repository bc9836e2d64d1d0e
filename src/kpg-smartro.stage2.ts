/**
 * dist/kpg-smartro.stage2.js, the second stage of kpg-smartro.js (stage.ts): the flow after the session
 * request, Smartro's second half (the form's checks and post, the return page's message, receipts),
 * `<kpg-receipt>` with the inline slip, virtual accounts, zod and lit. Built against the first stage
 * (scripts/stages.mjs).
 */
import { MORE } from './more.js';
import './entries/receipt.js';
import { slipView } from './kpg-receipt/slip.js';
import { smartro } from './providers/smartro.js';
import { registerMore } from './stage.js';
import { registerProvider, views } from './registry.js';

registerProvider(smartro);
views.slip = slipView;
registerMore(MORE);
