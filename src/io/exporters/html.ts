// Report → one self-contained, printable HTML file: inline CSS, inline SVG
// charts (charts.ts), no script and no network. Headings carry both
// languages (the chosen one first); every text is HTML-escaped. Rows are
// written one by one; the charts come from the report's aggregates. A long
// listing of evidence is abridged (its first rows, and a note of how many
// there are), and the browser lays out only the sections in view
// (content-visibility): whole, the audit page of a province's round did not
// open in a browser (bench/browser.mjs).
import { formatYuan } from '../../domain/money.js';
import { formatInstant } from '../../domain/dates.js';
import { htmlRowsOf, openRows, plainText, resolveCell, type CellValue, type Column, type Report } from '../../domain/reports/model.js';
import { text, type Lang, type Text } from '../../domain/text.js';
import { caterpillarLegend, caterpillarSvgs } from './caterpillar.js';
import { barChartSvg, escapeXml as esc } from './charts.js';
import { TextSink, toText } from './sink.js';

const CSS = `
*{box-sizing:border-box}
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;font-size:13px;color:#222;margin:24px;line-height:1.45}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:16px;margin:24px 0 6px;border-bottom:2px solid #2f6eb5;padding-bottom:2px}
.alt{color:#666;font-weight:normal;font-size:.85em;margin-left:.5em}
th .alt{display:block;margin:0}
dl.meta{display:grid;grid-template-columns:max-content auto;gap:2px 16px;margin:12px 0}
dl.meta dt{font-weight:bold}
dl.meta dd{margin:0;word-break:break-all}
table{border-collapse:collapse;width:100%;margin:4px 0 8px}
th,td{border:1px solid #bbb;padding:3px 6px;vertical-align:top}
th{background:#eef3fa;text-align:left}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
tr:nth-child(even) td{background:#fafafa}
p.note{color:#555;margin:2px 0 6px}
p.none{color:#777;font-style:italic}
p.abridged{color:#8a4b00;font-weight:bold}
section.table{content-visibility:auto;contain-intrinsic-size:auto 600px}
.charts{display:flex;flex-wrap:wrap;gap:16px 32px}
figure{margin:0}
figcaption{font-weight:bold;margin-bottom:4px}
footer{margin-top:32px;color:#777;font-size:11px}
#report-summary .figures{display:flex;flex-wrap:wrap;gap:8px 32px;align-items:flex-start}
#report-summary table{width:auto;min-width:16em}
p.verify{font-weight:bold;margin:8px 0}
p.verify.ok{color:#2e7d32}
p.verify.bad{color:#c62828}
@page{size:A4 landscape;margin:12mm}
@media print{
body{margin:0;font-size:11px}
thead{display:table-header-group}
tfoot{display:table-footer-group}
tr,figure,dl.meta{break-inside:avoid;page-break-inside:avoid}
h2{break-after:avoid;page-break-after:avoid}
section.table{break-before:page;page-break-before:always}
#charts{break-before:page;page-break-before:always}
td,th{background:none !important}
}
`;

const other = (lang: Lang): Lang => (lang === 'zh' ? 'en' : 'zh');
const RIGHT = new Set(['money', 'number', 'percent']);

/** The chosen language, then the other one, smaller. */
function both(t: Text, lang: Lang): string {
  const a = t[lang];
  const b = t[other(lang)];
  return a === b ? esc(a) : `${esc(a)}<span class="alt" lang="${other(lang) === 'zh' ? 'zh-CN' : 'en'}">${esc(b)}</span>`;
}

function cellHtml(v: Parameters<typeof resolveCell>[0], c: Column, lang: Lang, tz?: string): string {
  // The common cells without their resolved form: text (an instant is formatted), a ledger word, nothing.
  if (v === null) return '<td></td>';
  if (typeof v === 'string' && c.type !== 'instant') return `<td>${esc(v)}</td>`;
  if (typeof v === 'object' && 'code' in v) return `<td>${esc(v.label[lang])}</td>`;
  // A text in both languages, whatever the column.
  if (typeof v === 'object' && !('fen' in v)) return `<td>${esc(v[lang])}</td>`;
  const r = resolveCell(v, c, lang);
  const s = esc(plainText(r, true, formatYuan, tz));
  return RIGHT.has(r.type) ? `<td class="num">${s}</td>` : `<td>${s}</td>`;
}

