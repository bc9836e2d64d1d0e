// @ts-check
// The end of npm run mutate:full: merges Stryker's results (reports/mutation/stryker.json) and the SQL
// mutants' (reports/mutation/sql.json) for the files of the last run, sets apart the survivors that
// test/mutants/equivalent.json argues to be equivalent, prints the score per file and the survivors left,
// and writes reports/mutation/mutation.json and the HTML report reports/mutation/index.html.
//
// Score = detected / (detected + undetected): detected = Killed + Timeout; undetected = Survived +
// NoCoverage; a triaged equivalent counts in neither (it is listed apart); CompileError / RuntimeError
// mutants are no mutants at all (they cannot run). Targets (issue 20): 90% in src/server, 85% in the widget.
//
// test/mutants/equivalent.json: one entry per equivalent mutant:
//   { "file", "line", "mutator", "code", "replacement", "reason" }
// `code` is the source line (trimmed) as it is now; `line` only picks among identical lines. An entry
// matches a surviving mutant of that file and mutator, with that replacement, on a line whose text is
// `code`. When the line changes the entry matches nothing and is reported STALE: the argument was about
// code that is gone, so it must be made again (or the entry deleted).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { estimate, reportKey } from './sample.mjs';

export const TARGETS = { server: 90, widget: 85 };
const UNDETECTED = ['Survived', 'NoCoverage'];
const DETECTED = ['Killed', 'Timeout'];

/**
 * One argued equivalent: the mutant of `file` on the line whose trimmed text is `code` (the nearest to `line`
 * when the text repeats), of `mutator`, that replaces `original` with `replacement`; `at` (where `original`
 * begins in the trimmed line) when the line has two such mutants of the same text.
 * @typedef {{ file: string, line: number, mutator: string, code: string, original: string, at?: number, replacement: string, reason: string }} Equivalent
 */

/** @param {string} root @returns {Equivalent[]} */
export function readEquivalents(root) {
  const path = join(root, 'test/mutants/equivalent.json');
  if (!existsSync(path)) return [];
  const list = JSON.parse(readFileSync(path, 'utf8'));
  for (const e of list) {
    for (const k of ['file', 'line', 'mutator', 'code', 'original', 'replacement', 'reason'])
      if (e[k] === undefined) throw new Error(`test/mutants/equivalent.json: an entry lacks "${k}": ${JSON.stringify(e)}`);
    if (String(e.reason).trim().length < 40) throw new Error(`test/mutants/equivalent.json: "${e.code}": a reason must argue why no test can tell (40 characters at least)`);
  }
  return list;
}

/** The trimmed source line of a mutant (the report's form: 1-based lines and columns). @param {string} source @param {any} m */
const lineOf = (source, m) => (source.split('\n')[m.location.start.line - 1] ?? '').trim();

/**
 * The text a mutant replaces, and where it begins in its trimmed line (the report's form: 1-based lines and
 * columns). @param {string} source @param {any} m @returns {{ text: string, at: number }}
 */
export function spanOf(source, m) {
  const lines = source.split('\n');
  const { start, end } = m.location;
  const first = lines[start.line - 1] ?? '';
  const text =
    start.line === end.line
      ? first.slice(start.column - 1, end.column - 1)
      : [first.slice(start.column - 1), ...lines.slice(start.line, end.line - 1), (lines[end.line - 1] ?? '').slice(0, end.column - 1)].join('\n');
  return { text, at: start.column - 1 - (first.length - first.trimStart().length) };
}

/** Whether mutant `m` of `source` is the one entry `e` argues (its line text, mutator, replacement and span). @param {string} source @param {any} m @param {Equivalent} e */
export function argues(source, m, e) {
  if (m.mutatorName !== e.mutator || m.replacement !== e.replacement || lineOf(source, m) !== e.code.trim()) return false;
  const span = spanOf(source, m);
  return span.text === e.original && (e.at === undefined || span.at === e.at);
}

/**
 * Marks the equivalent survivors of `files` (status Ignored, statusReason "equivalent: ..."). Returns the
 * entries that matched nothing (stale) among those for these files.
 * @param {Record<string, any>} files @param {Equivalent[]} equivalents
 */
export function applyEquivalents(files, equivalents) {
  /** @type {Equivalent[]} */
  const stale = [];
  for (const e of equivalents) {
    const f = files[e.file];
    if (!f) continue; // not in this run
    const candidates = f.mutants.filter(
      (/** @type {any} */ m) => !m.equivalent && UNDETECTED.includes(m.status) && argues(f.source, m, e),
    );
    candidates.sort((/** @type {any} */ a, /** @type {any} */ b) => Math.abs(a.location.start.line - e.line) - Math.abs(b.location.start.line - e.line));
    const m = candidates[0];
    if (!m) {
      stale.push(e);
      continue;
    }
    m.equivalent = e.reason;
    m.statusReason = `equivalent (test/mutants/equivalent.json): ${e.reason}`;
    m.originalStatus = m.status;
    m.status = 'Ignored';
  }
  return stale;
}

