// A Report in the chosen format, in memory (stdout, tests) or written to a
// file. Each exporter is loaded only when its format is asked for: exceljs is
// large, and a plain `report --format md` should not pay for it.
import type { Report, ReportFormat } from '../../domain/reports/model.js';
import type { Lang } from '../../domain/text.js';
import type { WrittenFile } from '../atomic-write.js';
import type { RowsElsewhere } from './rows-elsewhere.js';
import type { TextSink } from './sink.js';

const EXTENSIONS: Record<string, ReportFormat> = { csv: 'csv', json: 'json', xlsx: 'xlsx', html: 'html', htm: 'html', md: 'md', markdown: 'md' };

/** The format a file name asks for by its extension, if it names one. */
export function formatOfPath(path: string): ReportFormat | undefined {
  const ext = path.split('.').pop()?.toLowerCase();
  return ext ? EXTENSIONS[ext] : undefined;
}

async function textExporter(format: Exclude<ReportFormat, 'xlsx'>): Promise<(r: Report, lang: Lang, out: TextSink, elsewhere?: RowsElsewhere) => Promise<void>> {
  switch (format) {
    case 'csv':
      return (await import('./report-csv.js')).writeCsv;
    case 'json':
      return (await import('./json.js')).writeJson;
    case 'md':
      return (await import('./md.js')).writeMarkdown;
    case 'html':
      return (await import('./html.js')).writeHtml;
  }
}

/** Renders a report in memory: one string (a Buffer for xlsx). `elsewhere`: sections whose rows another thread writes (csv, md, json). */
export async function renderReport(r: Report, format: ReportFormat, lang: Lang, elsewhere?: RowsElsewhere): Promise<string | Buffer> {
  if (format === 'xlsx') return (await import('./xlsx.js')).renderXlsx(r, lang);
  const { toText } = await import('./sink.js');
  const write = await textExporter(format);
  return toText((out) => write(r, lang, out, elsewhere));
}

/**
 * Writes a report to a file row by row, through a temporary file that takes
 * the file's name only once the report is complete: an error on the way
 * leaves neither a half report nor the temporary file. `beforeCommit`, once
 * the report is written, may still refuse it (by throwing) before it takes
 * the file's name.
 */
export async function writeReportFile(
  r: Report,
  format: ReportFormat,
  lang: Lang,
  path: string,
  opts: { force?: boolean; mode?: number; beforeCommit?: () => Promise<void>; elsewhere?: RowsElsewhere } = {},
): Promise<WrittenFile> {
  const { writeFileAtomicStream } = await import('../atomic-write.js');
  const { beforeCommit, elsewhere, ...fileOpts } = opts;
  if (format === 'xlsx') {
    const { writeXlsx } = await import('./xlsx.js');
    return writeFileAtomicStream(
      path,
      async (out) => {
        await writeXlsx(r, lang, out);
        await beforeCommit?.();
      },
      fileOpts,
    );
  }
  const { TextSink } = await import('./sink.js');
  const write = await textExporter(format);
  return writeFileAtomicStream(
    path,
    async (out) => {
      // Each chunk is on disk when chunkNow returns, so the sink's one buffer is used again.
      const sink = new TextSink((chunk) => out.chunkNow(chunk), true);
      await write(r, lang, sink, elsewhere);
      await sink.flush();
      await beforeCommit?.();
    },
    fileOpts,
  );
}
