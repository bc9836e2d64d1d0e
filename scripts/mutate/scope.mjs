// @ts-check
// What npm run mutate:full mutates, and which tests it runs: globs only (files move; issue 21 splits
// payments.ts into modules), resolved at every run. A glob that matches nothing is reported, so a scope
// that silently shrank is seen.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The money code of kpg-checkout/server: payments, state, store and SQL, providers, reconcile, http, redact, limits. */
export const SERVER = {
  include: ['src/server/**/*.ts'],
  // Not money code: the command line, the node:http adapter, log formatting, fixed buyer texts, reading
  // the environment, and the two engines' connection plumbing (open/pglite/postgres: every test opens them).
  exclude: ['src/server/cli.ts', 'src/server/node.ts', 'src/server/log.ts', 'src/server/texts.ts', 'src/server/env.ts', 'src/server/store/open.ts', 'src/server/store/pglite.ts', 'src/server/store/postgres.ts', 'src/server/**/*.d.ts'],
  // openapi.test.mjs: the document generated from src/server/openapi.ts (its texts, its staff guard). And every
  // other node test that runs the server (npm test runs them all: a mutant only they detect is detected):
  // Smartro's env hosts, the Node adapter's body, the README's events, the demo's backend, the sandbox CLI
  // against a server. Not docs-code (its blocks import the package by name: the build).
  tests: [
    'test/node/server-*.test.mjs',
    'test/node/openapi.test.mjs',
    'test/node/smartro-env.test.mjs',
    'test/node/node-body-parser.test.mjs',
    'test/node/readme-events.test.mjs',
    'test/node/demo-backend.test.mjs',
    'test/node/sandbox-cli.test.mjs',
  ],
};

/** The SQL migrations (mutated by scripts/mutate/sql.mjs: Stryker does not read SQL). */
export const SQL = { include: ['src/server/store/migrations/*.sql'], tests: SERVER.tests };

/** The widget's money code: the flow, the attempt, the PGs, origins, schemas, cards, charset, protocol. */
export const WIDGET = {
  include: [
    'src/checkout-flow.ts',
    'src/controllers/attempt.ts',
    'src/providers/**/*.ts',
    'src/origins.ts',
    'src/schemas.ts',
    'src/cards.ts',
    'src/charset.ts',
    'src/protocol.ts',
    'src/pending.ts',
    'src/attributes.ts',
    'src/flow/**/*.ts', // where issue 26 may move the flow
  ],
  exclude: ['src/**/*.d.ts', 'src/providers/types.ts'],
  // Against src/ through esbuild. Not the ESM package test (it imports the built package) nor the framework
  // apps (built fixture apps).
  tests: ['test/*.test.ts'],
  testsExclude: ['test/package.test.ts'],
};

/** A glob (`**` any folders, `*` any name part) as a regular expression over paths relative to the checkout. */
export function globRe(/** @type {string} */ glob) {
  const re = glob
    .split(/(\*\*\/|\*)/)
    .map((part) => (part === '**/' ? '(?:[^/]+/)*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${re}$`);
}

/** Every file under src/ and test/ (relative paths). @param {string} cwd */
function allFiles(cwd, dir = '') {
  /** @type {string[]} */
  const out = [];
  for (const e of readdirSync(join(cwd, dir || '.'), { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const path = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (dir || ['src', 'test'].includes(e.name)) out.push(...allFiles(cwd, path));
    } else if (dir) out.push(path);
  }
  return out;
}

/** @param {string} glob @param {string} cwd */
export const globSync = (glob, cwd = process.cwd()) => allFiles(cwd).filter((f) => globRe(glob).test(f));

/** @param {string[]} include @param {string[]} [exclude] @param {string} [cwd] */
export function expand(include, exclude = [], cwd = process.cwd()) {
  const ex = new Set(exclude.flatMap((g) => globSync(g, cwd)));
  /** @type {string[]} */
  const files = [];
  /** @type {string[]} */
  const empty = [];
  for (const g of include) {
    const found = globSync(g, cwd).filter((f) => !ex.has(f));
    if (!found.length && !g.includes('src/flow/')) empty.push(g);
    files.push(...found);
  }
  return { files: [...new Set(files)].sort(), empty };
}
