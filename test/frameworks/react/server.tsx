/** Server rendering of the shop (run in Node at build time): `import 'kpg-checkout'` is safe here. */
import { StrictMode } from 'react';
import { renderToString } from 'react-dom/server';
import * as kpg from 'kpg-checkout';
import { Shop, type Params } from './shop.js';

/** What the package gives a server: the same names, no elements. */
export const serverExports = Object.keys(kpg);

export function render(params: Params): string {
  return renderToString(
    <StrictMode>
      <Shop params={params} />
    </StrictMode>,
  );
}
