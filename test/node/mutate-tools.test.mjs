// @ts-check
/**
 * npm run mutate:full's own parts that decide a verdict without running it (scripts/mutate/): the SQL
 * generator's mutants, the triage of equivalents (test/mutants/equivalent.json) and the scope's globs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { applyEquivalents, argues, readEquivalents } from '../../scripts/mutate/report.mjs';
import { SERVER, WIDGET, expand, globRe } from '../../scripts/mutate/scope.mjs';
import { sqlMutants } from '../../scripts/mutate/sql.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;

test('SQL mutants: every constraint weakened one piece at a time, each a change of exactly its own text', () => {
  const file = 'src/server/store/migrations/002_vbank.sql';
  const sql = readFileSync(join(ROOT, file), 'utf8');
  const mutants = sqlMutants(file, sql);
  const applied = (/** @type {any} */ m) => sql.slice(0, m.start) + m.replacement + sql.slice(m.end);
  // "One column of a constraint": each column of the account check dropped on its own.
  const check = mutants.filter((m) => m.mutatorName === 'BooleanTerm' && /IS NOT NULL/.test(m.original));
  for (const column of ['claimed_tid', 'bank_name', 'vbank_holder', 'vbank_due_date']) {
    const m = check.find((x) => x.original.includes(`${column} IS NOT NULL`) && !x.original.includes('OR'));
    assert.ok(m, `a mutant drops ${column} from the account check`);
    const after = applied(m);
    assert.ok(!new RegExp(`${column} IS NOT NULL`).test(after.slice(after.indexOf('kpg_attempts_awaiting_has_account'))), column);
    assert.match(after, /ADD CONSTRAINT kpg_attempts_awaiting_has_account CHECK \(/);
  }
  const kinds = new Set(mutants.map((m) => m.mutatorName));
  for (const k of ['UniqueIndex', 'PartialIndex', 'DropCheck', 'BooleanTerm', 'InList', 'Equality', 'Boundary', 'RegexQuantifier', 'BooleanLiteral']) assert.ok(kinds.has(k), k);
  for (const m of mutants) {
    assert.equal(sql.slice(m.start, m.end), m.original);
    assert.notEqual(applied(m), sql, `${m.id} changes something`);
    assert.ok(!/IS\s*;|WHERE\s*;|\(\s*(AND|OR)\b|\b(AND|OR)\s*\)/i.test(applied(m).replace(/--[^\n]*/g, '')), `${m.id} leaves no dangling operator`);
  }
  assert.equal(new Set(mutants.map((m) => `${m.start}:${m.end}:${m.replacement}`)).size, mutants.length, 'no mutant twice');
});

test('equivalents: a survivor matched by file, mutator, replacement, its line and the text it replaces is set apart; an entry that matches nothing is stale; a shrug is refused', () => {
  const source = "const a = 1;\nif (x > 0) go();\nif (x > 0) go();\nsay(x ? 'keep' : 'settled', 'keep');\n";
  // The report's form: 1-based lines and columns.
  const at = (/** @type {number} */ line, /** @type {number} */ column, /** @type {number} */ end, mutatorName = 'EqualityOperator', replacement = 'x >= 0', status = 'Survived') => ({ mutatorName, replacement, status, location: { start: { line, column }, end: { line, column: end } } });
  const literal = (/** @type {number} */ column, /** @type {number} */ end) => at(4, column, end, 'StringLiteral', '""');
  const files = { 'src/x.ts': { source, mutants: [at(2, 5, 10), at(3, 5, 10), at(3, 5, 10, 'EqualityOperator', 'x >= 0', 'Killed'), literal(9, 15), literal(18, 27), literal(29, 35)] } };
  const reason = 'x is an integer count here and never 0 when go() can run: >= and > decide alike';
  const line4 = "say(x ? 'keep' : 'settled', 'keep');";
  const stale = applyEquivalents(/** @type {any} */ (files), [
    { file: 'src/x.ts', line: 3, mutator: 'EqualityOperator', code: 'if (x > 0) go();', original: 'x > 0', replacement: 'x >= 0', reason },
    { file: 'src/x.ts', line: 9, mutator: 'EqualityOperator', code: 'if (x < 0) go();', original: 'x < 0', replacement: 'x >= 0', reason },
    { file: 'src/other.ts', line: 1, mutator: 'EqualityOperator', code: 'x', original: 'x', replacement: 'y', reason },
    // Three string literals on one line: the entry argues the second 'keep' only (at), never 'settled'.
    { file: 'src/x.ts', line: 4, mutator: 'StringLiteral', code: line4, original: "'keep'", at: 28, replacement: '""', reason },
    // One whose text is not on the line it names is stale, even though other literals there survive.
    { file: 'src/x.ts', line: 4, mutator: 'StringLiteral', code: line4, original: "'replace'", replacement: '""', reason },
  ]);
  const statuses = files['src/x.ts'].mutants.map((/** @type {any} */ m) => m.status);
  assert.deepEqual(statuses, ['Survived', 'Ignored', 'Killed', 'Survived', 'Survived', 'Ignored'], 'the survivor on the nearest identical line, not a killed one; of a line\'s literals, the one argued');
  assert.deepEqual(stale.map((e) => [e.line, e.original]), [[9, 'x < 0'], [4, "'replace'"]], 'a file not in this run is not stale');

  const dir = mkdtempSync(join(tmpdir(), 'kpg-equiv-'));
  mkdirSync(join(dir, 'test/mutants'), { recursive: true });
  writeFileSync(join(dir, 'test/mutants/equivalent.json'), JSON.stringify([{ file: 'a', line: 1, mutator: 'm', code: 'c', original: 'c', replacement: 'r', reason: 'equivalent' }]));
  assert.throws(() => readEquivalents(dir), /must argue/);
  writeFileSync(join(dir, 'test/mutants/equivalent.json'), JSON.stringify([{ file: 'a', line: 1, mutator: 'm', code: 'c', replacement: 'r', reason }]));
  assert.throws(() => readEquivalents(dir), /lacks "original"/);
});

