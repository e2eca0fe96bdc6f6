// Report → Markdown, for pasting into a written report: one table per
// section, amounts in yuan with separators, charts as small tables; written
// row by row.
import { formatYuan } from '../../domain/money.js';
import { openRows, plainText, resolveCell, type CellValue, type Column, type Report } from '../../domain/reports/model.js';
import { text, type Lang } from '../../domain/text.js';
import { barLength, maxFen } from './charts.js';
import { type RowsElsewhere, rowsFrom, spliceChunks } from './rows-elsewhere.js';
import { toText, type TextSink } from './sink.js';

// Table cells: a pipe would split the cell and < > could become HTML where the Markdown is rendered.
const MD_SPECIAL = /[&\\|*_`[\]<>\r\n\t]/;

export function mdEscape(s: string): string {
  // Most cells have nothing to escape: one test instead of seven replaces (a report of 10^5 applications has millions of cells).
  if (!MD_SPECIAL.test(s)) return s;
  return s
    .replace(/&/g, '&amp;')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[*_`[\]]/g, (c) => `\\${c}`)
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r\n|[\r\n\t]/g, ' ');
}

const RIGHT = new Set(['money', 'number', 'percent']);

/** A cell's text; the common cells (text, a ledger word, nothing) without their resolved form. */
function mdText(v: CellValue, c: Column, lang: Lang, tz?: string): string {
  if (v === null) return '';
  if (typeof v === 'string' && c.type !== 'instant') return v;
  if (typeof v === 'object' && 'code' in v) return v.label[lang];
  // A text in both languages, whatever the column.
  if (typeof v === 'object' && !('fen' in v)) return v[lang];
  return plainText(resolveCell(v, c, lang), true, formatYuan, tz);
}
const NONE = text('（无）', '(none)');

/**
 * Lines out, as `lines.join('\n').trimEnd() + '\n'` would give them: blank
 * lines are held back until a line follows, so none end the file.
 */
class Lines {
  private held: string[] = [];
  constructor(private readonly out: TextSink) {}
  push(...lines: string[]): Promise<void> | void {
    let ready = '';
    for (const l of lines) {
      this.held.push(l);
      if (l.trim() === '') continue;
      // A line with text: what came before it is no longer at the end.
      const last = this.held.pop() as string;
      if (this.held.length) ready += `${this.held.join('\n')}\n`;
      this.held = [last];
    }
    if (ready) return this.out.write(ready);
  }
  /** push() of one line known to have text (a table row): the line held before it goes out. */
  pushRow(line: string): Promise<void> | void {
    const held = this.held;
    this.held = [line];
    if (held.length) return this.out.write(held.length === 1 ? `${held[0]}\n` : `${held.join('\n')}\n`);
  }
  end(): Promise<void> | void {
    return this.out.write(`${this.held.join('\n').trimEnd()}\n`);
  }
  /** Rows written elsewhere (writeMdRowsApart): as if each had been given to pushRow. */
  async pushRows(chunks: readonly Uint8Array[], last: string): Promise<void> {
    const held = this.held;
    this.held = [last];
    if (held.length) await this.out.write(`${held.join('\n')}\n`);
    await spliceChunks(this.out, chunks);
  }
}

const mdRow = (row: readonly CellValue[], cols: readonly Column[], lang: Lang, tz: string | undefined): string => {
  let line = '|';
  for (let i = 0; i < cols.length; i++) line += ` ${mdEscape(mdText(row[i] ?? null, cols[i], lang, tz))} |`;
  return line;
};

/** A section's rows as Lines.pushRow would write them: each but the last with its line end to `out`; the last returned (null: none). */
export async function writeMdRowsApart(rows: Iterable<CellValue[]>, cols: readonly Column[], lang: Lang, tz: string | undefined, out: TextSink): Promise<string | null> {
  let held: string | null = null;
  for (const row of rows) {
    if (held !== null) {
      const p = out.write(`${held}\n`);
      if (p) await p;
    }
    held = mdRow(row, cols, lang, tz);
  }
  return held;
}

