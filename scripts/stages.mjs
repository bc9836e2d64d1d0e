// @ts-check
// The two-stage script of one PG: dist/kpg-<pg>.js (the first stage: the checkout's element and its button,
// interactive after 12 KB gzip) and dist/kpg-<pg>.stage2.js (everything else, fetched by the first from
// beside itself: src/stage.ts). Used by scripts/build.mjs and scripts/size.mjs.
//
// The second stage shares the first stage's modules instead of carrying copies (one registry, one list of
// allowed origins, one attempt per order on the page...). Three Vite builds (vite.config.ts, --mode stage):
//   A. the first stage alone: which modules it is made of;
//   B. the second stage with each of those modules external, read from the first stage's core object
//      (one short key per export): which exports of which modules it takes;
//   C. the first stage again, exposing exactly those exports as its core object, `self.__kpg_<build>`.
// The build id (a hash of both files) names that global and is the `?v=` of the second stage's URL, so a
// first stage never runs with a second stage of another build (it reports `script-load-failed` instead).
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import MagicString from 'magic-string';

/** The build id's stand-in until both files are known (same length as the id, so source maps stay true). */
const PLACEHOLDER = 'kpgbuild0000';
const VIRTUAL = '\0kpg-stage1-entry';
/** The core object's keys: one character each while they last. */
const KEY_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ$';

/** @param {unknown} result @returns {import('rollup').OutputChunk} */
const chunkOf = (result) => {
  const output = /** @type {import('rollup').RollupOutput[]} */ ([result].flat())[0].output;
  const chunk = output.find((o) => o.type === 'chunk');
  if (!chunk || chunk.type !== 'chunk') throw new Error('stages: no chunk');
  return chunk;
};

/**
 * @param {{ pg: 'shinhan' | 'smartro', outDir: string, sourcemap?: boolean | 'hidden', logLevel?: 'warn' | 'error', plugins?: import('vite').Plugin[] }} options
 *   `plugins`: added to every pass (scripts/trims.mjs measures what a change to the sources would save)
 * @returns {Promise<{ first: string, second: string, build: string, core: Record<string, string[]> }>} the files written
 */