// Seed 1224's draw held the 'settled' literal of a line whose 'keep' literal was argued equivalent: matched by
// line, mutator and replacement alone, that entry would have set apart a mutant nobody argued.
test("the repository's equivalents each name exactly one mutant of the code as it is now, and no two the same", async () => {
  const { generatedMutants } = await import('../../scripts/mutate/sample.mjs');
  const equivalents = readEquivalents(ROOT);
  const files = [...new Set(equivalents.map((e) => e.file))];
  const sources = Object.fromEntries(files.map((f) => [f, readFileSync(join(ROOT, f), 'utf8')]));
  // The instrumenter's form (0-based lines and columns) as the report's.
  const mutants = (await generatedMutants(ROOT, files)).map((/** @type {any} */ m) => ({
    ...m,
    location: { start: { line: m.location.start.line + 1, column: m.location.start.column + 1 }, end: { line: m.location.end.line + 1, column: m.location.end.column + 1 } },
  }));
  /** @type {Set<any>} */
  const taken = new Set();
  for (const e of equivalents) {
    const what = `${e.file}:${e.line} ${e.mutator} ${e.original} -> ${e.replacement}`;
    const candidates = mutants.filter((m) => m.fileName === e.file && argues(sources[e.file], m, e));
    assert.ok(candidates.length > 0, `${what}: no such mutant in the code now (stale: the code changed; argue the mutant again or drop the entry)`);
    const distance = (/** @type {any} */ m) => Math.abs(m.location.start.line - e.line);
    candidates.sort((a, b) => distance(a) - distance(b));
    assert.ok(candidates.length === 1 || distance(candidates[0]) < distance(candidates[1]), `${what}: names ${candidates.length} mutants as near as each other (give "at")`);
    assert.ok(!taken.has(candidates[0]), `${what}: another entry names the same mutant`);
    taken.add(candidates[0]);
  }
});

test('scope: the globs find the money code and no file outside it', () => {
  assert.ok(globRe('src/server/**/*.ts').test('src/server/providers/shinhan.ts'));
  assert.ok(globRe('src/server/**/*.ts').test('src/server/app.ts'));
  assert.ok(!globRe('src/server/*.ts').test('src/server/providers/shinhan.ts'));
  const server = expand(SERVER.include, SERVER.exclude, ROOT);
  assert.deepEqual(server.empty, []);
  for (const f of ['src/server/state.ts', 'src/server/store/sql-store.ts', 'src/server/redact.ts', 'src/server/limits.ts']) assert.ok(server.files.includes(f), f);
  for (const f of ['src/server/cli.ts', 'src/server/log.ts']) assert.ok(!server.files.includes(f), f);
  // Every node test the server's mutants run is there (a renamed file would silently leave the set).
  const tests = expand(SERVER.tests, [], ROOT);
  assert.deepEqual(tests.empty, []);
  for (const f of ['test/node/openapi.test.mjs', 'test/node/smartro-env.test.mjs', 'test/node/server-relay.test.mjs']) assert.ok(tests.files.includes(f), f);
  const widget = expand(WIDGET.include, WIDGET.exclude, ROOT);
  for (const f of ['src/origins.ts', 'src/charset.ts', 'src/schemas.ts']) assert.ok(widget.files.includes(f), f);
  assert.ok(widget.files.every((f) => !f.startsWith('src/server/')));
});

