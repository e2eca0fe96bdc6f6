// PRAGMA integrity_check of a ledger file in a worker thread (integrity-worker.ts):
// on a large ledger it takes as long as every other check of verify together,
// and a second core runs it meanwhile.
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

// ../ledger/: the same file from dist/ledger/ and from dist/bundle/ (the CommonJS chunks of
// scripts/bundle.mjs, one level below dist/ as well); the worker runs the ES modules of dist/ledger/.
const WORKER_URL = new URL('../ledger/integrity-worker.js', import.meta.url);

/** Below this size the worker's start costs more than it saves. */
const WORKER_MIN_BYTES = 32 * 1024 * 1024;

/** Whether integrityCheckInWorker is worth it for this file (and can run: the built worker exists). */
export function integrityWorkerWorthIt(path: string): boolean {
  const env = process.env.JMFUND_VERIFY_WORKER;
  if (env === 'never' || !existsSync(fileURLToPath(WORKER_URL))) return false;
  if (env === 'always') return true;
  try {
    return statSync(path).size >= WORKER_MIN_BYTES;
  } catch {
    return false;
  }
}

/** The rows of PRAGMA integrity_check (['ok'] for a sound file), from a worker thread; rejects with the error the check met. */
export function integrityCheckInWorker(path: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { workerData: { path } });
    let answered = false;
    worker.once('message', (m: { rows?: string[]; error?: string }) => {
      answered = true;
      if (m.rows) resolve(m.rows);
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
