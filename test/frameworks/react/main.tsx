/** Client-rendered page: the shop inside <StrictMode>, its options from the query string. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { KpgCheckout } from 'kpg-checkout';
import { Shop } from './shop.js';

const params = Object.fromEntries(new URLSearchParams(location.search));
KpgCheckout.allowPgOrigins(JSON.parse(params.origins ?? '[]') as string[]);
(window as unknown as { kpgLog: unknown[] }).kpgLog = [];

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Shop params={params} />
  </StrictMode>,
);