test('--sample: a seeded uniform draw of the scope\'s mutants (the same again from its seed), each drawn span a Stryker range, and the estimate\'s 95% interval', async () => {
  const { drawSample, estimate, reportKey, sampleKey } = await import('../../scripts/mutate/sample.mjs');
  const files = ['src/server/tax.ts', 'src/server/redact.ts'];
  const a = await drawSample({ root: ROOT, files, n: 10, seed: 7 });
  const b = await drawSample({ root: ROOT, files, n: 10, seed: 7 });
  const c = await drawSample({ root: ROOT, files, n: 10, seed: 8 });
  assert.equal(a.drawn.length, 10);
  assert.ok(a.population > 50, `${a.population} mutants in tax.ts and redact.ts`);
  assert.deepEqual(a.drawn, b.drawn, 'one seed, one sample');
  assert.notDeepEqual(a.drawn.map(sampleKey), c.drawn.map(sampleKey), 'another seed, another sample');
  assert.equal(new Set(a.drawn.map(sampleKey)).size, 10, 'drawn without replacement');
  // Each drawn mutant's span is a range of Stryker's `mutate` (1-based lines, 0-based columns).
  for (const m of a.drawn) assert.ok(a.patterns.includes(`${m.file}:${m.line + 1}:${m.column}-${m.endLine + 1}:${m.endColumn}`), sampleKey(m));
  // All of them when the sample is as large as the scope.
  assert.equal((await drawSample({ root: ROOT, files: ['src/server/tax.ts'], n: 1e6, seed: 1 })).drawn.length, 18);
  // The report's form of a mutant (1-based lines and columns) is the same key.
  const m = a.drawn[0];
  assert.equal(reportKey(m.file, { location: { start: { line: m.line + 1, column: m.column + 1 }, end: { line: m.endLine + 1, column: m.endColumn + 1 } }, mutatorName: m.mutator, replacement: m.replacement }), sampleKey(m));
  // Wilson's interval with the finite population correction: inside 0-100%, around p, exact for the whole population.
  const e = estimate(180, 20, 11000);
  assert.equal(e.p, 90);
  assert.ok(e.low > 85 && e.low < 86 && e.high > 93 && e.high < 94, JSON.stringify(e));
  assert.deepEqual(estimate(0, 4, 18).low, 0);
  assert.ok(estimate(50, 0, 1000).high === 100 && estimate(50, 0, 1000).low > 90);
  assert.deepEqual(estimate(5, 5, 10), { p: 50, low: 50, high: 50 });
  assert.ok(estimate(180, 20, 400).high - estimate(180, 20, 400).low < e.high - e.low, 'a sample of half the population knows more');
});

test('browser mutants: a shop page the test opens (iframe, window) shares the test page\'s __stryker__, so code running there is covered and mutated; a page with a CSP is left alone', async () => {
  const { shareStryker } = await import('../../scripts/mutate/wtr.config.mjs');
  const serve = async (/** @type {string} */ path, /** @type {Record<string, string>} */ query, /** @type {string} */ body) => {
    const ctx = { path, query, body: '' };
    await shareStryker(ctx, async () => {
      ctx.body = body;
    });
    return ctx.body;
  };
  const page = '<!doctype html><html><head><meta charset="euc-kr"></head><body><kpg-checkout></kpg-checkout></body></html>';
  const shared = await serve('/__fixture/page', { charset: 'euc-kr' }, page);
  assert.ok(shared.startsWith('<!doctype html><html><head><script>'), 'first in <head>, after the doctype (no quirks mode)');
  assert.match(shared, /window\.__stryker__=kpgMutOwner\.__stryker__/);
  assert.ok(shared.endsWith('<meta charset="euc-kr"></head><body><kpg-checkout></kpg-checkout></body></html>'));
  assert.equal(await serve('/__fixture/page', { csp: "script-src 'self'" }, page), page);
  assert.equal(await serve('/__fixture/capture', {}, page), page);
});

