// Checks of verify in a worker thread, so that they run beside the others
// (integrity.ts): SQLite's integrity check, then the tables of chain.rows it claims. Read-only, not migrated.
import { parentPort, workerData } from 'node:worker_threads';
import { openLedger } from './open.js';
import type { SharedUnits } from './integrity.js';
import { claimUnits, runNamedChecks } from './verify/index.js';

const port = parentPort;
if (port === null) throw new Error('integrity-worker.js runs as a worker thread');
try {
  const data = workerData as { path: string; ids: string[]; quick: boolean; shared?: SharedUnits };
  const db = openLedger(data.path, { readonly: true, readOnlyFile: true });
  // Each page is read about once: a small cache keeps this thread's memory flat whatever the ledger's size.
  db.pragma('cache_size = -8192');
  try {
    const runs = runNamedChecks(db, data.ids, data.quick);
    // Then units shared with the thread that started this one, as long as any is left.
    const units = data.shared ? [...claimUnits(db, data.shared)] : [];
    port.postMessage({ runs, units });
  } finally {
    db.close();
  }
} catch (e) {
  port.postMessage({ error: (e as Error).message });
}
