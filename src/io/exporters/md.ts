// Report → Markdown, for pasting into a written report: one table per
// section, amounts in yuan with separators, charts as small tables.
import { formatYuan } from '../../domain/money.js';
import { plainText, resolveCell, type Column, type Report } from '../../domain/report.js';
import { text, type Lang } from '../../domain/text.js';

// Table cells: a pipe would split the cell and < > could become HTML where the Markdown is rendered.
export function mdEscape(s: string): string {
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
const NONE = text('（无）', '(none)');

export function renderMarkdown(r: Report, lang: Lang): string {
  const out: string[] = [];
  out.push(`# ${mdEscape(r.title[lang])} — ${mdEscape(r.roundId)}`, '');
  for (const m of r.meta) {
    const c: Column = { key: m.key, header: m.label, type: m.type };
    out.push(`- **${mdEscape(m.label[lang])}**: ${mdEscape(plainText(resolveCell(m.value, c, lang), true, formatYuan))}`);
  }
  out.push('');
  if (r.charts.length) {
    out.push(`## ${lang === 'zh' ? '图表' : 'Charts'}`, '');
    for (const ch of r.charts) {
      out.push(`### ${mdEscape(ch.title[lang])}`, '');
      const max = Math.max(0, ...ch.bars.map((b) => b.fen));
      if (!ch.bars.length) {
        out.push(`_${NONE[lang]}_`, '');
        continue;
      }
      out.push(`| ${lang === 'zh' ? '项目' : 'Item'} | ${lang === 'zh' ? '金额（元）' : 'Amount (yuan)'} | |`, '|---|---:|---|');
      for (const b of ch.bars) {
        const n = max > 0 ? Math.round((b.fen / max) * 20) : 0;
        out.push(`| ${mdEscape(b.label[lang])} | ${formatYuan(b.fen)} | ${'█'.repeat(n)} |`);
      }
      out.push('');
    }
  }
  for (const s of r.sections) {
    out.push(`## ${mdEscape(s.title[lang])}`, '');
    if (s.note) out.push(`_${mdEscape(s.note[lang])}_`, '');
    if (!s.rows.length) {
      out.push(`_${NONE[lang]}_`, '');
      continue;
    }
    out.push(`| ${s.columns.map((c) => mdEscape(c.header[lang])).join(' | ')} |`);
    out.push(`|${s.columns.map((c) => (RIGHT.has(c.type) ? '---:' : '---')).join('|')}|`);
    for (const row of s.rows) {
      out.push(`| ${s.columns.map((c, i) => mdEscape(plainText(resolveCell(row[i] ?? null, c, lang), true, formatYuan))).join(' | ')} |`);
    }
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
