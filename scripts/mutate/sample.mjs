// @ts-check
// npm run mutate:full -- --sample N [--seed S]: a uniform random sample of N of the scope's generated
// TypeScript mutants, run as the full run would run them, and the score estimated from it with its 95%
// interval. A full run over the whole scope takes days on a 2-core machine (scripts/mutate/plan.mjs); a
// sample of a few hundred takes hours and measures the same thing with a known error (random mutant
// sampling: the score of a uniform sample is an unbiased estimate of the whole set's, its error
// sqrt(p(1-p)/N), smaller still by the finite population correction).
//
// How: Stryker's instrumenter lists every mutant of the scope (as --plan does); a seeded shuffle draws N;
// each drawn mutant's exact span becomes a Stryker `mutate` range (file:line:column-line:column), so
// Stryker instruments only around them; a range also holds the mutants nested inside it, which the test
// runner does not test (scripts/mutate/stryker-runner.mjs: "outside the sample", an error, never a score)
// and the report leaves out. The SQL mutants are not sampled (each runs every SQL test: npm run
// mutate:full -- 'src/server/store/migrations/*.sql' runs them all).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** @typedef {{ file: string, line: number, column: number, endLine: number, endColumn: number, mutator: string, replacement: string }} Drawn */

/** One mutant's identity, the same from the instrumenter (0-based lines), the runner and the report. @param {Drawn} m */
export const sampleKey = (m) => `${m.file}|${m.line}:${m.column}-${m.endLine}:${m.endColumn}|${m.mutator}|${m.replacement}`;

/** The key of a mutant in Stryker's report (mutation-testing-report-schema: 1-based lines and columns). @param {string} file @param {any} m */
export const reportKey = (file, m) =>
  sampleKey({ file, line: m.location.start.line - 1, column: m.location.start.column - 1, endLine: m.location.end.line - 1, endColumn: m.location.end.column - 1, mutator: m.mutatorName, replacement: m.replacement });

/** mulberry32: a small seeded generator, so a sample is drawn again the same from its seed. @param {number} seed */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Every mutant Stryker's instrumenter makes of `files` (every mutator, no test run): what --plan counts and
 * --sample draws from. @param {string} root @param {string[]} files @returns {Promise<any[]>}
 */
export async function generatedMutants(root, files) {
  const require = createRequire(createRequire(import.meta.url).resolve('@stryker-mutator/core'));
  const { Instrumenter } = await import(require.resolve('@stryker-mutator/instrumenter'));
  const quiet = { debug() {}, info() {}, warn() {}, trace() {}, error: console.error, isDebugEnabled: () => false, isTraceEnabled: () => false, isInfoEnabled: () => false };
  const r = await new Instrumenter(quiet).instrument(
    files.map((f) => ({ name: f, content: readFileSync(join(root, f), 'utf8'), mutate: true })),
    { plugins: null, excludedMutations: [], ignorers: [], noHeader: false },
  );
  return r.mutants;
}

/**
 * Every mutant of `files` (Stryker's instrumenter, every mutator) in one order shuffled with `seed`: a sample
 * is its first `n`, a shard its i-th of `of` slices. @param {{ root: string, files: string[], seed: number }} options
 * @returns {Promise<Drawn[]>}
 */
async function shuffled({ root, files, seed }) {
  /** @type {Drawn[]} */
  const all = (await generatedMutants(root, files)).map((/** @type {any} */ m) => ({
    file: m.fileName,
    line: m.location.start.line,
    column: m.location.start.column,
    endLine: m.location.end.line,
    endColumn: m.location.end.column,
    mutator: m.mutatorName,
    replacement: m.replacement,
  }));
  // Fisher-Yates over a copy, in the instrumenter's order (files as given, mutants in source order).
  const next = random(seed);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all;
}

/** The drawn mutants in source order and their spans as Stryker `mutate` ranges. @param {Drawn[]} some */
function asRanges(some) {
  const drawn = [...some].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
  const patterns = [...new Set(drawn.map((m) => `${m.file}:${m.line + 1}:${m.column}-${m.endLine + 1}:${m.endColumn}`))];
  return { drawn, patterns };
}

/**
 * Every mutant of `files`, then `n` of them drawn with `seed`.
 * @param {{ root: string, files: string[], n: number, seed: number }} options
 * @returns {Promise<{ population: number, drawn: Drawn[], patterns: string[] }>}
 */
export async function drawSample({ root, files, n, seed }) {
  const all = await shuffled({ root, files, seed });
  return { population: all.length, ...asRanges(all.slice(0, Math.min(n, all.length))) };
}

/**
 * Shard `shard` of `of` (1-based): the shard-th of `of` slices of one seeded shuffle of every mutant, so the
 * shards of one seed hold every mutant exactly once, and each is itself a uniform random sample of the scope
 * (a slice of a uniform shuffle): a full run split over `of` machines, each shard's scores an estimate.
 * @param {{ root: string, files: string[], shard: number, of: number, seed: number }} options
 * @returns {Promise<{ population: number, drawn: Drawn[], patterns: string[] }>}
 */
export async function drawShard({ root, files, shard, of, seed }) {
  const all = await shuffled({ root, files, seed });
  const [from, to] = shardBounds(all.length, shard, of);
  return { population: all.length, ...asRanges(all.slice(from, to)) };
}

/** Where shard `shard` of `of` (1-based) begins and ends in a list of `total`: sizes differ by one at most. @param {number} total @param {number} shard @param {number} of */
export function shardBounds(total, shard, of) {
  if (!Number.isInteger(of) || of < 1 || !Number.isInteger(shard) || shard < 1 || shard > of) throw new Error(`--shard ${shard}/${of}: write i/n with 1 <= i <= n, e.g. --shard 3/64`);
  return [Math.floor(((shard - 1) * total) / of), Math.floor((shard * total) / of)];
}

/**
 * The estimate of a score from a sample: p = detected / (detected + undetected) and its 95% interval,
 * Wilson's (it stays inside 0-100% where p is near 100%) with the finite population correction taken into
 * the sample's effective size (n (N - 1) / (N - n)): a sample of the whole population is exact.
 * @param {number} detected @param {number} undetected @param {number} population
 */
export function estimate(detected, undetected, population) {
  const n = detected + undetected;
  if (!n) return { p: NaN, low: NaN, high: NaN };
  const p = detected / n;
  if (population <= n) return { p: 100 * p, low: 100 * p, high: 100 * p };
  const m = (n * (population - 1)) / (population - n);
  const zz = 1.96 * 1.96;
  const centre = (p + zz / (2 * m)) / (1 + zz / m);
  const half = Math.sqrt((p * (1 - p)) / m + zz / (4 * m * m)) * (1.96 / (1 + zz / m));
  return { p: 100 * p, low: 100 * Math.max(0, centre - half), high: 100 * Math.min(1, centre + half) };
}
