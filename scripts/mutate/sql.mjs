// @ts-check
// The SQL migrations' mutants for npm run mutate:full: Stryker reads no SQL, so this small generator makes
// every mutant of a fixed operator set over src/server/store/migrations/*.sql and runs the server's node
// tests (both engines) against each, in a scratch copy of the checkout (the server loaded from source:
// test/node/fixtures/server-from-src.mjs reads the migrations from src/), stopping at the first failed test.
//
// Operators (each a constraint weakened, or made stricter, in one place):
//   UniqueIndex      CREATE UNIQUE INDEX -> CREATE INDEX
//   PartialIndex     an index's WHERE clause removed
//   DropCheck        a column's CHECK (...) removed; a named CONSTRAINT ... CHECK (...) removed
//   BooleanTerm      one term of an AND / OR in a CHECK or an index's WHERE removed, at every depth
//                    (issue 20: "one column of a constraint")
//   InList           one value of an IN (...) list removed
//   Equality         = <-> <>, > <-> >=, < <-> <=
//   Boundary         a number in a CHECK moved outwards by one (BETWEEN 1 AND 64 -> 0 .. 64, 1 .. 65)
//   RegexQuantifier  {n} -> {n,n+1}, {a,b} -> {a,b+1} in a pattern
//   NotNull          NOT NULL removed
//   ForeignKey       REFERENCES t (c) removed
//   KeyColumn        one column of a composite primary key or unique index removed
//   BooleanLiteral   true <-> false in an INSERT's VALUES
//
// Results are kept in reports/mutation/sql.json, keyed by the mutant and a hash of what it ran against
// (the migrations, src/server, the tests): a later run re-tests only what changed (--force: all).
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KpgTestRunner } from './stryker-runner.mjs';
import { expand } from './scope.mjs';

/**
 * @typedef {{ id: string, file: string, mutatorName: string, start: number, end: number, replacement: string,
 *   original: string, location: { start: { line: number, column: number }, end: { line: number, column: number } } }} SqlMutant
 */

/** The text with comments blanked (same offsets). @param {string} sql */
function code(sql) {
  return sql.replace(/--[^\n]*/g, (c) => ' '.repeat(c.length));
}

/** Offset of the parenthesis closing the one at `open`. @param {string} s @param {number} open */
function closing(s, open) {
  let depth = 0;
  let inString = false;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === "'") inString = !inString;
    if (inString) continue;
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  throw new Error(`sql: unbalanced parenthesis at ${open}`);
}

/** Top-level spans of `s` separated by a keyword (AND/OR), outside parentheses and strings. @param {string} s @param {string} kw */
function splitTop(s, kw) {
  /** @type {{ start: number, end: number }[]} */
  const parts = [];
  let depth = 0;
  let inString = false;
  let from = 0;
  const re = new RegExp(`^\\s${kw}\\s`, 'i');
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "'") inString = !inString;
    if (inString) continue;
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && re.test(s.slice(i, i + kw.length + 2)) && !/BETWEEN\s+\S+\s*$/i.test(s.slice(from, i))) {
      parts.push({ start: from, end: i });
      from = i + kw.length + 2; // past " OR "
      i = from - 1;
    }
  }
  parts.push({ start: from, end: s.length });
  return parts;
}

/**
 * Every mutant of one migration.
 * @param {string} file @param {string} sql
 * @returns {SqlMutant[]}
 */
