import { build } from 'vite';
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
const base = `import * as z from 'zod/mini'; z.config({jitless:true});
const S = z.looseObject({ a: z.string().check(z.regex(/x/)), b: z.optional(z.nullable(z.union([z.string(), z.number()]))), c: z.array(z.unknown()), d: z.enum(['a','b']) });
window.r = [S.safeParse(window.x)];`;
const only = {
  str: `import * as z from 'zod/mini'; z.config({jitless:true}); window.r = z.string().safeParse(window.x);`,
  obj: `import * as z from 'zod/mini'; z.config({jitless:true}); window.r = z.object({a: z.string()}).safeParse(window.x);`,
  objenum: `import * as z from 'zod/mini'; z.config({jitless:true}); window.r = z.object({a: z.string(), b: z.enum(['x'])}).safeParse(window.x);`,
  objregex: `import * as z from 'zod/mini'; z.config({jitless:true}); window.r = z.object({a: z.string().check(z.regex(/x/))}).safeParse(window.x);`,
  objopt: `import * as z from 'zod/mini'; z.config({jitless:true}); window.r = z.object({a: z.optional(z.string())}).safeParse(window.x);`,
  objunion: `import * as z from 'zod/mini'; z.config({jitless:true}); window.r = z.object({a: z.union([z.string(), z.number()])}).safeParse(window.x);`,
  objarr: `import * as z from 'zod/mini'; z.config({jitless:true}); window.r = z.object({a: z.array(z.string())}).safeParse(window.x);`,
};
for (const [k, v] of Object.entries(only)) {
  writeFileSync('.ztmp/e.js', v);
  await build({ configFile: false, logLevel: 'error', build: { outDir: '.ztmp/out', emptyOutDir: true, target: 'es2022', lib: { entry: '.ztmp/e.js', formats: ['iife'], name: 'X', fileName: () => 'e.js' } } });
  console.log(k, gzipSync(readFileSync('.ztmp/out/e.js'), { level: 9 }).length);
}
const extras = {
  none: '',
  minmax: `window.r.push(z.string().check(z.minLength(1), z.maxLength(3)).safeParse(1));`,
  gtelte: `window.r.push(z.number().check(z.gte(1), z.lte(3), z.positive()).safeParse(1));`,
  int: `window.r.push(z.int().safeParse(1));`,
  literal: `window.r.push(z.literal('x').safeParse(1));`,
  record: `window.r.push(z.record(z.string(), z.unknown()).safeParse(1));`,
  custom: `window.r.push(z.custom((v) => typeof v === 'function').safeParse(1));`,
  refine: `window.r.push(z.string().check(z.refine((v) => !!v)).safeParse(1));`,
  coerce: `window.r.push(z.coerce.number().safeParse(1));`,
  strictObject: `window.r.push(z.object({a: z.string()}).safeParse(1));`,
  catchall: `window.r.push(z.catchall(z.object({}), z.string()).safeParse(1));`,
};
const res = {};
for (const [k, v] of Object.entries(extras)) {
  writeFileSync('.ztmp/e.js', base + v);
  await build({ configFile: false, logLevel: 'error', build: { outDir: '.ztmp/out', emptyOutDir: true, target: 'es2022', lib: { entry: '.ztmp/e.js', formats: ['iife'], name: 'X', fileName: () => 'e.js' } } });
  res[k] = gzipSync(readFileSync('.ztmp/out/e.js'), { level: 9 }).length;
}
for (const [k, v] of Object.entries(res)) console.log(k, v, v - res.none);
