// A section's rows written by another thread (the audit report's worker,
// ops/audit-verify-worker.ts): their text in one format, exactly as the
// exporter would have written them here, handed over as bytes. The exporter
// writes the section's frame itself and splices the rows in, or writes them
// itself when the other thread could not.
import type { Report, ReportFormat, Section } from '../../domain/reports/model.js';
import type { Lang } from '../../domain/text.js';
import { TextSink } from './sink.js';

export interface RenderedRows {
  /** How many rows. */
  count: number;
  /** The rows' text, encoded, in order (for md all but the last row, each with its line end). */
  chunks: Uint8Array[];
  /** md: the last row's line, which the writer holds back (none end the file blank); else null. */
  last: string | null;
}

/** Sections (by id) whose rows another thread writes; an exporter waits for each as it reaches it. */
export type RowsElsewhere = ReadonlyMap<string, Promise<RenderedRows>>;

/** The formats whose sections' rows can be written elsewhere (a workbook and a web page are written whole). */
export type SplicedFormat = Extract<ReportFormat, 'csv' | 'md' | 'json'>;
export const SPLICED_FORMATS: readonly SplicedFormat[] = ['csv', 'md', 'json'];

/** The rows of another thread, or null when it failed (the exporter then writes them itself). */
export async function rowsFrom(elsewhere: RowsElsewhere | undefined, id: string): Promise<RenderedRows | null> {
  const p = elsewhere?.get(id);
  return p ? p.catch(() => null) : null;
}

/** Writes the bytes of rows rendered elsewhere to `out`. */
export async function spliceChunks(out: TextSink, chunks: readonly Uint8Array[]): Promise<void> {
  for (const c of chunks) {
    const p = out.writeBytes(Buffer.from(c.buffer, c.byteOffset, c.byteLength));
    if (p) await p;
  }
}

/** The rows of section `s` of report `r` as `format` writes them (in the thread that renders them for another). */
export async function renderRows(format: SplicedFormat, r: Report, s: Section, lang: Lang): Promise<RenderedRows> {
  const chunks: Uint8Array[] = [];
  const out = new TextSink((c) => {
    chunks.push(c);
  });
  let count = 0;
  let last: string | null = null;
  const counted = (function* () {
    for (const row of s.rows) {
      count++;
      yield row;
    }
  })();
  if (format === 'csv') await (await import('./report-csv.js')).writeCsvRows(counted, s.columns, lang, r.timeZone, out);
  else if (format === 'json') await (await import('./json.js')).writeJsonRows(counted, s.columns, lang, out);
  else last = await (await import('./md.js')).writeMdRowsApart(counted, s.columns, lang, r.timeZone, out);
  await out.flush();
  return { count, chunks, last };
}
