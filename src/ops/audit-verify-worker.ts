// The audit report's verify in a worker thread (ops/audit-verify.ts), so that
// it runs beside the report's body on a second core; first, when asked, the
// rows of some of the report's long sections in the report's format
// (io/exporters/rows-elsewhere.ts), which the report's thread splices in.
// Read-only, not migrated.
import { parentPort, workerData } from 'node:worker_threads';
import { buildReport } from '../domain/reports/index.js';
import { type RenderedRows, renderRows } from '../io/exporters/rows-elsewhere.js';
import { openLedger } from '../ledger/open.js';
import { loadRoundFacts, soundVerifyFacts, verifyFactsOnFile } from '../ledger/reports.repo.js';
import type { RowsRequest, WorkerAnswer } from './audit-verify.js';

const port = parentPort;
if (port === null) throw new Error('audit-verify-worker.js runs as a worker thread');
const post = (m: WorkerAnswer): void => port.postMessage(m);

/**
 * A section's rows, their buffers moved to the report's thread rather than copied (a json section of 10^5 rows is
 * tens of MB). A buffer no larger than Node's pool may be the pool others share: it is copied.
 */
function postRows(rows: RenderedRows & { id: string }): void {
  const own = new Set<ArrayBuffer>();
  for (const c of rows.chunks) if (c.buffer instanceof ArrayBuffer && c.buffer.byteLength > Buffer.poolSize) own.add(c.buffer);
  port?.postMessage({ rows } satisfies WorkerAnswer, [...own]);
}
try {
  const { path, split, rows } = workerData as { path: string; split: boolean; rows: RowsRequest | null };
  const db = openLedger(path, { readonly: true, readOnlyFile: true });
  // Each page is read about once: a small cache keeps this thread's memory flat whatever the ledger's size.
  db.pragma('cache_size = -8192');
  try {
    if (rows) {
      // The report's thread reaches these sections after the long ones before them: they are written first.
      // Their rows do not depend on the verify result (the report's head does).
      const facts = loadRoundFacts(db, rows.roundId, { verify: soundVerifyFacts(db) });
      const report = facts ? buildReport('audit', facts, rows.generatedAt) : null;
      if (report) report.timeZone = rows.timeZone;
      for (const id of rows.sections) {
        const section = report?.sections.find((s) => s.id === id);
        try {
          if (!report || !section) throw new Error(`no section ${id}`);
          postRows({ id, ...(await renderRows(rows.format, report, section, rows.lang)) });
        } catch (e) {
          post({ rowsFailed: { id, message: (e as Error).message } });
        }
      }
    }
    // Every check in this thread unless `split`: the report's thread takes the other core, and a third thread
    // (verify's own integrity worker) would only take turns with the two.
    const verify = await verifyFactsOnFile(db, (done, total) => post({ done, total }), { worker: split });
    post({ verify });
  } finally {
    db.close();
  }
} catch (e) {
  post({ error: (e as Error).message });
}
