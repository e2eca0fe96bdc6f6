// Report → CSV (UTF-8 with BOM, CRLF): the title and meta as label,value
// rows, then each section as its title, a header row and its rows, with a
// blank row between blocks; written row by row. Text goes through csvCell (quoting and formula
// neutralisation); amounts are plain numbers in yuan with two decimals.
import { yuanPlain } from '../../domain/money.js';
import { plainText, resolveCell, type CellValue, type Column, type Report } from '../../domain/reports/model.js';
import type { Lang } from '../../domain/text.js';
import { csvCell } from './csv.js';
import { type RowsElsewhere, rowsFrom, spliceChunks } from './rows-elsewhere.js';
import { toText, type TextSink } from './sink.js';

function cell(v: CellValue, c: Column, lang: Lang, tz?: string): string {
  // The common cells without building their resolved form (a report of 10^5 applications has millions).
  if (v === null) return '';
  if (typeof v === 'string' && c.type !== 'instant') return csvCell(v);
  if (typeof v === 'number' && c.type === 'number' && Number.isFinite(v)) return v.toFixed(c.wholeIntegers && Number.isInteger(v) ? 0 : (c.decimals ?? 0));
  if (typeof v === 'number' && c.type === 'money' && Number.isFinite(v)) return yuanPlain(v);
  // A ledger word or a text in both languages is its text in the language, whatever the column.
  if (typeof v === 'object' && !('fen' in v)) return csvCell('code' in v ? v.label[lang] : v[lang]);
  const r = resolveCell(v, c, lang);
  // Numbers are written raw: "-5.00" is an amount, not a formula.
  if (r.type === 'money' || r.type === 'number' || r.type === 'percent') return plainText(r, false, yuanPlain);
  return csvCell(plainText(r, false, yuanPlain, tz));
}

/** A section's rows, a line each. */
export async function writeCsvRows(rows: Iterable<CellValue[]>, cols: readonly Column[], lang: Lang, tz: string | undefined, out: TextSink): Promise<void> {
  for (const row of rows) {
    let t = cell(row[0] ?? null, cols[0], lang, tz);
    for (let i = 1; i < cols.length; i++) t += `,${cell(row[i] ?? null, cols[i], lang, tz)}`;
    // Awaited only when a buffer went out: an await per row is a pause per row.
    const p = out.write(`${t}\r\n`);
    if (p) await p;
  }
}

/** `elsewhere`: sections whose rows another thread writes (rows-elsewhere.ts). */
export async function writeCsv(r: Report, lang: Lang, out: TextSink, elsewhere?: RowsElsewhere): Promise<void> {
  const line = (s: string) => out.write(`${s}\r\n`);
  await line(`\uFEFF${csvCell(`${r.title[lang]} — ${r.roundId}`)}`);
  for (const m of r.meta) await line(`${csvCell(m.label[lang])},${cell(m.value, { key: m.key, header: m.label, type: m.type }, lang, r.timeZone)}`);
  for (const s of r.sections) {
    await line('');
    await line(csvCell(s.title[lang]));
    if (s.note) await line(csvCell(s.note[lang]));
    await line(s.columns.map((c) => csvCell(c.header[lang])).join(','));
    const done = await rowsFrom(elsewhere, s.id);
    if (done) await spliceChunks(out, done.chunks);
    else await writeCsvRows(s.rows, s.columns, lang, r.timeZone, out);
  }
}

export const renderCsv = (r: Report, lang: Lang): Promise<string> => toText((out) => writeCsv(r, lang, out));
