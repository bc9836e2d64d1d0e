// npm run build: dist/kpg-checkout.js (one ASCII-only IIFE with lit and zod inside, for a <script> tag),
// dist/kpg-shinhan.js + kpg-shinhan.stage2.js and dist/kpg-smartro.js + kpg-smartro.stage2.js (one PG each,
// in two stages: the first makes the pay button interactive after 12 KB and fetches the second, see
// scripts/stages.mjs),
// dist/kpg-return.js (the tiny script for the PG return page)
// dist/kpg-admin.js (the staff console, <kpg-admin>: its own file, never in the buyers' files)
// dist/no-dom.cjs (what `require('kpg-checkout')` and server conditions get: defines nothing),
// dist/esm/ (ES modules + .d.ts, lit and zod as dependencies, for npm users) and dist/server/
// (kpg-checkout/server, the shop's server module: scripts/build-server.mjs).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { publish, stage } from './publish.mjs';
import { buildStages } from './stages.mjs';

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
// The server first: vite.config.ts bundles demo/servers.mjs (its dev-server plugin), which imports dist/server.
run('node', ['scripts/build-server.mjs']);
// Everything else into a staging folder, then moved into dist/ file by file (scripts/publish.mjs): a second
// npm test running in this checkout keeps reading whole files while this one builds.
const out = stage('dist');
for (const mode of ['production', 'dev', 'return', 'no-dom', 'admin']) {
  run('npx', ['vite', 'build', '--mode', mode, '--outDir', out, '--logLevel', 'warn']);
}
for (const pg of /** @type {const} */ (['shinhan', 'smartro'])) await buildStages({ pg, outDir: out });
run('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', join(out, 'esm')]);
// custom-elements.json: every tag, attribute, property, event, part, slot and CSS property, from the JSDoc.
run('npx', ['cem', 'analyze', '--config', 'scripts/cem.config.mjs', '--litelement', '--quiet', '--globs', 'src/**/*.ts', '--exclude', 'src/**/*.styles.ts', '--exclude', 'src/server/**', '--outdir', out]);
publish(out, 'dist', { keep: ['server'] });
console.log('build: dist/kpg-checkout.js, kpg-shinhan.js + .stage2.js, kpg-smartro.js + .stage2.js, kpg-return.js, kpg-admin.js, dist/esm/, dist/server/ and dist/custom-elements.json written');
