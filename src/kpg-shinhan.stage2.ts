/**
 * dist/kpg-shinhan.stage2.js, the second stage of kpg-shinhan.js (stage.ts): the flow after the session
 * request, Shinhan's second half (the session's checks, openPopup, receipts), `<kpg-card-picker>`,
 * `<kpg-receipt>`, virtual accounts, zod and lit. Built against the first stage: what both use is the first
 * stage's, reached through this build's id (scripts/stages.mjs).
 */
import { MORE } from './more.js';
import './entries/card-picker.js';
import { termsStep } from './kpg-terms/step.js';
import './entries/receipt.js';
import { shinhan } from './providers/shinhan.js';
import { registerMore } from './stage.js';
import { registerProvider, views } from './registry.js';

registerProvider(shinhan);
registerMore(MORE);
views.terms = termsStep;