export async function buildStages({ pg, outDir, sourcemap = false, logLevel = 'warn', plugins = [] }) {
  const { build, parseAst } = await import('vite');
  const firstEntry = resolve(`src/kpg-${pg}.ts`);
  const secondEntry = resolve(`src/kpg-${pg}.stage2.ts`);
  const first = `kpg-${pg}.js`;
  const second = `kpg-${pg}.stage2.js`;
  /** @param {{ plugins?: object[], build: object }} overrides */
  const config = (overrides) => ({
    configFile: resolve('vite.config.ts'),
    mode: 'stage',
    logLevel,
    define: { __KPG_BUILD__: JSON.stringify(PLACEHOLDER) },
    ...overrides,
    plugins: [...plugins, ...(overrides.plugins ?? [])],
  });
  const iife = (/** @type {string} */ entry, /** @type {string} */ file, /** @type {string} */ name) => ({
    entry,
    formats: /** @type {['iife']} */ (['iife']),
    name,
    fileName: () => file,
  });

  // A. The first stage's modules.
  const a = chunkOf(await build(config({ build: { write: false, lib: iife(firstEntry, first, 'KpgCheckout') } })));
  const ids = [...a.moduleIds].sort();
  const index = new Map(ids.map((id, i) => [id, i]));

  // B. The second stage, the first stage's modules external.
  const external = {
    name: 'kpg-stage2-external',
    enforce: /** @type {const} */ ('pre'),
    /** @type {import('rollup').ResolveIdHook} */
    async resolveId(source, importer, options) {
      if (!importer) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      if (resolved && !resolved.external && index.has(resolved.id)) return { id: `kpgcore:${index.get(resolved.id)}`, external: true };
      return resolved;
    },
  };
  // As an ES module, whose import declarations (what it takes of each) become constants read from the first
  // stage's core object (one short key per export), the whole wrapped into a script that runs only beside
  // this build's first stage.
  /** @type {Record<string, string[]>} */
  const core = {};
  /** @type {Map<string, string>} `module id \0 export` -> its key in the core object */
  const keys = new Map();
  const keyOf = (/** @type {string} */ id, /** @type {string} */ name) => {
    const k = `${id}\0${name}`;
    if (!keys.has(k)) keys.set(k, KEY_CHARS[keys.size] ?? `_${keys.size}`);
    return /** @type {string} */ (keys.get(k));
  };
  const toScript = {
    name: 'kpg-stage2-script',
    /** @param {string} code */
    renderChunk(code) {
      const out = new MagicString(code);
      /** @type {string[]} */
      const names = [];
      for (const node of /** @type {any[]} */ (parseAst(code).body)) {
        if (node.type !== 'ImportDeclaration') continue;
        const source = node.source.value;
        const id = ids[Number(source.slice('kpgcore:'.length))];
        if (!source.startsWith('kpgcore:') || !id) throw new Error(`stages: the second stage imports ${source}, which is not in the first stage`);
        for (const s of node.specifiers) {
          if (s.type !== 'ImportSpecifier') throw new Error(`stages: the second stage takes ${s.type} of ${id}: only named exports can be shared`);
          if (!(core[id] ??= []).includes(s.imported.name)) core[id].push(s.imported.name);
          names.push(`${keyOf(id, s.imported.name)}:${s.local.name}`);
        }
        out.remove(node.start, node.end);
      }
      out.prepend(`(function(__kpg_core__){if(__kpg_core__){const{${names.join(',')}}=__kpg_core__;`).append(`}})(self.__kpg_${PLACEHOLDER});`);
      return { code: out.toString(), map: out.generateMap({ hires: true }) };
    },
  };
  const b = chunkOf(
    await build(
      config({
        plugins: [external, toScript],
        build: {
          write: false,
          sourcemap,
          lib: { ...iife(secondEntry, second, 'KpgStage2'), formats: ['es'] },
          // Minified as the IIFE files are (Vite keeps an ES library's whitespace and comments).
          rollupOptions: { output: { minify: true, comments: { annotation: false, jsdoc: false, legal: false } } },
        },
      }),
    ),
  );

  // C. The first stage, exposing what the second takes.
  const imports = [];
  const members = [];
  for (const [id, names] of Object.entries(core)) {
    const local = names.map((name) => [name, keyOf(id, name)]);
    imports.push(`import { ${local.map(([name, key]) => `${name} as x_${key}`).join(', ')} } from ${JSON.stringify(id)};`);
    members.push(...local.map(([, key]) => `${key}: x_${key}`));
  }
  const entryCode = `export * from ${JSON.stringify(firstEntry)};\n${imports.join('\n')}\nself.__kpg_${PLACEHOLDER} = { ${members.join(', ')} };\n`;
  const c = chunkOf(
    await build(
      config({
        plugins: [
          {
            name: 'kpg-stage1-core',
            enforce: 'pre',
            // The first stage's entry keeps its side effects (registering its PG, locating the second stage),
            // whatever package.json's `sideEffects` says of src/.
            resolveId: (/** @type {string} */ id) =>
              id.endsWith('kpg-stage1-entry.js') ? VIRTUAL : id === firstEntry ? { id, moduleSideEffects: true } : null,
            load: (/** @type {string} */ id) => (id === VIRTUAL ? entryCode : null),
          },
        ],
        build: { write: false, sourcemap, lib: iife(resolve('kpg-stage1-entry.js'), first, 'KpgCheckout') },
      }),
    ),
  );
  const extra = c.moduleIds.filter((id) => id !== VIRTUAL && !index.has(id));
  if (extra.length) throw new Error(`stages: exposing the core pulled new modules into the first stage: ${extra.join(', ')}`);

  // The build id: both files' hash, in place of the stand-in (same length).
  const build_ = createHash('sha256').update(c.code).update(b.code).digest('hex').slice(0, PLACEHOLDER.length);
  const finish = (/** @type {string} */ code) => {
    if (!code.includes(PLACEHOLDER)) throw new Error('stages: a file lacks the build id');
    return code.replaceAll(PLACEHOLDER, build_);
  };
  mkdirSync(outDir, { recursive: true });
  for (const [file, chunk] of [[first, c], [second, b]]) {
    const /** @type {import('rollup').OutputChunk} */ out = /** @type {any} */ (chunk);
    writeFileSync(join(outDir, /** @type {string} */ (file)), finish(out.code));
    if (sourcemap && out.map) writeFileSync(join(outDir, `${file}.map`), JSON.stringify({ ...out.map, file }));
  }
  return { first, second, build: build_, core: Object.fromEntries(Object.entries(core).map(([id, names]) => [id.slice(resolve('.').length + 1), names])) };
}
