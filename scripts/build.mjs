// npm run build: dist/kpg-checkout.js (one ASCII-only IIFE with lit and zod inside, for a <script> tag),
// dist/kpg-shinhan.js and dist/kpg-smartro.js (the same for one PG each),
// dist/kpg-return.js (the tiny script for the PG return page)
// dist/no-dom.cjs (what `require('kpg-checkout')` and server conditions get: defines nothing),
// dist/esm/ (ES modules + .d.ts, lit and zod as dependencies, for npm users) and dist/server/
// (kpg-checkout/server, the shop's server module: scripts/build-server.mjs).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
rmSync('dist', { recursive: true, force: true });
// The server first: vite.config.ts bundles demo/servers.mjs (its dev-server plugin), which imports dist/server.
run('node', ['scripts/build-server.mjs']);
run('npx', ['vite', 'build', '--logLevel', 'warn']);
run('npx', ['vite', 'build', '--mode', 'shinhan', '--logLevel', 'warn']);
run('npx', ['vite', 'build', '--mode', 'smartro', '--logLevel', 'warn']);
run('npx', ['vite', 'build', '--mode', 'return', '--logLevel', 'warn']);
run('npx', ['vite', 'build', '--mode', 'no-dom', '--logLevel', 'warn']);
run('npx', ['tsc', '-p', 'tsconfig.build.json']);
// custom-elements.json: every tag, attribute, property, event, part, slot and CSS property, from the JSDoc.
run('npx', ['cem', 'analyze', '--litelement', '--quiet', '--globs', 'src/**/*.ts', '--exclude', 'src/**/*.styles.ts', '--exclude', 'src/server/**', '--outdir', 'dist']);
console.log('build: dist/kpg-checkout.js, kpg-shinhan.js, kpg-smartro.js, kpg-return.js, dist/esm/, dist/server/ and dist/custom-elements.json written');
