// Builds kpg-checkout/server: src/server/ (strict TypeScript, Node types, no DOM) -> dist/server/ (ES modules
// + .d.ts), with the SQL migrations copied beside the module that runs them. `npm run build` and `npm test`
// run it through scripts/build.mjs; `npm start` runs it first (prestart), so the demo runs on what ships.
// Written to a staging folder and moved into place file by file (scripts/publish.mjs), so a second npm test
// running in this checkout never imports a half-built server.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { publish, stage } from './publish.mjs';

const out = stage('dist/server');
execFileSync('npx', ['tsc', '-p', 'tsconfig.server.json', '--outDir', out], { stdio: 'inherit' });
cpSync('src/server/store/migrations', join(out, 'store/migrations'), { recursive: true, filter: (p) => !p.endsWith('.ts') });
chmodSync(join(out, 'cli.js'), 0o755);
// The OpenAPI document, shipped as kpg-checkout/server/openapi.json (basePath /api/kpg): made by the module
// the server serves it from (src/server/openapi.ts), so the file and GET {base}/openapi.json are the same.
const { openApiDocument } = await import(pathToFileURL(join(out, 'openapi.js')).href);
writeFileSync(join(out, 'openapi.json'), `${JSON.stringify(openApiDocument(), null, 2)}\n`);
publish(out, 'dist/server');
