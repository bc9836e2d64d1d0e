import MagicString from 'magic-string';
import { decodeMappings, encodeMappings } from './scripts/sourcemap.mjs';
import { defineConfig, parseAst, type Plugin } from 'vite';

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
        if (chunk.map) {
          // Each escaped UTF-16 unit becomes 6 characters: move the map's columns along (npm run size reads it).
          const lines = chunk.code.split('\n');
          const mapped = decodeMappings(chunk.map.mappings);
          mapped.forEach((segments, i) => {
            const text = lines[i] ?? '';
            if (!/[^\x00-\x7f]/.test(text)) return;
            const before = new Int32Array(text.length + 1);
            for (let c = 0; c < text.length; c++) before[c + 1] = before[c] + (text.charCodeAt(c) > 0x7f ? 5 : 0);
            for (const segment of segments) segment[0] += before[Math.min(segment[0], text.length)];
          });
          chunk.map.mappings = encodeMappings(mapped);
          const asset = bundle[`${chunk.fileName}.map`];
          if (asset?.type === 'asset') asset.source = JSON.stringify({ ...JSON.parse(String(asset.source)), mappings: chunk.map.mappings });
        }
        chunk.code = chunk.code.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
      }
    },
  };
}

/**
 * CSS in `css```, markup in `html``` / `svg```: the whitespace the sources keep for reading costs bytes in
 * every file that ships. CSS loses comments and the spaces around `{ } ; , >` and after `:`; markup keeps
 * one space where it had a line break and indentation (a space renders as the line break did). Only the
 * literal text between `${...}` is touched, so every template keeps its parts.
 */
export function minifyCss(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};,>])\s*/g, '$1')
    .replace(/:\s+/g, ':')
    .replace(/;}/g, '}')
    .trim();
}

export const minifyMarkup = (text: string): string => text.replace(/\s*\n\s*/g, ' ');

function minifyTemplates(): Plugin {
  return {
    name: 'kpg-minify-templates',
    apply: 'build',
    transform(code, id) {
      if (!/\/src\/.*\.ts$/.test(id) || !/\b(css|html|svg)`/.test(code)) return null;
      const edits: Array<[number, number, string]> = [];
      const visit = (node: unknown): void => {
        if (!node || typeof node !== 'object') return;
        if (Array.isArray(node)) return node.forEach(visit);
        const n = node as { type?: string; tag?: { type: string; name?: string }; quasi?: { quasis: Array<{ start: number; end: number; value: { raw: string } }> } };
        if (n.type === 'TaggedTemplateExpression' && n.tag?.type === 'Identifier' && n.quasi) {
          const minify = n.tag.name === 'css' ? minifyCss : n.tag.name === 'html' || n.tag.name === 'svg' ? minifyMarkup : null;
          for (const q of minify ? n.quasi.quasis : []) {
            // A quasi's span may or may not include its delimiters (` ${ }): find its raw text in it.
            const at = code.startsWith(q.value.raw, q.start) ? q.start : q.start + 1;
            if (!code.startsWith(q.value.raw, at)) throw new Error(`kpg-minify-templates: cannot place a template in ${id}`);
            edits.push([at, at + q.value.raw.length, minify!(q.value.raw)]);
          }
        }
        for (const [key, value] of Object.entries(node)) if (key !== 'parent') visit(value);
      };
      visit(parseAst(code, { lang: 'ts' } as never));
      if (!edits.length) return null;
      const out = new MagicString(code);
      for (const [start, end, text] of edits) if (text !== code.slice(start, end)) out.overwrite(start, end, text);
      return { code: out.toString(), map: out.generateMap({ hires: true, source: id, includeContent: true }) };
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
 * One IIFE per script tag: `vite build` writes kpg-checkout.js (every element and PG in one file), `--mode
 * return` kpg-return.js; `--mode no-dom` writes no-dom.cjs, what `require('kpg-checkout')` gets on a server.
 * The two-stage files of one PG (kpg-shinhan.js + kpg-shinhan.stage2.js, the same for Smartro) are built by
 * scripts/stages.mjs with `--mode stage`, which passes its own entries and plugins.
 */
const entries = {
  production: { entry: 'src/index.ts', name: 'KpgCheckout', file: 'kpg-checkout.js', format: 'iife' },
  // The development build (src/messages.ts): kpg-checkout.js with every developer message in full.
  dev: { entry: 'src/index.ts', name: 'KpgCheckout', file: 'kpg-checkout.dev.js', format: 'iife' },
  return: { entry: 'src/kpg-return/kpg-return.ts', name: 'KpgReturn', file: 'kpg-return.js', format: 'iife' },
  // The staff console (issue 23): its own file, never part of the buyers' (test/node/admin-bytes.test.mjs).
  admin: { entry: 'src/kpg-admin/index.ts', name: 'KpgAdmin', file: 'kpg-admin.js', format: 'iife' },
  'no-dom': { entry: 'src/no-dom.ts', name: 'KpgCheckout', file: 'no-dom.cjs', format: 'cjs' },
} as const;

export default defineConfig(({ mode, command }) => {
  const { entry, name, file, format } = entries[mode in entries ? (mode as keyof typeof entries) : 'production'];
  return {
    server: { host: 'localhost', port: 5173, strictPort: true },
    // The dev server pre-bundles what the demo pages import; the framework fixtures under test/ import the
    // built package (absent until `npm run build`) and are not the demo's to scan.
    optimizeDeps: { entries: ['index.html', 'demo/gallery.html'] },
    plugins: [demo(), minifyTemplates(), asciiOnly()],
    // Developer messages (src/messages.ts): in full in the development build and the demo (`npm start`);
    // every other file says the message's id, its values and its line in docs/errors.md.
    define: { __KPG_DEV__: mode === 'dev' || command === 'serve' ? 'true' : 'false' },
    build: {
      outDir: 'dist',
      emptyOutDir: false,
      target: 'es2022',
      ...(mode === 'stage' ? {} : { lib: { entry, formats: [format], name, fileName: () => file } }),
    },
  };
});
