// SPEC §13 durability: "a crash or kill at any moment leaves the ledger as it
// was before the command or after it, never between."
//
// For import (a generated file of 20,000 rows), allocate and finalize:
//  - two uninterrupted runs give the usual completion time T and the state
//    after (the clock is fixed, so both runs must write the same rows);
//  - N times (JMFUND_CRASH_KILLS, default 10; `npm run test:crash` sets 100),
//    a fresh copy of the ledger before the command, the command spawned and
//    killed with SIGKILL at a random moment in [0, 1.25 T): stratified, kill i
//    falls at a random point of the i-th N-th of that span. T follows the
//    machine's load (an uninterrupted probe every ten kills), and the quarter
//    beyond it lets kills land after the commit too;
//  - N/10 more kills (at least one) the moment the rollback journal turns hot,
//    that is while pages are being written to the ledger file, the worst
//    moment to die.
// After each kill `jmfund verify` must pass (opening the ledger rolls back a
// hot journal) and a canonical dump of the ledger (sqlite_master,
// user_version, every row of every table in primary-key order, rowids
// included) must equal the dump before or the dump after.
//
// The seed is printed; JMFUND_CRASH_SEED=<seed> repeats the kill moments (as
// fractions of T). JMFUND_CRASH_ROWS and JMFUND_CRASH_APPS change the sizes.
// The three commands run side by side, each on its own copies, to keep the
// file short; the kills come from a process of their own (kill-runner.mjs).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import {
  ROUND,
  copyLedger,
  countDiff,
  crashSeed,
  dumpLedger,
  emptyRound,
  generateApplications,
  jmAsync,
  journalState,
  random,
  scoredRound,
  runAndKill,
  type LedgerDump,
  type Run,
  type ScoredRound,
} from './lib.js';

const KILLS = Math.max(1, Number(process.env.JMFUND_CRASH_KILLS ?? 10));
const HOT_KILLS = Math.max(1, Math.round(KILLS / 10));
/** Kill times are spread over [0, SPAN × the usual completion time). */
const SPAN = 1.25;
const IMPORT_ROWS = Number(process.env.JMFUND_CRASH_ROWS ?? 20_000);
const ROUND_APPS = Number(process.env.JMFUND_CRASH_APPS ?? 1_500);
const SEED = crashSeed();
// Each kill costs a copy, a partial run, verify and a dump: allow 20 s apiece on a loaded machine.
const TIMEOUT = 300_000 + (KILLS + HOT_KILLS) * 20_000;

console.log(`crash test: ${KILLS} random kills + ${HOT_KILLS} at a hot journal per command, seed ${SEED} (repeat with JMFUND_CRASH_SEED=${SEED})`);

interface Tally {
  before: number;
  after: number;
  /** The command had finished before the kill was due. */
  completed: number;
  /** A hot -journal was left beside the ledger: the kill cut a write transaction short while it wrote the file. */
  hotJournal: number;
  /** A cold -journal was left (header still zeroed: a transaction had begun, no page had reached the ledger file yet); SQLite ignores it. */
  coldJournal: number;
}

let dir: string;
let round: Promise<ScoredRound> | null = null;
beforeAll(() => {
  dir = tempDir('jmfund-crash-');
});
/** The scored round, built once for allocate and finalize. */
const scoredAndNoticed = (): Promise<ScoredRound> => (round ??= scoredRound(join(dir, 'round'), ROUND_APPS, { noticed: true }));

/**
 * Runs `args` on copies of `base`: twice to the end, then KILLS times killed
 * at random, then HOT_KILLS times killed at a hot journal. `salt` separates
 * the random streams of the three commands.
 */