test('server-from-src: a file read beside dist/server/ is read from dist/, also where the mutation tool instrumented its path', async () => {
  const { besideDist } = await import('./fixtures/server-from-src.mjs');
  const plain = "readFile(new URL('../kpg-admin.js', import.meta.url), 'utf8')";
  assert.equal(besideDist(plain, 'file:///r/'), 'readFile(new URL("file:///r/dist/kpg-admin.js", import.meta.url), \'utf8\')');
  const instrumented = 'readFile(new URL(stryMutAct_9fa48("1") ? "" : (stryCov_9fa48("1"), \'../kpg-admin.js\'), import.meta.url), \'utf8\')';
  assert.equal(besideDist(instrumented, 'file:///r/'), 'readFile(new URL(stryMutAct_9fa48("1") ? "" : (stryCov_9fa48("1"), "file:///r/dist/kpg-admin.js"), import.meta.url), \'utf8\')');
  // Inside src/server/ (the migrations a SQL mutant changes) and module specifiers: as they are.
  for (const same of ["new URL('./migrations/', import.meta.url)", "import { x } from '../http.js';"]) assert.equal(besideDist(same, 'file:///r/'), same);
});

test('--shard i/n: the shards of one seed hold every mutant of the scope exactly once, in parts that differ by one at most; a shard is a slice of the same shuffle a sample is cut from', async () => {
  const { drawSample, drawShard, sampleKey, shardBounds } = await import('../../scripts/mutate/sample.mjs');
  const files = ['src/server/tax.ts', 'src/server/redact.ts'];
  const all = await drawSample({ root: ROOT, files, n: 1e6, seed: 3 });
  const shards = await Promise.all([1, 2, 3, 4].map((i) => drawShard({ root: ROOT, files, shard: i, of: 4, seed: 3 })));
  const keys = shards.flatMap((s) => s.drawn.map(sampleKey));
  assert.equal(keys.length, all.population, 'no mutant in two shards');
  assert.deepEqual(new Set(keys), new Set(all.drawn.map(sampleKey)), 'every mutant in one');
  const sizes = shards.map((s) => s.drawn.length);
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `sizes ${sizes}`);
  // Shard 1 is the sample of its size with the same seed: both are cut from one shuffle.
  assert.deepEqual(shards[0].drawn, (await drawSample({ root: ROOT, files, n: sizes[0], seed: 3 })).drawn);
  assert.deepEqual(shardBounds(11141, 64, 64), [10966, 11141]);
  assert.deepEqual(shardBounds(10, 1, 1), [0, 10]);
  for (const [i, n] of [[0, 4], [5, 4], [1.5, 4], [1, 0]]) assert.throws(() => shardBounds(10, i, n), /--shard .*1 <= i <= n/);
});

