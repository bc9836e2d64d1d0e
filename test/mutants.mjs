// The mutation suite's list (npm run mutate, scripts/mutate.mjs): bugs that matter, planted one at a time
// in the payment-critical code. Each entry is one mutant:
//   id          short name (npm run mutate -- --only <part of an id>)
//   file        the file it changes; find (exact text, occurring once) -> replace
//   tests       the test files that must catch it (node: test/node/*.mjs; browser: test/*.ts)
//   grep        optional: only the tests whose names match this regular expression
//   breaks      one line: what the mutant breaks, as a shop or a buyer would see it
//   build       optional: rebuild dist/ first (the code reaches the tests only through a built file)
//   env         optional: environment for the test commands
//   equivalent  optional: why this mutant cannot be caught (it must then survive: see the controls)
import { WIDGET_MUTANTS } from './mutants/widget.mjs';
import { SERVER_MUTANTS } from './mutants/server.mjs';

export const MUTANTS = [...WIDGET_MUTANTS, ...SERVER_MUTANTS];
