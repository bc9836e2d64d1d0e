// @ts-check
// The elements as framework users get them, checked after `npm run build` (npm test runs this before the
// browser tests, which drive the apps built here):
// - the React 19 fixture type-checks against kpg-checkout/react (tsc, with @ts-expect-error lines that
//   must stay errors) and the Vue 3 fixture against kpg-checkout/vue (vue-tsc --strictTemplates);
// - both are built with Vite, importing 'kpg-checkout' through the package's own `exports`, into
//   node_modules/.cache/kpg-frameworks/ (React in development mode, so <StrictMode> double-runs effects);
// - `require('kpg-checkout')` works, and importing it under server and edge-runtime conditions neither
//   throws nor defines anything.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import vm from 'node:vm';
import { build } from 'vite';
import { publish, stage } from '../../scripts/publish.mjs';

export const OUT = resolve('node_modules/.cache/kpg-frameworks');
const require = createRequire(import.meta.url);

/** @param {string} cmd @param {string[]} args */
function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

test('the React 19 fixture type-checks with kpg-checkout/react (and its deliberate mistakes stay errors)', () => {
  const { ok, output } = run(process.execPath, [resolve('node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'test/frameworks/tsconfig.json']);
  assert.ok(ok, output);
});

test('the Vue 3 fixture type-checks with kpg-checkout/vue under vue-tsc --strictTemplates', () => {
  // vue-tsc needs TypeScript's JavaScript API, which TypeScript 7 (the project's tsc) no longer has: it
  // runs on TypeScript 5 (the typescript5 dev dependency).
  const { ok, output } = run(process.execPath, ['test/frameworks/vue-tsc.cjs', '-p', 'test/frameworks/vue/tsconfig.json']);
  assert.ok(ok, output);
});

test('Vite builds the React 19 app (development; also server-rendered in Node) and the Vue 3 app from the package as installed', async () => {
  // Built into a staging folder, then moved into OUT file by file: a second npm test in this checkout keeps
  // serving whole files to its browser tests meanwhile (scripts/publish.mjs).
  const staged = stage(OUT);
  const vue = (await import('@vitejs/plugin-vue')).default;
  const common = { configFile: /** @type {false} */ (false), logLevel: /** @type {const} */ ('warn'), base: './' };
  const react = resolve('test/frameworks/react');
  await build({
    ...common,
    root: react,
    mode: 'development',
    define: { 'process.env.NODE_ENV': '"development"' },
    build: {
      outDir: resolve(staged, 'react'),
      emptyOutDir: true,
      minify: false,
      target: 'es2022',
      rollupOptions: { input: { index: resolve(react, 'index.html'), hydrate: resolve(react, 'hydrate.html') } },
    },
  });
  // Server rendering in Node (the package resolves to its no-DOM module there), into hydrate.html.
  await build({
    ...common,
    root: react,
    mode: 'development',
    define: { 'process.env.NODE_ENV': '"development"' },
    build: { ssr: resolve(react, 'server.tsx'), outDir: resolve(staged, 'react-ssr'), emptyOutDir: true, minify: false },
  });
  const server = await import(pathToFileURL(resolve(staged, 'react-ssr/server.js')).href);
  assert.ok(server.serverExports.includes('allowPgOrigins'));
  const params = { order: 'H-1', session: '/api/kpg/session', result: '/api/kpg/result' };
  const page = resolve(staged, 'react/hydrate.html');
  const markup = server.render(params);
  assert.match(markup, /<kpg-checkout [^>]*order-id="H-1"/);
  assert.doesNotMatch(markup, /state=/);
  writeFileSync(page, readFileSync(page, 'utf8').replace('<!--params-->', JSON.stringify(params)).replace('<!--ssr-->', markup));
  await build({
    ...common,
    root: resolve('test/frameworks/vue'),
    plugins: [vue({ template: { compilerOptions: { isCustomElement: (tag) => tag.startsWith('kpg-') } } })],
    build: { outDir: resolve(staged, 'vue'), emptyOutDir: true, target: 'es2022' },
  });
  publish(staged, OUT);
});

test("require('kpg-checkout') works on a server and defines nothing", () => {
  const pkg = require('kpg-checkout');
  assert.equal(typeof pkg.allowPgOrigins, 'function');
  assert.equal(pkg.KpgCheckout, undefined);
  assert.equal(typeof globalThis.customElements, 'undefined');
});

test("import('kpg-checkout') under Node's conditions defines nothing and does not throw", async () => {
  const pkg = await import('kpg-checkout');
  assert.equal(typeof pkg.allowPgOrigins, 'function');
  assert.equal(pkg.KpgCheckout, undefined);
});

/**
 * Bundle `source` the way an edge runtime's bundler does (worker/browser conditions, everything inlined),
 * then evaluate it in a context with no DOM. Resolves with what the module exported, or rejects.
 * @param {string} specifier
 */
let edgeEntries = 0;
async function evaluateOnTheEdge(specifier, conditions = ['edge-light', 'worker', 'browser']) {
  // One entry file per call and per process: two runs (or two calls) must not bundle each other's entry.
  const entry = resolve(`node_modules/.cache/kpg-frameworks-edge/entry-${process.pid}-${++edgeEntries}.js`);
  const { writeFileSync, mkdirSync } = await import('node:fs');
  mkdirSync(resolve('node_modules/.cache/kpg-frameworks-edge'), { recursive: true });
  writeFileSync(entry, `import * as kpg from ${JSON.stringify(specifier)};\nglobalThis.exported = Object.keys(kpg);\n`);
  const out = /** @type {any} */ (
    await build({
      configFile: false,
      logLevel: 'silent',
      root: resolve('.'),
      ssr: { target: 'webworker', noExternal: true, resolve: { conditions, externalConditions: conditions } },
      resolve: { conditions },
      build: { ssr: entry, write: false, rollupOptions: { output: { format: 'iife' } } },
    })
  );
  rmSync(entry, { force: true });
  const code = (Array.isArray(out) ? out[0] : out).output[0].code;
  /** @type {{exported?: string[]}} */
  const sandbox = { URL, Set, Map };
  vm.runInNewContext(code, Object.assign(sandbox, { globalThis: sandbox }));
  return sandbox.exported;
}

test('on an edge runtime (worker/browser conditions, no DOM) the import defines nothing and does not throw', async () => {
  for (const conditions of [['edge-light', 'worker', 'browser'], ['workerd', 'worker', 'browser'], ['react-server', 'browser']]) {
    const exported = await evaluateOnTheEdge('kpg-checkout', conditions);
    assert.ok(exported?.includes('allowPgOrigins'), `${conditions}: ${exported}`);
  }
});

test('control: the elements themselves, evaluated there, throw (what the conditions avoid)', async () => {
  await assert.rejects(() => evaluateOnTheEdge('kpg-checkout/elements'), /HTMLElement is not defined|is not defined/);
});