export function sqlMutants(file, sql) {
  const text = code(sql);
  /** @type {Omit<SqlMutant, 'id' | 'location' | 'original'>[]} */
  const raw = [];
  const add = (/** @type {string} */ mutatorName, /** @type {number} */ start, /** @type {number} */ end, /** @type {string} */ replacement) =>
    raw.push({ file, mutatorName, start, end, replacement });

  // A boolean expression (a CHECK's or a WHERE's): terms, IN lists, comparisons, numbers, patterns.
  const expression = (/** @type {number} */ s, /** @type {number} */ e, /** @type {boolean} */ inCheck) => {
    const expr = text.slice(s, e);
    for (const kw of ['OR', 'AND']) {
      const parts = splitTop(expr, kw);
      if (parts.length > 1)
        parts.forEach((p, i) => {
          // remove the term and the operator next to it
          const lead = /^\s*/.exec(expr.slice(p.start))?.[0].length ?? 0;
          const from = i === 0 ? s + p.start + lead : s + parts[i - 1].end;
          const to = i === 0 ? s + parts[1].start : s + p.end;
          add('BooleanTerm', from, to, '');
        });
    }
    // every parenthesised group inside: its own terms
    for (let i = s; i < e; i++) {
      if (text[i] === "'") {
        i = text.indexOf("'", i + 1);
        continue;
      }
      if (text[i] === '(' && !/\b(IN|char_length|left)\s*$/i.test(text.slice(s, i))) {
        const j = closing(text, i);
        expression(i + 1, j, inCheck);
        i = j;
      }
    }
    for (const m of expr.matchAll(/\bIN\s*\(([^)]*)\)/gi)) {
      const listStart = s + /** @type {number} */ (m.index) + m[0].indexOf('(') + 1;
      const items = m[1].split(',');
      if (items.length < 2) continue;
      let at = listStart;
      items.forEach((item, i) => {
        const from = i === 0 ? at : at - 1; // with the comma before it
        const to = i === 0 ? at + item.length + 1 : at + item.length;
        add('InList', from, to, '');
        at += item.length + 1;
      });
    }
    for (const m of expr.matchAll(/'(?:[^']|'')*'|(<>|>=|<=|=|>|<)/g)) {
      if (!m[1]) continue;
      const at = s + /** @type {number} */ (m.index);
      const swap = { '<>': '=', '=': '<>', '>': '>=', '>=': '>', '<': '<=', '<=': '<' }[m[1]];
      add('Equality', at, at + m[1].length, /** @type {string} */ (swap));
    }
    if (inCheck) {
      for (const m of expr.matchAll(/'(?:[^']|'')*'|BETWEEN\s+(\d+)\s+AND\s+(\d+)|(>=?|<=?)\s*(\d+)/gi)) {
        const at = s + /** @type {number} */ (m.index);
        if (m[1] !== undefined) {
          const lo = at + m[0].indexOf(m[1]);
          const hi = at + m[0].lastIndexOf(m[2]);
          add('Boundary', lo, lo + m[1].length, String(Number(m[1]) - 1));
          add('Boundary', hi, hi + m[2].length, String(Number(m[2]) + 1));
        } else if (m[4] !== undefined) {
          const n = at + m[0].lastIndexOf(m[4]);
          add('Boundary', n, n + m[4].length, String(m[3].startsWith('>') ? Number(m[4]) - 1 : Number(m[4]) + 1));
        } else if (m[0].startsWith("'")) {
          for (const q of m[0].matchAll(/\{(\d+)(?:,(\d+))?\}/g)) {
            const qa = at + /** @type {number} */ (q.index);
            add('RegexQuantifier', qa, qa + q[0].length, q[2] ? `{${q[1]},${Number(q[2]) + 1}}` : `{${q[1]},${Number(q[1]) + 1}}`);
          }
        }
      }
    }
  };

  // CREATE [UNIQUE] INDEX ... ON t (cols) [WHERE ...];
  for (const m of text.matchAll(/CREATE\s+(UNIQUE\s+)?INDEX\s+\w+\s+ON\s+\w+\s*\(([^)]*)\)([^;]*);/gi)) {
    const at = /** @type {number} */ (m.index);
    if (m[1]) {
      add('UniqueIndex', at + m[0].indexOf(m[1]), at + m[0].indexOf(m[1]) + m[1].length, '');
      const cols = m[2].split(',');
      if (cols.length > 1) keyColumns(at + m[0].indexOf('(') + 1, cols);
    }
    const where = /\bWHERE\b/i.exec(m[3]);
    if (where) {
      const ws = at + m[0].length - 1 - m[3].length + where.index;
      add('PartialIndex', ws, at + m[0].length - 1, '');
      expression(ws + 5, at + m[0].length - 1, false);
    }
  }
  /** @param {number} start @param {string[]} cols */
  function keyColumns(start, cols) {
    let at = start;
    cols.forEach((c, i) => {
      add('KeyColumn', i === 0 ? at : at - 1, i === 0 ? at + c.length + 1 : at + c.length, '');
      at += c.length + 1;
    });
  }
  for (const m of text.matchAll(/PRIMARY KEY\s*\(([^)]*)\)/gi)) {
    const cols = m[1].split(',');
    if (cols.length > 1) keyColumns(/** @type {number} */ (m.index) + m[0].indexOf('(') + 1, cols);
  }
  // [CONSTRAINT name] CHECK (...)
  for (const m of text.matchAll(/(?:(,\s*)?(?:ADD\s+)?CONSTRAINT\s+\w+\s+)?CHECK\s*\(/gi)) {
    const at = /** @type {number} */ (m.index);
    const open = at + m[0].length - 1;
    const close = closing(text, open);
    if (/CONSTRAINT/i.test(m[0])) {
      // the whole named constraint, with the comma that joins it to the list
      const from = m[1] ? at : at;
      let to = close + 1;
      if (!m[1]) {
        const after = /^\s*,/.exec(text.slice(to));
        if (after) to += after[0].length;
      }
      add('DropCheck', from, to, '');
    } else {
      add('DropCheck', at, close + 1, '');
    }
    expression(open + 1, close, true);
  }
  for (const m of text.matchAll(/(?<!\bIS)\s+NOT NULL\b/gi)) add('NotNull', /** @type {number} */ (m.index), /** @type {number} */ (m.index) + m[0].length, '');
  for (const m of text.matchAll(/\s+REFERENCES\s+\w+\s*\([^)]*\)/gi)) add('ForeignKey', /** @type {number} */ (m.index), /** @type {number} */ (m.index) + m[0].length, '');
  for (const m of text.matchAll(/INSERT INTO[^;]*VALUES([^;]*);/gi)) {
    const vs = /** @type {number} */ (m.index) + m[0].indexOf(m[1]);
    for (const b of m[1].matchAll(/\b(true|false)\b/g)) {
      const at = vs + /** @type {number} */ (b.index);
      add('BooleanLiteral', at, at + b[0].length, b[0] === 'true' ? 'false' : 'true');
    }
  }

  const pos = (/** @type {number} */ offset) => {
    const before = sql.slice(0, offset);
    const line = before.split('\n').length;
    return { line, column: offset - before.lastIndexOf('\n') };
  };
  const seen = new Set();
  return raw
    .filter((m) => {
      const key = `${m.start}:${m.end}:${m.replacement}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.start - b.start || a.end - b.end)
    .map((m, i) => ({ ...m, id: `sql-${i + 1}`, original: sql.slice(m.start, m.end), location: { start: pos(m.start), end: pos(m.end) } }));
}

/** @param {string} s */
const sha = (s) => createHash('sha1').update(s).digest('hex');

/**
 * Runs every SQL mutant of `migrations` against `tests` (node test files), reusing earlier results whose
 * inputs did not change; writes the report part for the SQL files to `out`.
 * @param {{ migrations: string[], tests: string[], out: string, root: string, force?: boolean }} options
 */
export async function runSqlMutants({ migrations, tests, out, root, force = false }) {
  const previous = !force && existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : { cache: {} };
  // What a SQL mutant's verdict depends on besides its own text: every migration, the server, the tests.
  const inputs = sha(
    [...expand(['src/server/**/*.ts', 'src/server/store/migrations/*.sql', 'test/node/*.mjs', 'test/node/fixtures/*.mjs'], [], root).files]
      .map((f) => `${f}\n${readFileSync(join(root, f), 'utf8')}`)
      .join('\n'),
  );
  const all = migrations.flatMap((f) => sqlMutants(f, readFileSync(join(root, f), 'utf8')));
  const todo = all.filter((m) => !previous.cache?.[sha(`${inputs}${m.file}${m.start}${m.end}${m.replacement}`)]);
  console.log(`mutate:full: SQL: ${all.length} mutants in ${migrations.length} migrations, ${todo.length} to test (${all.length - todo.length} unchanged since the last run)`);
  /** @type {Record<string, any>} */
  const cache = {};
  for (const m of all) {
    const key = sha(`${inputs}${m.file}${m.start}${m.end}${m.replacement}`);
    if (previous.cache?.[key]) cache[key] = previous.cache[key];
  }
  // A mutant whose migrations PostgreSQL refuses is no bug the tests could catch: "CompileError", as Stryker
  // calls a mutant that does not compile. Checked in one in-memory PGlite, each in a rolled-back transaction.
  if (todo.length) {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = new PGlite();
    const texts = Object.fromEntries(expand(['src/server/store/migrations/*.sql'], [], root).files.map((f) => [f, readFileSync(join(root, f), 'utf8')]));
    for (const m of [...todo]) {
      const all = Object.entries(texts).map(([f, t]) => (f === m.file ? t.slice(0, m.start) + m.replacement + t.slice(m.end) : t));
      try {
        await db.exec('BEGIN');
        for (const t of all) await db.exec(t);
      } catch (e) {
        cache[sha(`${inputs}${m.file}${m.start}${m.end}${m.replacement}`)] = { status: 'CompileError', statusReason: String(e).slice(0, 300), killedBy: [] };
        todo.splice(todo.indexOf(m), 1);
      } finally {
        await db.exec('ROLLBACK').catch(() => {});
      }
    }
    await db.close();
  }
  if (todo.length) {
    // A scratch copy of the tracked files (with the working tree's edits), sharing node_modules.
    const tracked = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f && f !== 'node_modules' && !f.startsWith('node_modules/'));
    const dir = mkdtempSync(join(tmpdir(), 'kpg-mutate-sql-'));
    for (const f of tracked) if (existsSync(join(root, f))) cpSync(join(root, f), join(dir, f), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const runner = new KpgTestRunner({ info: console.log, warn: console.warn, debug() {} }, { cwd: dir, nodeTests: tests, browserTests: [] });
    await runner.init();
    // The files whose tests write past the code path first: they catch a constraint soonest.
    const ordered = [...tests].sort((a, b) => Number(!a.includes('invariants')) - Number(!b.includes('invariants')));
    try {
      let n = 0;
      for (const m of todo) {
        const path = join(dir, m.file);
        const original = readFileSync(path, 'utf8');
        writeFileSync(path, original.slice(0, m.start) + m.replacement + original.slice(m.end));
        const t0 = Date.now();
        let r;
        try {
          r = await runner.runNode(ordered, {}, 15 * 60_000, true);
        } finally {
          writeFileSync(path, original);
        }
        const status = r.failed ? 'Killed' : r.timedOut ? 'Timeout' : r.error ? 'RuntimeError' : 'Survived';
        cache[sha(`${inputs}${m.file}${m.start}${m.end}${m.replacement}`)] = { status, statusReason: r.how ?? r.error?.slice(0, 500), killedBy: r.killedBy ?? [] };
        if (process.env.KPG_MUT_TIMING) appendFileSync(process.env.KPG_MUT_TIMING, `${JSON.stringify({ file: m.file, id: m.id, status, ms: Date.now() - t0 })}\n`);
        console.log(`SQL ${++n}/${todo.length} ${status.padEnd(9)} ${Math.round((Date.now() - t0) / 1000)} s  ${m.file}:${m.location.start.line} ${m.mutatorName} ${JSON.stringify(m.original.trim().slice(0, 60))} -> ${JSON.stringify(m.replacement)}`);
      }
    } finally {
      await runner.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  // The mutation-testing-report-schema's shape, as Stryker's JSON report has it.
  /** @type {Record<string, any>} */
  const files = {};
  for (const f of migrations) files[f] = { language: 'sql', source: readFileSync(join(root, f), 'utf8'), mutants: [] };
  for (const m of all) {
    const r = cache[sha(`${inputs}${m.file}${m.start}${m.end}${m.replacement}`)];
    files[m.file].mutants.push({ id: m.id, mutatorName: m.mutatorName, replacement: m.replacement, location: m.location, status: r.status, statusReason: r.statusReason, killedBy: r.killedBy, static: true });
  }
  writeFileSync(out, JSON.stringify({ cache, files }));
}
