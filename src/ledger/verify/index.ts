// jmfund verify: every check, every problem (not just the first), exit 1 if any.
import { text, type Text } from '../../domain/text.js';
import type { Db } from '../open.js';
import * as allocation from './allocation.js';
import * as applications from './applications.js';
import * as chain from './chain.js';
import * as lifecycle from './lifecycle.js';
import * as money from './money.js';
import { missingNeeds } from '../schema.js';
import { checksInWorker, integrityWorkerWorthIt, type SharedUnits } from '../integrity.js';
import * as rows from './rows.js';
import * as sqlite from './sqlite.js';
import type { Check, Problem } from './types.js';

export type { Check, Problem } from './types.js';
export { refLabel } from './types.js';
export { anchorsCheck } from './chain.js';

export const CHECKS: readonly Check[] = [
  sqlite.integrity,
  sqlite.foreignKeys,
  sqlite.schema,
  chain.hashChain,
  chain.eventApps,
  rows.rowsSealed,
  applications.applicationState,
  allocation.unitMultiple,
  allocation.awardWithinCap,
  allocation.categoryBudget,
  allocation.clusterPool,
  allocation.enterpriseCap,
  allocation.matchesLog,
  lifecycle.filingHash,
  lifecycle.filedMatchesNotice,
  lifecycle.paymentsWithinAward,
  lifecycle.recoveriesWithinDue,
  money.filedWithinAllocated,
  lifecycle.appendOnlyGuards,
];

export interface CheckOutcome {
  id: string;
  title: Text;
  status: 'ok' | 'problems' | 'skipped' | 'error';
  problems: number;
  /** Why it was skipped (missing tables or columns), or the error it raised. */
  note?: string;
}

export interface VerifyResult {
  ok: boolean;
  checks: CheckOutcome[];
  problems: Problem[];
  events: number;
  /** Hash of the last event: printed on the audit report so that it can be matched to the ledger later. */
  lastHash: string;
}

interface Ran {
  outcome: CheckOutcome;
  problems: Problem[];
}

function ran(c: Check, run: () => Problem[]): Ran {
  try {
    const found = run();
    return { outcome: { id: c.id, title: c.title, status: found.length ? 'problems' : 'ok', problems: found.length }, problems: found };
  } catch (e) {
    // A check that cannot run on a damaged file is itself a finding, and the others still run.
    const msg = (e as Error).message;
    return { outcome: { id: c.id, title: c.title, status: 'error', problems: 1, note: msg }, problems: [{ check: c.id, ref: {}, message: text(`检查无法完成：${msg}`, `check could not run: ${msg}`) }] };
  }
}

function runOne(db: Db, c: Check): Ran {
  const missing = missingNeeds(db, c.needs);
  if (missing.length) return { outcome: { id: c.id, title: c.title, status: 'skipped', problems: 0, note: `missing ${missing.join(', ')}` }, problems: [] };
  // A check made of units runs unit by unit here too: the same findings, and the same errors, as when two threads share it.
  if (c.units && c.unitRunner && c.joinUnits) {
    const runners = new Map<Check, (unit: string) => Problem[]>();
    return joined(c, new Map(c.units.map((u) => [u, runUnit(db, runners, c, u)])));
  }
  return ran(c, () => c.run(db));
}

function result(db: Db, runs: Ran[]): VerifyResult {
  const problems = runs.flatMap((r) => r.problems);
  let events = 0;
  let lastHash = '';
  try {
    const c = chain.chainWalk(db);
    events = c.count;
    lastHash = c.lastHash;
  } catch {
    /* reported by chain.hash */
  }
  return { ok: problems.length === 0, checks: runs.map((r) => r.outcome), problems, events, lastHash };
}

export function runChecks(db: Db, checks: readonly Check[] = CHECKS): VerifyResult {
  return result(
    db,
    checks.map((c) => runOne(db, c)),
  );
}

/**
 * What runs in the worker thread (integrity.ts) before it shares the units of
 * chain.rows with this one (the worker starts later: its modules load first).
 */
const IN_WORKER = ['sqlite.integrity'];
/** The quick check takes half as long: the worker takes two more of SQLite's scans. */
const IN_WORKER_QUICK = [...IN_WORKER, 'sqlite.foreign-keys', 'lifecycle.filed-unchanged'];

/** The checks of CHECKS named by `ids`, in that order (the worker thread's part; `quick`: quickIntegrity for integrity). */
export function runNamedChecks(db: Db, ids: readonly string[], quick: boolean): Ran[] {
  return ids.map((id) => {
    const c = CHECKS.find((x) => x.id === id);
    if (!c) throw new Error(`internal error: no check ${id}`);
    return runOne(db, quick && c === sqlite.integrity ? sqlite.quickIntegrity : c);
  });
}

/** The units of the checks named, in the order they are claimed: [the check, the unit]. */
function unitsOf(ids: readonly string[]): [Check, string][] {
  return ids.flatMap((id) => {
    const c = CHECKS.find((x) => x.id === id);
    if (!c?.units) throw new Error(`internal error: no check ${id} in units`);
    return c.units.map((u): [Check, string] => [c, u]);
  });
}

