// Checks of verify in a worker thread (integrity-worker.ts): on a large ledger
// PRAGMA integrity_check takes about as long as every other check together,
// and a second core runs it, with the checks that are mostly SQLite's own
// scans, meanwhile.
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

// ../ledger/: the same file from dist/ledger/ and from dist/bundle/ (the CommonJS chunks of
// scripts/bundle.mjs, one level below dist/ as well); the worker runs the ES modules of dist/ledger/.
const WORKER_URL = new URL('../ledger/integrity-worker.js', import.meta.url);

/** Below this size a worker's start costs more than it saves. */
const WORKER_MIN_BYTES = 32 * 1024 * 1024;

/**
 * Whether a worker thread (the built module at `workerUrl`) is worth starting
 * for the ledger at `path`: it exists, and the file is large enough.
 * JMFUND_VERIFY_WORKER=never|always forces the answer (tests, comparisons).
 */
export function workerWorthIt(workerUrl: URL, path: string): boolean {
  const env = process.env.JMFUND_VERIFY_WORKER;
  if (env === 'never' || !existsSync(fileURLToPath(workerUrl))) return false;
  if (env === 'always') return true;
  try {
    return statSync(path).size >= WORKER_MIN_BYTES;
  } catch {
    return false;
  }
}

/** Whether integrityCheckInWorker is worth it for this file (and can run: the built worker exists). */
export const integrityWorkerWorthIt = (path: string): boolean => workerWorthIt(WORKER_URL, path);

/** Units of checks that the worker shares with the thread that started it (verify/index.ts): the checks' ids, and the count of units claimed so far. */
export interface SharedUnits {
  checks: string[];
  claimed: SharedArrayBuffer;
}

/** What the worker answers: a run per check named, and a run per unit it claimed (by its place in the units' list). */
export interface WorkerAnswer<T> {
  runs: T[];
  units: [number, T][];
}

/**
 * Runs the checks of verify named by `ids` (in that order) on the file at
 * `path` in a worker thread, with SQLite's quick check in place of its
 * integrity check when `quick`, then claims units of `shared` checks until
 * none is left; resolves with what it ran, rejects with the error the worker met.
 */
export function checksInWorker<T>(path: string, ids: readonly string[], quick: boolean, shared?: SharedUnits): Promise<WorkerAnswer<T>> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { workerData: { path, ids: [...ids], quick, shared } });
    let answered = false;
    worker.once('message', (m: { runs?: T[]; units?: [number, T][]; error?: string }) => {
      answered = true;
      if (m.runs) resolve({ runs: m.runs, units: m.units ?? [] });
      else reject(new Error(m.error ?? 'integrity check failed'));
    });
    worker.once('error', (e) => {
      answered = true;
      reject(e);
    });
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`integrity check worker exited with code ${code}`));
    });
  });
}
