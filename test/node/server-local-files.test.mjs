// @ts-check
/**
 * Issue 19, the parts that are not about one engine: PGlite's file modes (item 4; PostgreSQL's own initdb
 * makes its directory 0700) and the log line's JSON whatever its values (item 8, a fast-check property; the
 * end-to-end check on both engines is in server-hardening.test.mjs).
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { createRedactor, openStore } from '../../dist/server/index.js';
import { createLogger } from '../../dist/server/log.js';
import { uid } from './server-helpers.mjs';

// ------------------------------------------------------------------------------------------ item 8
test('item 8 (property): whatever the values (field names are the server\'s own), every log line is valid JSON, carries each value (redacted) and never a key', () => {
  const KEY = 'PROPkey-7f3a9c1e';
  const redact = createRedactor([KEY]);
  /** @type {string[]} */
  const lines = [];
  const log = createLogger((line) => lines.push(line), redact, () => new Date(0));
  const pieces = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('\\', '"', '\\"', 'apikey=', '"apikey":"', 'SPGKEY ', KEY, '\u2028', '\u0000', '}', '{"a":', '\ud800'));
  fc.assert(
    fc.property(fc.array(pieces, { maxLength: 12 }), fc.array(pieces, { maxLength: 4 }), (parts, otherParts) => {
      lines.length = 0;
      const message = parts.join('');
      const other = otherParts.join('');
      log.write({ event: 'refusal', level: 'warn', message, pg_message: other, nested: { deep: [message] } });
      assert.equal(lines.length, 1);
      const parsed = JSON.parse(lines[0]);
      assert.equal(parsed.event, 'refusal');
      assert.equal(parsed.level, 'warn');
      assert.equal(parsed.message, redact(message));
      assert.equal(parsed.nested.deep[0], redact(message));
      assert.equal(parsed.pg_message, redact(other));
      assert.ok(!lines[0].includes(KEY));
    }),
    { numRuns: 500 },
  );
});

// ------------------------------------------------------------------------------------------ item 4
test('item 4: PGlite\'s data directory is 0700 and every file in it 0600, the WAL and pg_control included, after writes; an older, looser one is tightened', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kpg-perm-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const data = join(dir, 'db');
  // What an older version left: a looser directory and file.
  mkdirSync(data, { mode: 0o755 });
  chmodSync(data, 0o755);
  writeFileSync(join(data, 'left-over'), 'x', { mode: 0o666 });
  chmodSync(join(data, 'left-over'), 0o666);
  const s = await openStore({ dataDir: data });
  await s.migrate();
  for (let i = 0; i < 50; i++) {
    await s.recordRefusal({ at: '2026-11-30T14:59:00.000Z', route: 'r', order_no: uid('N'), order_id: null, code: `c${i}`, message: 'x'.repeat(2000), source: 'test' });
  }
  /** @type {string[]} */
  const loose = [];
  const walk = (/** @type {string} */ p) => {
    for (const name of readdirSync(p)) {
      const f = join(p, name);
      const st = statSync(f);
      const mode = st.mode & 0o777;
      if (st.isDirectory() ? mode !== 0o700 : mode !== 0o600) loose.push(`${f.slice(data.length)} ${mode.toString(8)}`);
      if (st.isDirectory()) walk(f);
    }
  };
  const check = () => {
    loose.length = 0;
    assert.equal(statSync(data).mode & 0o777, 0o700);
    assert.equal(statSync(join(data, 'global', 'pg_control')).mode & 0o777, 0o600);
    const wal = readdirSync(join(data, 'pg_wal')).filter((n) => /^[0-9A-F]{24}$/.test(n));
    assert.ok(wal.length > 0);
    for (const w of wal) assert.equal(statSync(join(data, 'pg_wal', w)).mode & 0o777, 0o600, w);
    walk(data);
    assert.deepEqual(loose, []);
  };
  check();
  await s.close();
  check();
});