test('--merge: each mutant is taken from the shard that drew it (not from a shard whose span only held it), tests renumbered by name; all shards give the exact scores, some an estimate; shards of other code or another split are refused', async () => {
  const { merge } = await import('../../scripts/mutate/merge.mjs');
  const { finish } = await import('../../scripts/mutate/report.mjs');
  const { sampleKey } = await import('../../scripts/mutate/sample.mjs');
  const dir = mkdtempSync(join(tmpdir(), 'kpg-merge-'));
  const source = 'export const a = 1 + 2;\nexport const b = a > 2;\n';
  const file = 'src/server/x.ts';
  const mutant = (/** @type {number} */ line, /** @type {string} */ replacement, /** @type {string} */ status, /** @type {string[]} */ coveredBy) => ({
    id: `${line}${replacement}`,
    mutatorName: 'M',
    replacement,
    status,
    coveredBy,
    ...(status === 'Killed' ? { killedBy: coveredBy } : {}),
    location: { start: { line, column: 1 }, end: { line, column: 5 } },
  });
  const key = (/** @type {any} */ m) => sampleKey({ file, line: m.location.start.line - 1, column: 0, endLine: m.location.end.line - 1, endColumn: 4, mutator: 'M', replacement: m.replacement });
  const m1 = mutant(1, 'a - 2', 'Killed', ['0']);
  const m2 = mutant(2, 'a < 2', 'Survived', ['0']);
  const m3 = mutant(2, 'true', 'Killed', ['1']);
  /** @param {string} name @param {number} i @param {any[]} own @param {any[]} nested @param {{ source?: string, seed?: number, ids?: string[] }} [o] */
  const shard = (name, i, own, nested, o = {}) => {
    const d = join(dir, name);
    mkdirSync(d);
    const ids = o.ids ?? ['0', '1'];
    writeFileSync(join(d, 'last-run.json'), JSON.stringify({ files: [file], minutes: 2, concurrency: 2, sample: { n: own.length, seed: o.seed ?? 1, population: 3, keys: own.map(key), shard: { i, of: 3 } } }));
    const rename = (/** @type {any} */ m) => ({ ...m, coveredBy: m.coveredBy.map((/** @type {string} */ t) => ids[Number(t)]), ...(m.killedBy ? { killedBy: m.killedBy.map((/** @type {string} */ t) => ids[Number(t)]) } : {}) });
    const mutants = [...own.map(rename), ...nested.map((m) => ({ ...m, status: 'RuntimeError', statusReason: 'outside the sample (--sample, --shard): not tested' }))];
    writeFileSync(join(d, 'stryker.json'), JSON.stringify({ schemaVersion: '2', thresholds: { high: 90, low: 85 }, files: { [file]: { language: 'typescript', source: o.source ?? source, mutants } }, testFiles: { 't.mjs': { tests: [{ id: ids[0], name: 't.mjs: adds' }, { id: ids[1], name: 't.mjs: compares' }] } } }));
    return d;
  };
  // Shard 2 ran its tests in another order: its ids name other tests.
  const s1 = shard('s1', 1, [m1], [m3]);
  const s2 = shard('s2', 2, [m2], [], { ids: ['1', '0'] });
  const s3 = shard('s3', 3, [m3], []);
  const out = join(dir, 'out');
  mkdirSync(out);
  const log = console.log;
  const lines = [];
  console.log = (/** @type {any[]} */ ...a) => lines.push(a.join(' '));
  try {
    assert.equal(merge({ dirs: [s1, s2, s3], out, root: ROOT }), 0);
    const merged = JSON.parse(readFileSync(join(out, 'stryker.json'), 'utf8'));
    const got = merged.files[file].mutants;
    assert.deepEqual(got.map((/** @type {any} */ m) => [m.replacement, m.status]).sort(), [['a - 2', 'Killed'], ['a < 2', 'Survived'], ['true', 'Killed']], 'each mutant once, from its own shard');
    const names = new Map(merged.testFiles['t.mjs'].tests.map((/** @type {any} */ t) => [t.id, t.name]));
    assert.deepEqual(got.map((/** @type {any} */ m) => `${m.replacement}: ${m.coveredBy.map((/** @type {string} */ id) => names.get(id))}`).sort(), ['a - 2: t.mjs: adds', 'a < 2: t.mjs: adds', 'true: t.mjs: compares']);
    let last = JSON.parse(readFileSync(join(out, 'last-run.json'), 'utf8'));
    assert.equal(last.sample, undefined, 'every shard: the whole scope, no estimate');
    assert.deepEqual(last.merged, { of: 3, seed: 1, shards: [1, 2, 3], missing: [] });
    finish({ out, root: ROOT });
    assert.ok(lines.some((l) => /^= src\/server \(\+ SQL\)\s+3\s+2\s+0\s+1\b.*66\.7%/.test(l)), lines.join('\n'));
    // Two of three: a sample of the scope, estimated.
    lines.length = 0;
    assert.equal(merge({ dirs: [s1, s3], out, root: ROOT }), 0);
    last = JSON.parse(readFileSync(join(out, 'last-run.json'), 'utf8'));
    assert.deepEqual([last.sample.n, last.sample.population, last.merged.missing], [2, 3, [2]]);
    finish({ out, root: ROOT });
    assert.ok(lines.some((l) => /2 of 3 shards, a uniform random sample of 2 of the scope's 3/.test(l)), lines.join('\n'));
    // Refused: one shard twice, code that changed between shards, another seed.
    assert.equal(merge({ dirs: [s1, s1], out, root: ROOT }), 2);
    assert.equal(merge({ dirs: [s1, shard('other-code', 2, [m2], [], { source: source.replace('1 + 2', '1 + 3') })], out, root: ROOT }), 2);
    assert.equal(merge({ dirs: [s1, shard('other-seed', 2, [m2], [], { seed: 9 })], out, root: ROOT }), 2);
    assert.equal(merge({ dirs: [join(dir, 'nothing')], out, root: ROOT }), 2);
  } finally {
    console.log = log;
  }
});

test('browser verdicts: a failed selected test kills; a file failing outside its tests is run again and kills only when it fails again', async () => {
  const { KpgTestRunner, browserVerdict } = await import('../../scripts/mutate/stryker-runner.mjs');
  const { summaryReporter } = await import('../server/summary-reporter.mjs');
  // What the reporter writes for a run: a file whose session failed outside its tests (its time limit ran out)
  // with its selected test passed, and another file's tests.
  const dir = mkdtempSync(join(tmpdir(), 'kpg-verdict-'));
  const summary = join(dir, 'summary.json');
  const before = process.env.KPG_SUMMARY_FILE;
  process.env.KPG_SUMMARY_FILE = summary;
  const log = console.log;
  console.log = () => {};
  try {
    summaryReporter().onTestRunFinished({
      sessions: [
        { testFile: join(ROOT, 'test/checkout-lifecycle.test.ts'), passed: false, errors: [{ message: 'Browser tests did not finish within 120000ms.\nmore' }], testResults: { tests: [], suites: [{ name: 'a page', tests: [{ name: 'x', passed: true }], suites: [] }] } },
        { testFile: join(ROOT, 'test/receipt.test.ts'), passed: true, errors: [], testResults: { tests: [{ name: 'y', passed: true }], suites: [] } },
      ],
    });
  } finally {
    console.log = log;
    if (before === undefined) delete process.env.KPG_SUMMARY_FILE;
    else process.env.KPG_SUMMARY_FILE = before;
  }
  const counts = JSON.parse(readFileSync(summary, 'utf8'));
  assert.deepEqual(counts.broken, [{ file: 'test/checkout-lifecycle.test.ts', errors: ['Browser tests did not finish within 120000ms.'] }]);
  assert.ok(counts.failed > 0, 'the tests that could not run count as failed in npm test');
  // Its verdict: not a kill yet (no selected test failed), whatever the selection.
  assert.deepEqual(browserVerdict(counts, /^a page x$/), { broken: true, how: 'browser: test/checkout-lifecycle.test.ts failed outside its tests: Browser tests did not finish within 120000ms.', ran: 1 });
  assert.deepEqual(browserVerdict(counts, null).broken, true);
  // A selected test that failed is a kill, whatever else broke.
  const failed = { ...counts, tests: [...counts.tests, { title: 'b z', passed: false, skipped: false }] };
  assert.deepEqual(browserVerdict(failed, /^(b z|y)$/), { failed: true, how: 'browser: b z', killedBy: ['b z'], ran: 2 });
  // The tests mocha's grep left out: web-test-runner reports them neither passed nor skipped, and their
  // session not passed, with no error. Only the selected tests count: every one passed, a survivor.
  const greppedOut = {
    passed: 1,
    failed: 2,
    skipped: 0,
    tests: [
      { title: 'theme.ts contrast', passed: true, skipped: false },
      { title: 'theme.ts label', passed: false, skipped: false },
      { title: 'theme.ts shades', passed: false, skipped: false },
    ],
    broken: [{ file: 'test/theme.test.ts', errors: [] }],
  };
  assert.deepEqual(browserVerdict(greppedOut, /^(theme\.ts contrast)$/), { failed: false, ran: 1 });
  // Nothing broken: passed, or nothing selected ran (an error, never a survivor).
  const clean = { passed: 2, failed: 0, skipped: 0, tests: counts.tests, broken: [] };
  assert.deepEqual(browserVerdict(clean, /^y$/), { failed: false, ran: 1 });
  assert.match(String(browserVerdict(clean, /^nothing$/).error), /ran no test matching the selection/);

  // The runner: a broken run is run once more; the second run decides.
  const warnings = /** @type {string[]} */ ([]);
  const runner = new KpgTestRunner({ info() {}, debug() {}, warn: (/** @type {string} */ m) => warnings.push(m) }, { nodeTests: [], browserTests: [] });
  const broken = browserVerdict(counts, /^a page x$/);
  const script = (/** @type {any[]} */ ...runs) => {
    const calls = { n: 0 };
    runner.browserOnce = async () => runs[calls.n++];
    return calls;
  };
  let calls = script({ failed: false, ran: 1 });
  assert.deepEqual(await runner.runBrowser(['f'], { KPG_MUT_ACTIVE: '7' }, 1000), { failed: false, ran: 1 });
  assert.equal(calls.n, 1, 'a clean run is not run again');
  calls = script(broken, { failed: false, ran: 1 });
  assert.deepEqual(await runner.runBrowser(['f'], { KPG_MUT_ACTIVE: '7' }, 1000), { failed: false, ran: 1 }, 'the load stopped the first run: a survivor');
  assert.equal(calls.n, 2);
  assert.match(String(runner.rechecked), /did not finish within 120000ms.*; again: passed$/);
  assert.match(warnings.join('\n'), /mutant 7: .* did not recur: not a kill/);
  script(broken, broken);
  const twice = await runner.runBrowser(['f'], { KPG_MUT_ACTIVE: '8' }, 1000);
  assert.deepEqual([twice.failed, twice.how], [true, `${broken.how} (twice)`], 'a module broken as it loads, both times: a kill');
  script(broken, { failed: true, how: 'browser: a page x', killedBy: ['a page x'], ran: 1 });
  assert.deepEqual((await runner.runBrowser(['f'], {}, 1000)).killedBy, ['a page x']);
});

test("browser mutants: selected tests that all pass are followed by their files whole (code a page runs once is credited to the first test that ran it); files whose every test was selected are not run again", async () => {
  const { KpgTestRunner } = await import('../../scripts/mutate/stryker-runner.mjs');
  const runner = new KpgTestRunner({ info() {}, debug() {}, warn() {} }, { nodeTests: [], browserTests: [] });
  // The dry run's tests: a.test.ts has two (the first builds a table, the second reads it), b.test.ts one.
  for (const id of ['a.test.ts :: builds', 'a.test.ts :: reads', 'b.test.ts :: only']) runner.ms.set(id, 100);
  const calls = /** @type {{ files: string[], grep: string }[]} */ ([]);
  const script = (/** @type {any[]} */ ...runs) => {
    calls.length = 0;
    runner.browserOnce = async (files, env) => (calls.push({ files, grep: env.KPG_MUT_GREP }), runs.shift());
  };
  const env = { KPG_MUT_ACTIVE: '9', KPG_MUT_GREP: '^(builds|only)$' };
  script({ failed: false, ran: 2 }, { failed: true, how: 'browser: reads', killedBy: ['reads'], ran: 2 });
  const killed = await runner.browserMutant(['a.test.ts', 'b.test.ts'], ['a.test.ts :: builds', 'b.test.ts :: only'], env, 1000, 2000);
  assert.deepEqual([killed.failed, killed.how, killed.killedBy], [true, 'browser: reads (its file run whole)', ['reads']]);
  assert.deepEqual(calls, [{ files: ['a.test.ts', 'b.test.ts'], grep: env.KPG_MUT_GREP }, { files: ['a.test.ts'], grep: '' }], 'only the file not wholly selected, with no grep');
  script({ failed: false, ran: 2 }, { failed: false, ran: 2 });
  assert.deepEqual(await runner.browserMutant(['a.test.ts', 'b.test.ts'], ['a.test.ts :: builds', 'b.test.ts :: only'], env, 1000, 2000), { failed: false, ran: 4 });
  script({ failed: false, ran: 3 });
  const all = ['a.test.ts :: builds', 'a.test.ts :: reads', 'b.test.ts :: only'];
  assert.deepEqual(await runner.browserMutant(['a.test.ts', 'b.test.ts'], all, env, 1000, 2000), { failed: false, ran: 3 });
  assert.equal(calls.length, 1, 'every test selected: nothing to run again');
  script({ failed: true, how: 'browser: builds', killedBy: ['builds'], ran: 1 });
  assert.equal((await runner.browserMutant(['a.test.ts'], ['a.test.ts :: builds'], env, 1000, 2000)).how, 'browser: builds');
  assert.equal(calls.length, 1, 'a kill by a selected test: nothing more');
  // A runner process that did not run the dry run (Stryker runs it in one of them) learns its tests from the
  // file the one that did wrote; before this, such a process ran no file whole (found in a real run).
  const dir = mkdtempSync(join(tmpdir(), 'kpg-dry-run-'));
  const before = process.env.KPG_MUT_DRY_RUN;
  process.env.KPG_MUT_DRY_RUN = join(dir, 'dry-run.json');
  try {
    writeFileSync(process.env.KPG_MUT_DRY_RUN, JSON.stringify({ ms: [...runner.ms], fileMs: [['a.test.ts', 200], ['b.test.ts', 100]] }));
    const other = new KpgTestRunner({ info() {}, debug() {}, warn() {} }, { nodeTests: [], browserTests: [] });
    other.learnDryRun();
    assert.deepEqual([other.ms.size, other.fileMs.get('a.test.ts')], [3, 200]);
    // And with nothing known, every file of a survivor is run whole (never fewer).
    const blind = new KpgTestRunner({ info() {}, debug() {}, warn() {} }, { nodeTests: [], browserTests: [] });
    calls.length = 0;
    const runs = [{ failed: false, ran: 1 }, { failed: false, ran: 3 }];
    blind.browserOnce = async (files, env) => (calls.push({ files, grep: env.KPG_MUT_GREP }), /** @type {any} */ (runs.shift()));
    await blind.browserMutant(['a.test.ts', 'b.test.ts'], ['a.test.ts :: builds', 'b.test.ts :: only'], env, 1000, 2000);
    assert.deepEqual(calls.at(-1), { files: ['a.test.ts', 'b.test.ts'], grep: '' });
  } finally {
    if (before === undefined) delete process.env.KPG_MUT_DRY_RUN;
    else process.env.KPG_MUT_DRY_RUN = before;
  }
});

test('node verdicts: a test file that fails only as a file (no test in it failed) is run again and kills only when it fails again', async () => {
  const { KpgTestRunner } = await import('../../scripts/mutate/stryker-runner.mjs');
  const warnings = /** @type {string[]} */ ([]);
  const runner = new KpgTestRunner({ info() {}, debug() {}, warn: (/** @type {string} */ m) => warnings.push(m) }, { cwd: ROOT, nodeTests: [], browserTests: [] });
  // Real node --test runs: a file that throws as it loads fails as a file; a failed test names itself.
  const dir = mkdtempSync(join(tmpdir(), 'kpg-node-verdict-'));
  const broken = join(dir, 'broken.test.mjs');
  writeFileSync(broken, "import { test } from 'node:test';\nthrow new Error('broken as it loads');\ntest('never', () => {});\n");
  const failing = join(dir, 'failing.test.mjs');
  writeFileSync(failing, "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\ntest('a test that fails', () => assert.equal(1, 2));\n");
  const once = await runner.nodeOnce([broken], {}, 60_000);
  assert.deepEqual([once.failed, once.broken, once.killedBy], [undefined, true, undefined]);
  assert.match(String(once.how), /broken\.test\.mjs failed as a file$/);
  const test = await runner.nodeOnce([failing], {}, 60_000);
  assert.deepEqual([test.failed, test.broken, test.killedBy], [true, undefined, ['a test that fails']]);
  // runNode: a file failure is run again, and the second run decides.
  const twice = await runner.runNode([broken], { __STRYKER_ACTIVE_MUTANT__: '3' }, 60_000);
  assert.deepEqual([twice.failed, twice.how], [true, `${once.how} (twice)`]);
  runner.rechecked = undefined;
  const runs = [once, { failed: false, ran: 5 }];
  runner.nodeOnce = async () => /** @type {any} */ (runs.shift());
  assert.deepEqual(await runner.runNode(['f'], { __STRYKER_ACTIVE_MUTANT__: '4' }, 1000), { failed: false, ran: 5 }, 'a file failure that does not recur: not a kill');
  assert.match(String(runner.rechecked), /failed as a file; again: passed$/);
  assert.match(warnings.join('\n'), /mutant 4: .* did not recur: not a kill/);
  runner.nodeOnce = async () => test;
  assert.equal(await runner.runNode(['f'], {}, 1000), test, 'a failed test is a kill at once');
});

test("the report lists the mutants whose run was run again, with what each run said (timing.jsonl's rechecked)", async () => {
  const { finish } = await import('../../scripts/mutate/report.mjs');
  const out = mkdtempSync(join(tmpdir(), 'kpg-report-'));
  writeFileSync(join(out, 'last-run.json'), JSON.stringify({ files: [], minutes: 1, concurrency: 1 }));
  writeFileSync(join(out, 'stryker.json'), JSON.stringify({ schemaVersion: '2', thresholds: { high: 90, low: 85 }, files: {} }));
  const said = 'browser: test/x.test.ts failed outside its tests: Browser tests did not finish within 120000ms.; again: passed';
  writeFileSync(
    join(out, 'timing.jsonl'),
    `${JSON.stringify({ file: 'src/a.ts', id: '1', status: 'Killed', ms: 5, tests: 1 })}\n${JSON.stringify({ file: 'src/charset.ts', id: '9', status: 'Survived', ms: 9, tests: 2, rechecked: said })}\n`,
  );
  const lines = /** @type {string[]} */ ([]);
  const log = console.log;
  console.log = (/** @type {unknown[]} */ ...args) => lines.push(args.join(' '));
  try {
    finish({ out, root: ROOT });
  } finally {
    console.log = log;
  }
  const text = lines.join('\n');
  assert.match(text, /1 mutants whose test file failed as a whole \(no test in it\) were run again:\n {2}src\/charset\.ts mutant 9: Survived: browser: test\/x\.test\.ts failed outside its tests/);
  assert.doesNotMatch(text, /src\/a\.ts mutant 1/);
});

test('mutate:full refuses a node_modules that is a symbolic link, at once and saying what to do (Stryker would leave it out of its sandbox, and the dry run fail minutes later)', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kpg-mut-link-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(join(ROOT, 'scripts'), join(dir, 'scripts'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const r = spawnSync(process.execPath, ['scripts/mutate-full.mjs', 'src/server/limits.ts'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /node_modules here is a symbolic link.*npm ci/);
});