/** `elsewhere`: sections whose rows another thread writes (rows-elsewhere.ts). */
export async function writeMarkdown(r: Report, lang: Lang, sink: TextSink, elsewhere?: RowsElsewhere): Promise<void> {
  const out = new Lines(sink);
  await out.push(`# ${mdEscape(r.title[lang])} — ${mdEscape(r.roundId)}`, '');
  for (const m of r.meta) {
    const c: Column = { key: m.key, header: m.label, type: m.type };
    await out.push(`- **${mdEscape(m.label[lang])}**: ${mdEscape(plainText(resolveCell(m.value, c, lang), true, formatYuan, r.timeZone))}`);
  }
  await out.push('');
  if (r.summary) {
    // The answer first: verify, then the applications by state (the money is the first chart).
    const sm = r.summary;
    await out.push(`## ${lang === 'zh' ? '摘要' : 'Summary'}`, '');
    if (sm.verify) await out.push(`**${mdEscape(sm.verify.text[lang])}**`, '');
    await out.push(`| ${lang === 'zh' ? '状态' : 'State'} | ${lang === 'zh' ? '申报数' : 'Applications'} |`, '|---|---:|');
    for (const x of sm.states) await out.push(`| ${mdEscape(x.label[lang])} | ${x.count} |`);
    await out.push(`| ${lang === 'zh' ? '合计' : 'Total'} | ${sm.states.reduce((a, x) => a + x.count, 0)} |`, '');
  }
  if (r.charts.length) {
    await out.push(`## ${lang === 'zh' ? '图表' : 'Charts'}`, '');
    for (const ch of r.charts) {
      await out.push(`### ${mdEscape(ch.title[lang])}`, '');
      const max = maxFen(ch.bars);
      if (!ch.bars.length) {
        await out.push(`_${NONE[lang]}_`, '');
        continue;
      }
      if (ch.unit === 'count') {
        // Counts in parts (pass / fail / needs review): one column per part.
        const parts = ch.bars[0].parts ?? [];
        await out.push(`| ${lang === 'zh' ? '项目' : 'Item'} | ${parts.map((p) => mdEscape(p.label[lang])).join(' | ')} | |`, `|---|${parts.map(() => '---:').join('|')}|---|`);
        for (const b of ch.bars) await out.push(`| ${mdEscape(b.label[lang])} | ${(b.parts ?? []).map((p) => p.count).join(' | ')} | ${'█'.repeat(barLength(b.fen, max, 20))} |`);
        await out.push('');
        continue;
      }
      await out.push(`| ${lang === 'zh' ? '项目' : 'Item'} | ${lang === 'zh' ? '金额（元）' : 'Amount (yuan)'} | |`, '|---|---:|---|');
      for (const b of ch.bars) {
        const n = barLength(b.fen, max, 20);
        await out.push(`| ${mdEscape(b.label[lang])} | ${formatYuan(b.fen)} | ${'█'.repeat(n)} |`);
      }
      await out.push('');
    }
  }
  for (const s of r.sections) {
    await out.push(`## ${mdEscape(s.title[lang])}`, '');
    if (s.note) await out.push(`_${mdEscape(s.note[lang])}_`, '');
    const done = await rowsFrom(elsewhere, s.id);
    const { empty, rows } = done ? { empty: done.count === 0, rows: [] } : openRows(s.rows);
    if (empty) {
      // A note already says what the section holds ("No problem found."): no "(none)" after it.
      if (!s.note) await out.push(`_${NONE[lang]}_`, '');
      continue;
    }
    await out.push(`| ${s.columns.map((c) => mdEscape(c.header[lang])).join(' | ')} |`);
    await out.push(`|${s.columns.map((c) => (RIGHT.has(c.type) ? '---:' : '---')).join('|')}|`);
    const cols = s.columns;
    if (done) await out.pushRows(done.chunks, done.last as string);
    else {
      for (const row of rows) {
        // Awaited only when a buffer went out: an await per row is a pause per row.
        const p = out.pushRow(mdRow(row, cols, lang, r.timeZone));
        if (p) await p;
      }
    }
    await out.push('');
  }
  await out.end();
}

export const renderMarkdown = (r: Report, lang: Lang): Promise<string> => toText((out) => writeMarkdown(r, lang, out));
