// The audit report's verify beside its body. The verify result heads the
// report but takes as long as the rest of a large round's report: a worker
// thread runs it (audit-verify-worker.ts) while this thread writes the report
// with the result a sound ledger gives (no problem; its event count and last
// hash). A result that differs (a ledger with problems) has the report written
// again with it: the file is the same as if the verify had run first.
import { Worker } from 'node:worker_threads';
import type { FactsVerify } from '../domain/reports/facts.js';
import type { Db } from '../ledger/open.js';
import { workerWorthIt } from '../ledger/integrity.js';
import { verifyFactsOnFile } from '../ledger/reports.repo.js';

// ../ops/: the same file from dist/ops/ and from dist/bundle/ (scripts/bundle.mjs); the worker runs the ES modules of dist/ops/.
const WORKER_URL = new URL('../ops/audit-verify-worker.js', import.meta.url);

/** Whether the verify runs beside the report for the ledger at `path` (as verify's own worker: ledger/integrity.ts). */
export const verifyBesideWorthIt = (path: string): boolean => workerWorthIt(WORKER_URL, path);

export interface VerifyBeside {
  /** The result, as verifyFactsOnFile gives it (in this thread if the worker failed to run). */
  result: Promise<FactsVerify>;
  /** Stops the worker (the report failed: its verify is no longer wanted). */
  cancel(): void;
}

/**
 * Starts the verify of the ledger at `path` (db is open on it) in a worker thread; `onCheck` hears its progress.
 * `split`: the verify may take a third thread for SQLite's integrity check (as `jmfund verify` does), when the
 * report itself leaves a core mostly free (an abridged web page); else the two would only take turns.
 */
export function verifyBeside(db: Db, path: string, onCheck?: (done: number, total: number) => void, split = false): VerifyBeside {
  const worker = new Worker(WORKER_URL, { workerData: { path, split } });
  let cancelled = false;
  const answer = new Promise<FactsVerify>((resolve, reject) => {
    let answered = false;
    worker.on('message', (m: { done?: number; total?: number; verify?: FactsVerify; error?: string }) => {
      if (m.verify) {
        answered = true;
        resolve(m.verify);
      } else if (m.error !== undefined) {
        answered = true;
        reject(new Error(m.error));
      } else if (m.done !== undefined && m.total !== undefined) onCheck?.(m.done, m.total);
    });
    worker.once('error', (e) => {
      answered = true;
      reject(e);
    });
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`verify worker exited with code ${code}`));
    });
  });
  // A worker that could not run: the checks run here, as they would without it.
  const result = answer.catch((e: unknown) => {
    if (cancelled) throw e;
    return verifyFactsOnFile(db, onCheck);
  });
  return {
    result,
    cancel() {
      cancelled = true;
      // Nobody waits for the result any more.
      result.catch(() => undefined);
      void worker.terminate();
    },
  };
}

/** Whether a verify result is the one a report was written with (what the report shows of it). */
export function sameVerify(a: FactsVerify, b: FactsVerify): boolean {
  return (
    a.ok === b.ok &&
    a.events === b.events &&
    a.lastHash === b.lastHash &&
    a.skipped.length === b.skipped.length &&
    a.skipped.every((s, i) => s === b.skipped[i]) &&
    a.problems.length === 0 &&
    b.problems.length === 0
  );
}
