// jmfund verify: every check, every problem (not just the first), exit 1 if any.
import { text, type Text } from '../../domain/text.js';
import type { Db } from '../open.js';
import * as allocation from './allocation.js';
import * as applications from './applications.js';
import * as chain from './chain.js';
import * as lifecycle from './lifecycle.js';
import * as money from './money.js';
import { missingNeeds } from '../schema.js';
import { checksInWorker, integrityWorkerWorthIt } from '../integrity.js';
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
 * What runs in the worker thread (integrity.ts) beside the later part of
 * chain.rows, balanced against what stays (the worker starts later: its modules load first).
 */
const IN_WORKER = ['sqlite.integrity'];
/** The quick check takes half as long: the worker takes two more of SQLite's scans. */
const IN_WORKER_QUICK = [...IN_WORKER, 'sqlite.foreign-keys', 'lifecycle.filed-unchanged'];

/** The checks of CHECKS named by `ids`, in that order (the worker thread's part; `quick`: quickIntegrity for integrity); `ID#K` is part K of a check in parts. */
export function runNamedChecks(db: Db, ids: readonly string[], quick: boolean): Ran[] {
  return ids.map((name) => {
    const [id, part] = name.split('#');
    const c = CHECKS.find((x) => x.id === id);
    if (!c) throw new Error(`internal error: no check ${id}`);
    if (part !== undefined) return runOne(db, partOf(c, Number(part)));
    return runOne(db, quick && c === sqlite.integrity ? sqlite.quickIntegrity : c);
  });
}

/** Part `k` of a check in parts, as a check of its own (same id, needs and title). */
function partOf(c: Check, k: number): Check {
  return { id: c.id, title: c.title, needs: c.needs, run: (db) => c.runPart!(db, k) };
}

/** The runs of a check's parts as one run: every problem, in part order; an error in any part is the check's error. */
function joined(c: Check, parts: Ran[]): Ran {
  const problems = parts.flatMap((r) => r.problems);
  const error = parts.find((r) => r.outcome.status === 'error');
  const skipped = parts.every((r) => r.outcome.status === 'skipped');
  const status = error ? 'error' : skipped ? 'skipped' : problems.length ? 'problems' : 'ok';
  const note = error?.outcome.note ?? (skipped ? parts[0].outcome.note : undefined);
  return { outcome: { id: c.id, title: c.title, status, problems: problems.length, ...(note === undefined ? {} : { note }) }, problems };
}

/**
 * runChecks on the ledger file at `path` (db is open on it), with SQLite's
 * integrity check, its foreign-key check and the later parts of checks in
 * parts (chain.rows) in a worker thread while this one runs the others, when
 * the file is large enough for that to pay (integrity.ts). The same result.
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
  const split = checks.filter((c) => CHECKS.includes(c) && c.parts && c.runPart && c.parts > 1);
  if ((!away.length && !split.length) || opts.worker === false || !integrityWorkerWorthIt(path)) return result(db, checks.map((c) => tick(runOne(db, own(c)))));
  const failed = (e: Error) => () => {
    throw e;
  };
  // The worker's list: whole checks, then the later parts of split checks (ID#1, ID#2, …).
  const names = [...away.map((c) => c.id), ...split.flatMap((c) => Array.from({ length: c.parts! - 1 }, (_, i) => `${c.id}#${i + 1}`))];
  const answer = checksInWorker<Ran>(path, names, quick).then(
    (runs) => runs,
    (e: Error) => names.map((n) => ran(own(CHECKS.find((c) => c.id === n.split('#')[0])!), failed(e))),
  );
  const mine = new Map<Check, Ran>();
  for (const c of checks) {
    if (away.includes(c)) continue;
    if (split.includes(c)) mine.set(c, runOne(db, partOf(c, 0)));
    else mine.set(c, tick(runOne(db, own(c))));
  }
  const theirs = await answer;
  let k = 0;
  const runs = checks.map((c) => {
    if (away.includes(c)) return tick(theirs[k++]);
    if (!split.includes(c)) return mine.get(c)!;
    return null;
  });
  // The split checks' later parts follow the whole checks in the worker's answer.
  for (const [i, c] of checks.entries()) {
    if (!split.includes(c)) continue;
    const later = theirs.slice(k, k + c.parts! - 1);
    k += c.parts! - 1;
    runs[i] = tick(joined(c, [mine.get(c)!, ...later]));
  }
  return result(db, runs as Ran[]);
}
