// Builds kpg-checkout/server: src/server/ (strict TypeScript, Node types, no DOM) -> dist/server/ (ES modules
// + .d.ts), with the SQL migrations copied beside the module that runs them. `npm run build` and `npm test`
// run it through scripts/build.mjs; `npm start` runs it first (prestart), so the demo runs on what ships.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, rmSync } from 'node:fs';

rmSync('dist/server', { recursive: true, force: true });
execFileSync('npx', ['tsc', '-p', 'tsconfig.server.json'], { stdio: 'inherit' });
cpSync('src/server/store/migrations', 'dist/server/store/migrations', { recursive: true, filter: (p) => !p.endsWith('.ts') });
chmodSync('dist/server/cli.js', 0o755);
