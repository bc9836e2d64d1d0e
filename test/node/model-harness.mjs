// @ts-check
/**
 * What the two models of the attempt state machine (server-model-suite.mjs for Shinhan,
 * server-model-smartro-suite.mjs for Smartro) share: the run's size from the environment, the command that moves
 * the pinned clock, the store where another instance decides first, and the tests that run each kept sequence and
 * then the random interleavings on one engine.
 */
import { test } from 'node:test';
import fc from 'fast-check';
import { storeWith } from './server-helpers.mjs';

export const SEED = process.env.KPG_MODEL_SEED ? Number(process.env.KPG_MODEL_SEED) : 20_2026;
export const RUNS = process.env.KPG_MODEL_RUNS ? Number(process.env.KPG_MODEL_RUNS) : 40;
export const COMMANDS = process.env.KPG_MODEL_COMMANDS ? Number(process.env.KPG_MODEL_COMMANDS) : 30;

const MINUTE = 60_000;

/**
 * The suite's store, where, while `race.on`, another instance makes each decision (a transition but the claim,
 * a payment) just before the server does: the store then refuses the server's own (the attempt is no longer as
 * it read it), and the server must answer with the attempt as the other instance left it. The outcome is the
 * same, so a model expects what it expects without the race (one event per outcome: the other instance's).
 * @template T @param {T} inner
 */
export function racingStore(inner) {
  const race = { on: false };
  /** @param {(...args: any[]) => Promise<any>} own @param {string} orderNo @param {any[]} rest */
  const first = async (own, orderNo, ...rest) => {
    if (race.on) await own(orderNo, ...rest); // the other instance
    return own(orderNo, ...rest);
  };
  const store = storeWith(inner, {
    transition: (own, orderNo, name, ...rest) => (name === 'claim' ? own(orderNo, name, ...rest) : first(own, orderNo, name, ...rest)),
    pay: first,
  });
  return { store, race };
}

/** The pinned clock moves (never the wall clock); the model has nothing to update. */
export class Advance {
  /** @param {number} minutes */
  constructor(minutes) {
    this.minutes = minutes;
  }
  check() {
    return true;
  }
  /** @param {unknown} _m @param {{ clock: { advance(ms: number): void } }} r */
  async run(_m, r) {
    r.clock.advance(this.minutes * MINUTE);
  }
  toString() {
    return `Advance(${this.minutes} min)`;
  }
}

/**
 * The model's tests inside an engine's describe(): every kept sequence (and shrunk failure) first, then the
 * random interleavings of `commands` with the seed and sizes above, reporting how many of each command ran.
 * @template M, R
 * @param {object} o
 * @param {(t: import('node:test').TestContext, sequence?: unknown[]) => Promise<{ fresh: () => { model: M, real: R } }>} o.system
 *   the real system for one test (given the sequence it will run, when it runs a kept one)
 * @param {Record<string, fc.AsyncCommand<M, R>[]>} o.sequences
 * @param {fc.Arbitrary<fc.AsyncCommand<M, R>>[]} o.commands
 */
export function modelTests({ system, sequences, commands }) {
  for (const [title, sequence] of Object.entries(sequences)) {
    test(title, async (t) => {
      const { fresh } = await system(t, sequence);
      await fc.asyncModelRun(fresh, sequence);
    });
  }

  test(`random interleavings, checked after every step (seed ${SEED}, ${RUNS} runs of up to ${COMMANDS} commands)`, async (t) => {
    t.diagnostic(`KPG_MODEL_SEED=${SEED} KPG_MODEL_RUNS=${RUNS} KPG_MODEL_COMMANDS=${COMMANDS}`);
    const { fresh } = await system(t);
    const started = performance.now();
    let steps = 0;
    /** @type {Map<string, number>} */
    const tally = new Map();
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: COMMANDS, size: 'max' }), async (cmds) => {
        await fc.asyncModelRun(fresh, cmds);
        for (const c of cmds) {
          steps++;
          const kind = String(c).replace(/\(.*$/, '');
          tally.set(kind, (tally.get(kind) ?? 0) + 1);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    t.diagnostic(`${steps} commands in ${Math.round(performance.now() - started)} ms: ${[...tally].map(([k, n]) => `${k} ${n}`).join(', ')}`);
  });
}
