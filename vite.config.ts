import { defineConfig, type Plugin } from 'vite';

/**
 * The shipped script must be pure ASCII: a shop page served as EUC-KR that loads it with a plain
 * `<script src>` (no charset attribute) would otherwise decode its Korean strings as mojibake.
 * Every non-ASCII character in the output becomes a `\uXXXX` escape (valid in strings, templates,
 * regular expressions and comments alike).
 */
function asciiOnly(): Plugin {
  return {
    name: 'kpg-ascii-only',
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        chunk.code = chunk.code.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
      }
    },
  };
}

/** `npm start`: the reference merchant backend as middleware, and the sandbox PG on its own origin. */
function demo(): Plugin {
  return {
    name: 'kpg-demo-servers',
    apply: 'serve',
    async configureServer(server) {
      const { demoServers } = await import('./demo/servers.mjs');
      const servers = await demoServers({ publicBaseUrl: 'http://localhost:5173', env: process.env });
      server.middlewares.use(servers.backend);
      server.httpServer?.once('close', () => void servers.close());
      server.config.logger.info(`  sandbox PGs: Shinhan ${servers.shinhanOrigin}, Smartro ${servers.smartroOrigin}; backend -> ${servers.config.shinhanApiBase}`);
    },
  };
}

/**
 * One IIFE per script tag: `vite build` writes kpg-checkout.js (every element and PG), `--mode shinhan`
 * kpg-shinhan.js, `--mode smartro` kpg-smartro.js (one PG each, same global `KpgCheckout`), `--mode return`
 * kpg-return.js; `--mode no-dom` writes no-dom.cjs, what `require('kpg-checkout')` gets on a server.
 */
const entries = {
  production: { entry: 'src/index.ts', name: 'KpgCheckout', file: 'kpg-checkout.js', format: 'iife' },
  shinhan: { entry: 'src/kpg-shinhan.ts', name: 'KpgCheckout', file: 'kpg-shinhan.js', format: 'iife' },
  smartro: { entry: 'src/kpg-smartro.ts', name: 'KpgCheckout', file: 'kpg-smartro.js', format: 'iife' },
  return: { entry: 'src/kpg-return/kpg-return.ts', name: 'KpgReturn', file: 'kpg-return.js', format: 'iife' },
  'no-dom': { entry: 'src/no-dom.ts', name: 'KpgCheckout', file: 'no-dom.cjs', format: 'cjs' },
} as const;

export default defineConfig(({ mode }) => {
  const { entry, name, file, format } = entries[mode in entries ? (mode as keyof typeof entries) : 'production'];
  return {
    server: { host: 'localhost', port: 5173, strictPort: true },
    plugins: [demo(), asciiOnly()],
    build: {
      outDir: 'dist',
      emptyOutDir: false,
      target: 'es2022',
      lib: { entry, formats: [format], name, fileName: () => file },
    },
  };
});