/** @param {any[]} mutants */
function tally(mutants) {
  const n = (/** @type {(m: any) => boolean} */ p) => mutants.filter(p).length;
  const detected = n((m) => DETECTED.includes(m.status));
  const undetected = n((m) => UNDETECTED.includes(m.status));
  return {
    total: mutants.length,
    killed: n((m) => m.status === 'Killed'),
    timeout: n((m) => m.status === 'Timeout'),
    survived: n((m) => m.status === 'Survived'),
    noCoverage: n((m) => m.status === 'NoCoverage'),
    equivalent: n((m) => !!m.equivalent),
    invalid: n((m) => m.status === 'CompileError' || m.status === 'RuntimeError'),
    score: detected + undetected ? (100 * detected) / (detected + undetected) : NaN,
  };
}

const isServer = (/** @type {string} */ f) => f.startsWith('src/server/');

/**
 * @param {{ out: string, root: string }} options
 * @returns {number} the exit code
 */
export function finish({ out, root }) {
  const last = existsSync(join(out, 'last-run.json')) ? JSON.parse(readFileSync(join(out, 'last-run.json'), 'utf8')) : undefined;
  if (!last) {
    console.error('mutate:full: no run to report yet (reports/mutation/last-run.json)');
    return 2;
  }
  const wanted = new Set(last.files);
  /** @type {any} */
  let report = { schemaVersion: '2', thresholds: { high: 90, low: 85 }, files: {} };
  if (existsSync(join(out, 'stryker.json'))) {
    report = JSON.parse(readFileSync(join(out, 'stryker.json'), 'utf8'));
    for (const f of Object.keys(report.files)) if (!wanted.has(f)) delete report.files[f];
  }
  if (existsSync(join(out, 'sql.json'))) {
    const sql = JSON.parse(readFileSync(join(out, 'sql.json'), 'utf8'));
    for (const [f, data] of Object.entries(sql.files)) if (wanted.has(f)) report.files[f] = data;
  }
  // --sample: only the drawn mutants count (the others in their spans were not tested).
  const sample = last.sample;
  if (sample) {
    const keys = new Set(sample.keys);
    for (const [f, data] of Object.entries(report.files)) {
      data.mutants = data.mutants.filter((/** @type {any} */ m) => keys.has(reportKey(f, m)));
      if (!data.mutants.length) delete report.files[f];
    }
  }
  // In a sample, an entry whose mutant was not drawn matches nothing: it is stale only when its line is gone.
  const stale = applyEquivalents(report.files, readEquivalents(root)).filter(
    (e) => !sample || !readFileSync(join(root, e.file), 'utf8').split('\n').some((l) => l.trim() === e.code.trim()),
  );

  const rows = Object.keys(report.files).sort();
  const pad = (/** @type {unknown} */ s, /** @type {number} */ n) => String(s).padStart(n);
  const fmt = (/** @type {number} */ s) => (Number.isNaN(s) ? '   - ' : `${s.toFixed(1)}%`.padStart(6));
  console.log(`\n${'file'.padEnd(44)} ${pad('mutants', 7)} ${pad('killed', 6)} ${pad('timeout', 7)} ${pad('survived', 8)} ${pad('no cov', 6)} ${pad('equiv', 5)} ${pad('invalid', 7)}  score`);
  for (const f of rows) {
    const t = tally(report.files[f].mutants);
    console.log(`${f.padEnd(44)} ${pad(t.total, 7)} ${pad(t.killed, 6)} ${pad(t.timeout, 7)} ${pad(t.survived, 8)} ${pad(t.noCoverage, 6)} ${pad(t.equivalent, 5)} ${pad(t.invalid, 7)} ${fmt(t.score)}`);
  }
  let below = false;
  for (const [group, target] of Object.entries(TARGETS)) {
    const mutants = rows.filter((f) => (group === 'server') === isServer(f)).flatMap((f) => report.files[f].mutants);
    if (!mutants.length) continue;
    const t = tally(mutants);
    const ok = t.score >= target;
    below ||= !ok;
    console.log(`${`= ${group === 'server' ? 'src/server (+ SQL)' : 'widget'}`.padEnd(44)} ${pad(t.total, 7)} ${pad(t.killed, 6)} ${pad(t.timeout, 7)} ${pad(t.survived, 8)} ${pad(t.noCoverage, 6)} ${pad(t.equivalent, 5)} ${pad(t.invalid, 7)} ${fmt(t.score)}  target ${target}%: ${ok ? 'met' : 'NOT met'}${sample ? ' (in the sample)' : ''}`);
  }
  if (sample) {
    // The whole scope's scores, estimated from the sample: each group's share of the population is taken
    // as its share of the sample (a uniform draw), and its interval is Wilson's with the finite correction.
    console.log(`\n${sample.shard ? `Shard ${sample.shard.i} of ${sample.shard.of}, a uniform random slice` : last.merged ? `${last.merged.shards.length} of ${last.merged.of} shards, a uniform random sample` : 'A uniform random sample'} of ${sample.n} of the scope's ${sample.population} TypeScript mutants (seed ${sample.seed}); the scope's scores estimated from it:`);
    for (const [group, target] of Object.entries(TARGETS)) {
      const mutants = rows.filter((f) => (group === 'server') === isServer(f)).flatMap((f) => report.files[f].mutants);
      if (!mutants.length) continue;
      const t = tally(mutants);
      const detected = t.killed + t.timeout;
      const undetected = t.survived + t.noCoverage;
      const share = Math.round((sample.population * mutants.length) / sample.n);
      const e = estimate(detected, undetected, share);
      console.log(`  ${group === 'server' ? 'src/server' : 'widget'}: ${detected} of ${detected + undetected} detected (${t.equivalent} equivalent, ${t.invalid} invalid): ${e.p.toFixed(1)}%, 95% interval ${e.low.toFixed(1)}-${e.high.toFixed(1)}% (about ${share} mutants in the scope); target ${target}%: ${e.low >= target ? 'met' : e.high < target ? 'NOT met' : 'inside the interval'}`);
    }
  }

  const left = rows.flatMap((f) => report.files[f].mutants.filter((/** @type {any} */ m) => UNDETECTED.includes(m.status)).map((/** @type {any} */ m) => ({ f, m })));
  if (left.length) {
    console.log(`\n${left.length} survivors to triage (kill with a test, or argue in test/mutants/equivalent.json):`);
    for (const { f, m } of left) {
      const source = report.files[f].source;
      console.log(`  ${f}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName}${m.status === 'NoCoverage' ? ' (no test reaches it)' : ''}: ${JSON.stringify(snippet(source, m))} -> ${JSON.stringify(m.replacement.length > 80 ? `${m.replacement.slice(0, 77)}...` : m.replacement)}`);
    }
  }
  // Runs in which a test file failed as a whole and which were run again (scripts/mutate/stryker-runner.mjs):
  // what each run said, so that a kill by a broken file can be read, not taken on trust.
  const timing = join(out, 'timing.jsonl');
  const rechecked = existsSync(timing)
    ? readFileSync(timing, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((r) => r.rechecked)
    : [];
  if (rechecked.length) {
    console.log(`\n${rechecked.length} mutants whose test file failed as a whole (no test in it) were run again:`);
    for (const r of rechecked) console.log(`  ${r.file} mutant ${r.id}: ${r.status}: ${r.rechecked}`);
  }
  if (stale.length) {
    console.log(`\n${stale.length} STALE entries of test/mutants/equivalent.json (no surviving mutant matches them: the code changed, or a test now kills it):`);
    for (const e of stale) console.log(`  ${e.file}:${e.line} ${e.mutator} ${JSON.stringify(e.code)} -> ${JSON.stringify(e.replacement)}`);
  }

  writeFileSync(join(out, 'mutation.json'), JSON.stringify(report));
  writeFileSync(join(out, 'index.html'), html(report));
  console.log(`\nmutate:full: ${rows.length} files in ${last.minutes?.toFixed(1) ?? '?'} min (concurrency ${last.concurrency ?? '?'}); report: ${join(out, 'index.html')}`);
  return below && process.argv.includes('--strict') ? 1 : 0;
}

/** The mutated code (one line, at most 80 characters). @param {string} source @param {any} m */
function snippet(source, m) {
  const lines = source.split('\n');
  const { start, end } = m.location;
  const text =
    start.line === end.line
      ? lines[start.line - 1].slice(start.column - 1, end.column - 1)
      : [lines[start.line - 1].slice(start.column - 1), ...lines.slice(start.line, end.line - 1), lines[end.line - 1].slice(0, end.column - 1)].join('\n');
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 80 ? `${one.slice(0, 77)}...` : one;
}

/** Stryker's own HTML report (mutation-testing-elements), of the merged results. @param {any} report */
function html(report) {
  const require = createRequire(createRequire(import.meta.url).resolve('@stryker-mutator/core'));
  const script = readFileSync(require.resolve('mutation-testing-elements/dist/mutation-test-elements.js'), 'utf8');
  const json = JSON.stringify(report).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>kpg-checkout: npm run mutate:full</title><script>${script}</script></head>
<body><mutation-test-report-app title-postfix="kpg-checkout"></mutation-test-report-app>
<script>document.querySelector('mutation-test-report-app').report = ${json};</script></body></html>
`;
}
