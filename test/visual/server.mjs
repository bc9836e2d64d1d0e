// @ts-check
// The server the screenshot tests load the gallery from: demo/gallery.{html,js,css}, the gallery's stub
// endpoints (demo/gallery-stubs.mjs), and the elements themselves. The gallery imports them from
// /src/index.ts (Vite compiles that in `npm start`); here that path answers the BUILT dist/kpg-checkout.js,
// so the screenshots show what ships. 127.0.0.1 on a free port.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { galleryStubs } from '../../demo/gallery-stubs.mjs';

const root = new URL('../../', import.meta.url);

/** @type {Record<string, [string, string]>} path -> [file under the repository, content type] */
const FILES = {
  '/demo/gallery.html': ['demo/gallery.html', 'text/html; charset=utf-8'],
  '/demo/gallery.js': ['demo/gallery.js', 'text/javascript; charset=utf-8'],
  '/demo/gallery.css': ['demo/gallery.css', 'text/css; charset=utf-8'],
  '/src/index.ts': ['dist/kpg-checkout.js', 'text/javascript; charset=utf-8'],
  '/demo/gallery-admin.js': ['demo/gallery-admin.js', 'text/javascript; charset=utf-8'],
  '/src/kpg-admin/index.ts': ['dist/kpg-admin.js', 'text/javascript; charset=utf-8'],
};

/** @returns {Promise<{ origin: string, close(): Promise<void> }>} */
export async function startGalleryServer() {
  const stubs = galleryStubs();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const file = FILES[path];
    if (!file) {
      stubs(req, res, () => {
        res.statusCode = 404;
        res.end('not found');
      });
      return;
    }
    readFile(new URL(file[0], root)).then(
      (body) => {
        res.setHeader('Content-Type', file[1]);
        res.setHeader('Cache-Control', 'no-store');
        res.end(body);
      },
      (error) => {
        res.statusCode = 500;
        res.end(`${file[0]}: ${error.message}${file[0].startsWith('dist/') ? ' (run npm run build first)' : ''}`);
      },
    );
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the gallery server has no port');
  return {
    origin: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections(); // the stubs' requests that "never answer"
        server.close(() => resolve());
      }),
  };
}