export async function writeHtml(r: Report, lang: Lang, sink: TextSink): Promise<void> {
  const noData = text('无数据', 'no data')[lang];
  // Each piece on its own line, as the page always was.
  const out = { push: (...parts: string[]) => sink.write(parts.map((p) => `${p}\n`).join('')) };
  await out.push(
    '<!DOCTYPE html>',
    `<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No script, no network: the page can only show what is in this file.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${esc(`${r.title[lang]} — ${r.roundId}`)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<header><h1>${both(r.title, lang)} — ${esc(r.roundId)}</h1></header>`,
    // The answer first: the round, policy and hash, the ledger's head, the money, the states, verify.
    `<section id="report-summary"><h2>${both(text('摘要', 'Summary'), lang)}</h2>`,
    '<dl class="meta">',
  );
  for (const m of r.meta) {
    await out.push(`<dt>${both(m.label, lang)}</dt><dd>${esc(plainText(resolveCell(m.value, { key: m.key, header: m.label, type: m.type }, lang), true, formatYuan, r.timeZone))}</dd>`);
  }
  await out.push('</dl>');
  if (r.summary) {
    const sm = r.summary;
    if (sm.verify) await out.push(`<p class="verify ${sm.verify.ok ? 'ok' : 'bad'}">${esc(sm.verify.text[lang])}</p>`);
    await out.push('<div class="figures">');
    await out.push(`<table class="money"><thead><tr><th>${both(text('资金', 'Money'), lang)}</th><th class="num">${both(text('金额（元）', 'Amount (yuan)'), lang)}</th></tr></thead><tbody>`);
    for (const m of sm.money) await out.push(`<tr><td>${both(m.label, lang)}</td><td class="num">${m.fen === null ? '—' : esc(formatYuan(m.fen))}</td></tr>`);
    await out.push('</tbody></table>');
    await out.push(`<table class="states"><thead><tr><th>${both(text('状态', 'State'), lang)}</th><th class="num">${both(text('申报数', 'Applications'), lang)}</th></tr></thead><tbody>`);
    for (const x of sm.states) await out.push(`<tr><td>${both(x.label, lang)}</td><td class="num">${x.count}</td></tr>`);
    await out.push(`<tr><td><b>${both(text('合计', 'Total'), lang)}</b></td><td class="num"><b>${sm.states.reduce((a, x) => a + x.count, 0)}</b></td></tr>`);
    await out.push('</tbody></table></div>');
  }
  await out.push('</section>');
  if (r.charts.length) {
    await out.push(`<section id="charts"><h2>${both(text('图表', 'Charts'), lang)}</h2><div class="charts">`);
    for (const c of r.charts) await out.push(`<figure><figcaption>${both(c.title, lang)}</figcaption>${barChartSvg(c, lang, noData)}</figure>`);
    await out.push('</div></section>');
  }
  if (r.caterpillars?.length) {
    await out.push(`<section id="caterpillars"><h2>${both(text('期望排名与资助线', 'Expected ranks and the funding line'), lang)}</h2>`, caterpillarLegend(lang));
    for (const c of r.caterpillars) {
      for (const svg of caterpillarSvgs(c, lang)) await out.push(`<figure class="caterpillar" style="margin:8px 0"><figcaption>${both(c.title, lang)}</figcaption>${svg}</figure>`);
    }
    await out.push('</section>');
  }
  for (const s of r.sections) {
    await out.push(`<section id="${esc(s.id)}" class="table"><h2>${both(s.title, lang)}</h2>`);
    if (s.note) await out.push(`<p class="note">${esc(s.note[lang])}</p>`);
    const { empty, rows } = openRows(s.rows);
    if (empty) {
      // A note already says what the section holds ("No problem found."): no "(none)" after it.
      await out.push(s.note ? '</section>' : `<p class="none">${esc(text('（无）', '(none)')[lang])}</p></section>`);
      continue;
    }
    const cols = s.columns;
    const tr = (row: CellValue[]): string => {
      let h = '<tr>';
      for (let i = 0; i < cols.length; i++) h += cellHtml(row[i] ?? null, cols[i], lang, r.timeZone);
      return `${h}</tr>\n`;
    };
    const head = async () => {
      await out.push('<table><thead><tr>');
      for (const c of cols) await out.push(`<th${RIGHT.has(c.type) ? ' class="num"' : ''}>${both(c.header, lang)}</th>`);
      await out.push('</tr></thead><tbody>');
    };
    const limit = s.abridgeable ? htmlRowsOf(r) : null;
    if (limit === null) {
      await head();
      for (const row of rows) {
        // Awaited only when a buffer went out: an await per row is a pause per row.
        const p = sink.write(tr(row));
        if (p) await p;
      }
    } else {
      // The first rows are held until it is known whether there are more (the note that says so goes above the
      // table), encoded: as strings they take several times their bytes.
      const held: Buffer[] = [];
      const hold = new TextSink((chunk) => {
        held.push(chunk);
      });
      const it = rows[Symbol.iterator]();
      let total = 0;
      for (let next = it.next(); !next.done; next = it.next()) {
        if (total++ < limit) hold.write(tr(next.value));
        else if (total === limit + 1) {
          // One row more than the page lists: the section's count, when it has one, saves reading the rest.
          const counted = s.count?.();
          if (counted !== undefined && counted >= total) {
            total = counted;
            break;
          }
        }
      }
      // Closes a ledger query left part read.
      it.return?.();
      hold.flush();
      if (total > limit) await out.push(`<p class="note abridged">${esc(abridgedNote(total, limit)[lang])}</p>`);
      await head();
      for (const b of held) await sink.writeBytes(b);
    }
    await out.push('</tbody></table></section>');
  }
  await out.push(`<footer>jmfund · ${esc(r.kind)} · ${esc(r.roundId)} · ${esc(formatInstant(r.generatedAt, r.timeZone))}</footer>`, '</body>', '</html>');
}

const count = (n: number): string => n.toLocaleString('en-US');

/** Above a long section's table: how many rows it has, how many the page lists, where the others are. */
const abridgedNote = (total: number, shown: number): Text =>
  text(
    `节选：本节共 ${count(total)} 行，本网页列出前 ${count(shown)} 行。全部行见本报告的 CSV、JSON 或 Excel（xlsx）格式；要在网页中列出全部行，加 --html-rows all。`,
    `Abridged: this section has ${count(total)} rows; this page lists the first ${count(shown)}. Every row is in the CSV, JSON and Excel (xlsx) formats of this report; for a page with every row, add --html-rows all.`,
  );

export const renderHtml = (r: Report, lang: Lang): Promise<string> => toText((out) => writeHtml(r, lang, out));
