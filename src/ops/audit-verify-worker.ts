// The audit report's verify in a worker thread (ops/audit-verify.ts), so that
// it runs beside the report's body on a second core. Read-only, not migrated.
import { parentPort, workerData } from 'node:worker_threads';
import { openLedger } from '../ledger/open.js';
import { verifyFactsOnFile } from '../ledger/reports.repo.js';

const port = parentPort;
if (port === null) throw new Error('audit-verify-worker.js runs as a worker thread');
try {
  const { path, split } = workerData as { path: string; split: boolean };
  const db = openLedger(path, { readonly: true, readOnlyFile: true });
  // Each page is read about once: a small cache keeps this thread's memory flat whatever the ledger's size.
  db.pragma('cache_size = -8192');
  try {
    // Every check in this thread unless `split`: the report's thread takes the other core, and a third thread
    // (verify's own integrity worker) would only take turns with the two.
    const verify = await verifyFactsOnFile(db, (done, total) => port.postMessage({ done, total }), { worker: split });
    port.postMessage({ verify });
  } finally {
    db.close();
  }
} catch (e) {
  port.postMessage({ error: (e as Error).message });
}
