// The audit report's verify beside its body. The verify result heads the
// report but takes as long as the rest of a large round's report: a worker
// thread runs it (audit-verify-worker.ts) while this thread writes the report
// with the result a sound ledger gives (no problem; its event count and last
// hash). A result that differs (a ledger with problems) has the report written
// again with it: the file is the same as if the verify had run first. The
// worker first writes the rows of some long sections (RowsRequest), so that
// the two threads share the report's work as well.
import { Worker } from 'node:worker_threads';
import type { FactsVerify } from '../domain/reports/facts.js';
import type { Lang } from '../domain/text.js';
import type { RenderedRows, RowsElsewhere, SplicedFormat } from '../io/exporters/rows-elsewhere.js';
import type { Db } from '../ledger/open.js';
import { workerWorthIt } from '../ledger/integrity.js';
import { verifyFactsOnFile } from '../ledger/reports.repo.js';

// ../ops/: the same file from dist/ops/ and from dist/bundle/ (scripts/bundle.mjs); the worker runs the ES modules of dist/ops/.
const WORKER_URL = new URL('../ops/audit-verify-worker.js', import.meta.url);

/** Whether the verify runs beside the report for the ledger at `path` (as verify's own worker: ledger/integrity.ts). */
export const verifyBesideWorthIt = (path: string): boolean => workerWorthIt(WORKER_URL, path);

/** Sections of the audit report whose rows the worker writes, in the report's format, before its verify. */
export interface RowsRequest {
  roundId: string;
  generatedAt: string;
  timeZone: string | undefined;
  format: SplicedFormat;
  lang: Lang;
  /** Section ids, in the report's order. */
  sections: string[];
}

/** What the worker says: progress of its checks, a section's rows (or that it could not write them), the result, or its error. */
export type WorkerAnswer =
  | { done: number; total: number }
  | { rows: RenderedRows & { id: string } }
  | { rowsFailed: { id: string; message: string } }
  | { verify: FactsVerify }
  | { error: string };

export interface VerifyBeside {
  /** The result, as verifyFactsOnFile gives it (in this thread if the worker failed to run). */
  result: Promise<FactsVerify>;
  /** The rows asked for (RowsRequest), each rejected if the worker did not write it (the report's thread writes it then). */
  rows: RowsElsewhere;
  /** Stops the worker (the report failed: its verify is no longer wanted). */
  cancel(): void;
}

/**
 * Starts the verify of the ledger at `path` (db is open on it) in a worker thread; `onCheck` hears its progress.
 * `split`: the verify may take a third thread for SQLite's integrity check (as `jmfund verify` does), when the
 * report itself leaves a core mostly free (an abridged web page); else the two would only take turns.
 */
export function verifyBeside(db: Db, path: string, onCheck?: (done: number, total: number) => void, split = false, rowsRequest: RowsRequest | null = null): VerifyBeside {
  const worker = new Worker(WORKER_URL, { workerData: { path, split, rows: rowsRequest } });
  let cancelled = false;
  // Each section's rows as the worker sends them; those it never sends are rejected when it stops.
  const pending = new Map<string, { resolve: (r: RenderedRows) => void; reject: (e: Error) => void }>();
  const rows = new Map<string, Promise<RenderedRows>>();
  for (const id of rowsRequest?.sections ?? []) {
    const p = new Promise<RenderedRows>((resolve, reject) => pending.set(id, { resolve, reject }));
    // Not every section may be waited for (a report that failed first).
    p.catch(() => undefined);
    rows.set(id, p);
  }
  const settleRows = (e: Error) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  const answer = new Promise<FactsVerify>((resolve, reject) => {
    let answered = false;
    worker.on('message', (m: WorkerAnswer) => {
      if ('rows' in m) {
        pending.get(m.rows.id)?.resolve(m.rows);
        pending.delete(m.rows.id);
      } else if ('rowsFailed' in m) {
        pending.get(m.rowsFailed.id)?.reject(new Error(m.rowsFailed.message));
        pending.delete(m.rowsFailed.id);
      } else if ('verify' in m) {
        answered = true;
        resolve(m.verify);
      } else if ('error' in m) {
        answered = true;
        settleRows(new Error(m.error));
        reject(new Error(m.error));
      } else onCheck?.(m.done, m.total);
    });
    worker.once('error', (e) => {
      answered = true;
      settleRows(e);
      reject(e);
    });
    worker.once('exit', (code) => {
      settleRows(new Error(`verify worker exited with code ${code}`));
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
    rows,
    cancel() {
      cancelled = true;
      // Nobody waits for the result any more.
      result.catch(() => undefined);
      settleRows(new Error('cancelled'));
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
