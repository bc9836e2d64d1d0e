// @ts-check
// The Shinhan tests of test/node/server-clock.test.mjs at its last three Korean edge times, on both engines: the same file, started under this name (one quarter of it per file, so each stays
// well inside node:test's time limit for a file).
import './fixtures/far-wall-clock.mjs';
import './server-clock.test.mjs';
