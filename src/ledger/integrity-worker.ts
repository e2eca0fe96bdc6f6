// SQLite's integrity check of a ledger file in a worker thread, so that
// verify runs it beside its other checks (integrity.ts). Read-only, not migrated.
import { parentPort, workerData } from 'node:worker_threads';
import { openLedger } from './open.js';

const port = parentPort;
if (port === null) throw new Error('integrity-worker.js runs as a worker thread');
try {
  const db = openLedger((workerData as { path: string }).path, { readonly: true });
  // Each page is read once: a small cache keeps this thread's memory flat whatever the ledger's size.
  db.pragma('cache_size = -8192');
  try {
    port.postMessage({ rows: db.prepare('PRAGMA integrity_check').pluck().all() as string[] });
  } finally {
    db.close();
  }
} catch (e) {
  port.postMessage({ error: (e as Error).message });
}