async function killRepeatedly(name: string, base: string, args: string[], salt: number): Promise<Tally> {
  const work = join(dir, `${name}-work`);
  mkdirSync(work, { recursive: true });
  const before = dumpLedger(base);

  const runs: { db: string; ms: number }[] = [];
  for (const k of [1, 2]) {
    const db = copyLedger(base, join(work, `full-${k}.db`));
    const r = await jmAsync(db, args);
    runs.push({ db, ms: r.ms });
  }
  // The usual completion time: the longer of the two to begin with; then, as
  // the machine's load changes (the three commands run side by side, and so
  // does the rest of the suite), an uninterrupted probe every ten kills.
  let usual = Math.max(...runs.map((r) => r.ms));
  const probes = [Math.round(usual)];
  expect((await jmAsync(runs[0].db, ['verify'])).code).toBe(0);
  const after = dumpLedger(runs[0].db);
  expect(after.hash, `${name} changed nothing: the test would prove nothing`).not.toBe(before.hash);
  const again = dumpLedger(runs[1].db);
  expect(again.hash, `${name} is not deterministic: ${countDiff(again, after)}`).toBe(after.hash);

  const tally: Tally = { before: 0, after: 0, completed: 0, hotJournal: 0, coldJournal: 0 };
  /** After a kill: verify rolls back, and the ledger is as before or as after. */
  const judge = async (db: string, r: Run, where: string): Promise<LedgerDump> => {
    if (r.signal === null) {
      // Finished before the kill came: it must have succeeded.
      expect(r.code, `${where}: exited ${r.code} without being killed\n${r.stderr}`).toBe(0);
      tally.completed++;
    } else {
      expect(r.signal, where).toBe('SIGKILL');
    }
    const journal = journalState(db);
    if (journal === 'hot') tally.hotJournal++;
    if (journal === 'cold') tally.coldJournal++;
    const v = await jmAsync(db, ['--json', 'verify'], [0, 1, 2]);
    expect(v.code, `${where}: verify failed (${journal} journal after the kill)\n${v.stdout}\n${v.stderr}`).toBe(0);
    expect(journalState(db), `${where}: verify left a hot journal`).not.toBe('hot');
    const d = dumpLedger(db);
    if (d.hash === before.hash) tally.before++;
    else if (d.hash === after.hash) tally.after++;
    else expect.fail(`${where}: the ledger is neither as before nor as after the command (${journal} journal after the kill; vs before: ${countDiff(d, before)}; vs after: ${countDiff(d, after)})`);
    if (r.signal === null) expect(d.hash, `${where}: completed, so the ledger must be as after`).toBe(after.hash);
    return d;
  };

  const rnd = random(SEED ^ salt);
  const killTimes: number[] = [];
  for (let i = 0; i < KILLS; i++) {
    if (i % 10 === 5) {
      usual = (await jmAsync(copyLedger(base, join(work, 'probe.db')), args)).ms;
      probes.push(Math.round(usual));
    }
    const at = Math.floor(((i + rnd()) / KILLS) * usual * SPAN);
    killTimes.push(at);
    const db = copyLedger(base, join(work, 'killed.db'));
    const r = await runAndKill(db, args, { killAfterMs: at });
    await judge(db, r, `${name}, kill ${i + 1}/${KILLS} at ${at} ms of ${Math.round(usual)} ms (seed ${SEED})`);
  }
  const random_ = { ...tally };

  let caughtHot = 0;
  let rolledBack = 0;
  for (let i = 0; i < HOT_KILLS; i++) {
    const db = copyLedger(base, join(work, 'hot.db'));
    const run = await runAndKill(db, args, { whenHot: true, limitMs: usual * 3 });
    const left = journalState(db);
    if (run.hot) caughtHot++;
    const d = await judge(db, run, `${name}, kill ${i + 1}/${HOT_KILLS} at a hot journal`);
    if (left === 'hot' && d.hash === before.hash) rolledBack++;
  }
  console.log(
    `crash test ${name}: usual ${probes.join(' → ')} ms; ${KILLS} random kills at ${killTimes.join(', ')} ms → ` +
      `${random_.before} as before, ${random_.after} as after (${random_.completed} finished before the kill), ` +
      `${random_.hotJournal} hot journals rolled back by verify, ${random_.coldJournal} cold journals; ` +
      `${HOT_KILLS} kills at a hot journal: ${caughtHot} caught it hot, ${rolledBack} rolled back to before, ` +
      `${tally.after - random_.after} as after; seed ${SEED}`,
  );
  expect(tally.before + tally.after).toBe(KILLS + HOT_KILLS);
  return tally;
}

describe.concurrent(`SIGKILL at random moments (${KILLS} + ${HOT_KILLS} kills each, seed ${SEED})`, () => {
  it(
    `import of ${IMPORT_ROWS.toLocaleString('en')} rows`,
    async () => {
      const base = await emptyRound(join(dir, 'import'), 'import-base.db');
      const csv = join(dir, 'import', 'big.csv');
      await generateApplications(csv, { rows: IMPORT_ROWS, idPrefix: 'K-', family: 1, seed: 5 });
      await killRepeatedly('import', base, ['import', csv, '--round', ROUND], 0x1a2b3c);
    },
    TIMEOUT,
  );

  it(
    `allocate (a round of ${ROUND_APPS.toLocaleString('en')} scored applications)`,
    async () => {
      const { scored } = await scoredAndNoticed();
      await killRepeatedly('allocate', scored, ['allocate', '--round', ROUND], 0x4d5e6f);
    },
    TIMEOUT,
  );

  it(
    `finalize (a round of ${ROUND_APPS.toLocaleString('en')} applications on notice)`,
    async () => {
      const { noticed } = await scoredAndNoticed();
      await killRepeatedly('finalize', noticed ?? '', ['finalize', '--round', ROUND, '--on', '2022-05-20', '--yes'], 0x7a8b9c);
    },
    TIMEOUT,
  );
});