/**
 * Runs units of the checks `shared.checks` on `db`, each claimed from the
 * count both threads share (Atomics: no unit runs twice), until none is left;
 * yields each as [its place in the list, its run].
 */
export function* claimUnits(db: Db, shared: SharedUnits): Generator<[number, Ran]> {
  const units = unitsOf(shared.checks);
  const claimed = new Int32Array(shared.claimed);
  const runners = new Map<Check, (unit: string) => Problem[]>();
  for (let i = Atomics.add(claimed, 0, 1); i < units.length; i = Atomics.add(claimed, 0, 1)) yield [i, runUnit(db, runners, ...units[i])];
}

/** One unit of check `c` in this thread; an error (in it or in making the check's runner) is the unit's finding. */
function runUnit(db: Db, runners: Map<Check, (unit: string) => Problem[]>, c: Check, unit: string): Ran {
  return ran(c, () => {
    let run = runners.get(c);
    if (!run) runners.set(c, (run = c.unitRunner!(db)));
    return run(unit);
  });
}

/** The runs of a check's units as one run: every problem in the check's order; an error in any unit is the check's error. */
function joined(c: Check, units: ReadonlyMap<string, Ran>): Ran {
  const runs = [...units.values()];
  const error = runs.find((r) => r.outcome.status === 'error');
  // An error met by every unit (the check's runner could not be made) is one finding, not one per unit.
  const errors = new Set<string>();
  const once = (r: Ran): Problem[] => (r.outcome.status !== 'error' ? r.problems : r.problems.filter((p) => !errors.has(p.message.en) && errors.add(p.message.en)));
  const problems = c.joinUnits!(new Map([...units].map(([u, r]) => [u, once(r)])));
  const status = error ? 'error' : problems.length ? 'problems' : 'ok';
  return { outcome: { id: c.id, title: c.title, status, problems: problems.length, ...(error?.outcome.note === undefined ? {} : { note: error.outcome.note }) }, problems };
}

/**
 * runChecks on the ledger file at `path` (db is open on it), with SQLite's
 * integrity check in a worker thread while this one runs the others, when the
 * file is large enough for that to pay (integrity.ts); then both threads share
 * the units of checks made of units (chain.rows: a table each), so that they
 * end together whatever the round's shape. The same result.
 * `quick`: SQLite's quick check in place of its integrity check (a backup's
 * copy: sqlite.quickIntegrity). `worker: false`: every check in this thread
 * (a caller that is itself a worker beside a busy thread: ops/audit-verify.ts).
 */
export async function runChecksOnFile(
  db: Db,
  path: string,
  checks: readonly Check[] = CHECKS,
  onCheck?: (done: number, total: number) => void,
  opts: { quick?: boolean; worker?: boolean } = {},
): Promise<VerifyResult> {
  const quick = opts.quick === true;
  const own = (c: Check): Check => (quick && c === sqlite.integrity ? sqlite.quickIntegrity : c);
  let done = 0;
  const tick = <T>(x: T): T => {
    onCheck?.(++done, checks.length);
    return x;
  };
  const ids = new Set(quick ? IN_WORKER_QUICK : IN_WORKER);
  const away = checks.filter((c) => CHECKS.includes(c) && ids.has(c.id));
  // A check whose tables are missing is skipped here, as runOne does.
  const split = checks.filter((c) => CHECKS.includes(c) && c.units && c.unitRunner && c.joinUnits && !missingNeeds(db, c.needs).length);
  if ((!away.length && !split.length) || opts.worker === false || !integrityWorkerWorthIt(path)) return result(db, checks.map((c) => tick(runOne(db, own(c)))));
  const shared: SharedUnits = { checks: split.map((c) => c.id), claimed: new SharedArrayBuffer(4) };
  const answer = checksInWorker<Ran>(path, away.map((c) => c.id), quick, shared).then(
    (a) => a,
    (e: Error) => ({ runs: away.map((c) => ran(own(c), failed(e))), units: [] as [number, Ran][] }),
  );
  const mine = new Map<Check, Ran>();
  for (const c of checks) if (!away.includes(c) && !split.includes(c)) mine.set(c, tick(runOne(db, own(c))));
  // Then this thread's share of the units.
  const found = new Map<number, Ran>(claimUnits(db, shared));
  const theirs = await answer;
  for (const [i, r] of theirs.units) found.set(i, r);
  // A unit the worker claimed and did not answer (it failed) is run here.
  const units = unitsOf(shared.checks);
  const runners = new Map<Check, (unit: string) => Problem[]>();
  for (const [i, [c, u]] of units.entries()) if (!found.has(i)) found.set(i, runUnit(db, runners, c, u));
  let k = 0;
  return result(
    db,
    checks.map((c) => {
      if (away.includes(c)) return tick(theirs.runs[k++]);
      if (!split.includes(c)) return mine.get(c)!;
      return tick(joined(c, new Map(units.flatMap(([x, u], i) => (x === c ? [[u, found.get(i)!] as const] : [])))));
    }),
  );
}

const failed = (e: Error) => (): never => {
  throw e;
};
