/**
 * Hydrates the server-rendered shop (hydrate.html, filled by server.tsx at build time). The elements are
 * defined before hydration, as a page that loads them early does: an element that adds attributes of its
 * own before React hydrates makes React log a hydration mismatch (the test fails on any console.error).
 */
import { StrictMode, useReducer } from 'react';
import { hydrateRoot } from 'react-dom/client';
import 'kpg-checkout';
import { Shop, type Params } from './shop.js';

const params = JSON.parse(document.getElementById('params')!.textContent!) as Params;
(window as unknown as { kpgLog: unknown[] }).kpgLog = [];

/**
 * React 19 does not attach `on<custom-event>` listeners while hydrating (react/react#35446): only a client
 * render does. `window.rerender()` forces one, the workaround a server-rendered page needs.
 */
function App() {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  (window as unknown as { rerender: () => void }).rerender = rerender;
  return <Shop params={params} />;
}

// Let the elements connect and render first (as they do when the script loads before React).
requestAnimationFrame(() => {
  hydrateRoot(
    document.getElementById('root')!,
    <StrictMode>
      <App />
    </StrictMode>,
    { onRecoverableError: (error) => (window as unknown as { hydrationErrors: string[] }).hydrationErrors.push(String(error)) },
  );
  (window as unknown as { hydrated: boolean }).hydrated = true;
});
