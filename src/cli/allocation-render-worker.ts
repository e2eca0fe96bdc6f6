// Worker thread of allocation-render.ts: writes a plan's category tables, as
// renderCategories writes them piped, from the columns it was sent, and posts the text.
import { parentPort, workerData } from 'node:worker_threads';
import { CandidateColumns } from '../domain/allocation.js';
import type { Text } from '../domain/text.js';
import { planBody } from '../ops/plan-view.js';
import { renderCategories } from './allocation-tables.js';
import type { TablesRequest } from './allocation-render.js';
import { makePrinter } from './render.js';

/**
 * The tables' text for a request, as UTF-8 in pieces of about 64 KiB (each its
 * own ArrayBuffer, transferred to the command, which writes them as they are).
 */
export function tablesBytes(req: TablesRequest): Uint8Array[] {
  // The plan's own methods (categoryAt, clusterAt) over the columns sent.
  const apps = Object.assign(new CandidateColumns(1), req.apps);
  const ctx = { lang: req.lang, color: req.color, t: (t: Text) => t[req.lang] };
  const utf8 = new TextEncoder();
  const parts: Uint8Array[] = [];
  const out = makePrinter(ctx, (s) => parts.push(utf8.encode(s)), { tty: false, columns: Infinity, color: req.color });
  renderCategories(ctx, out, { ...planBody(req.policy, { ...req.plan, apps }), round: { policy: req.policy } }, false);
  return parts;
}

const job = (workerData as { tables?: TablesRequest } | null)?.tables;
if (parentPort && job) {
  const bytes = tablesBytes(job);
  parentPort.postMessage({ bytes }, bytes.map((b) => b.buffer as ArrayBuffer));
}
