// Report → XLSX (exceljs, loaded only by the commands that write one): a
// summary sheet with the meta fields, then one sheet per section with a bold,
// frozen header row; money as numbers in yuan with a money format; widths that
// fit Chinese text (CJK characters count double). Text is always written as a
// string value, which exceljs stores as a shared string, never as a formula.
import { formatYuan } from '../../domain/money.js';
import { displayWidth, plainText, resolveCell, type CellValue, type Column, type Report, type Resolved } from '../../domain/report.js';
import { text, type Lang } from '../../domain/text.js';

export const MONEY_FORMAT = '#,##0.00';
const MAX_WIDTH = 60;

type ExcelValue = string | number | Date | null;

function excelValue(r: Resolved): { value: ExcelValue; numFmt?: string } {
  switch (r.type) {
    case 'empty':
      return { value: null };
    case 'text':
      return { value: r.text };
    case 'money':
      // Yuan as a number: fen / 100 is the double nearest the decimal amount, as Excel itself stores it.
      return { value: r.fen / 100, numFmt: MONEY_FORMAT };
    case 'number':
      return { value: r.value, numFmt: r.decimals > 0 ? `0.${'0'.repeat(r.decimals)}` : '0' };
    case 'percent':
      return { value: r.value / 100, numFmt: r.decimals > 0 ? `0.${'0'.repeat(r.decimals)}%` : '0%' };
    case 'date': {
      const [y, m, d] = r.value.split('-').map(Number);
      // exceljs turns a Date into a serial day number from its UTC value.
      return { value: new Date(Date.UTC(y, m - 1, d)), numFmt: 'yyyy-mm-dd' };
    }
    case 'instant':
      return { value: r.value };
  }
}

/** Excel's rules: ≤ 31 characters, none of []:*?/\, unique in the workbook (case-insensitive). */
export function sheetName(title: string, used: Set<string>): string {
  const base = title.replace(/[[\]:*?/\\]/g, ' ').replace(/\s+/g, ' ').replace(/^'+|'+$/g, '').trim().slice(0, 31).trim() || 'Sheet';
  let name = base;
  for (let i = 2; used.has(name.toLowerCase()); i++) {
    const suffix = ` (${i})`;
    name = base.slice(0, 31 - suffix.length) + suffix;
  }
  used.add(name.toLowerCase());
  return name;
}

const widthOf = (s: string): number => Math.min(MAX_WIDTH, Math.max(...s.split('\n').map(displayWidth)));

export async function renderXlsx(r: Report, lang: Lang): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'jmfund';
  wb.created = new Date(r.generatedAt);
  wb.modified = new Date(r.generatedAt);
  wb.title = `${r.title[lang]} — ${r.roundId}`;
  const used = new Set<string>();

  const addSheet = (title: string, columns: Column[], rows: CellValue[][], note?: string) => {
    const ws = wb.addWorksheet(sheetName(title, used), { views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }] });
    const widths = columns.map((c) => widthOf(c.header[lang]));
    const header = ws.addRow(columns.map((c) => c.header[lang]));
    header.font = { bold: true };
    header.alignment = { vertical: 'top', wrapText: true };
    for (const cells of rows) {
      const row = ws.addRow([]);
      columns.forEach((c, i) => {
        const res = resolveCell(cells[i] ?? null, c, lang);
        const { value, numFmt } = excelValue(res);
        const cell = row.getCell(i + 1);
        cell.value = value;
        if (numFmt) cell.numFmt = numFmt;
        widths[i] = Math.max(widths[i], widthOf(plainText(res, true, formatYuan)));
      });
    }
    if (note) {
      ws.addRow([]);
      ws.addRow([note]).font = { italic: true };
    }
    columns.forEach((_, i) => {
      ws.getColumn(i + 1).width = Math.max(6, widths[i] + 2);
    });
    return ws;
  };

  const metaCol = (type: Column['type']): Column => ({ key: 'value', header: text('值', 'value'), type });
  const summary = wb.addWorksheet(sheetName(text('概要', 'Summary')[lang], used), { views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }] });
  const head = summary.addRow([text('项目', 'Item')[lang], text('内容', 'Value')[lang]]);
  head.font = { bold: true };
  let w0 = widthOf(text('项目', 'Item')[lang]);
  let w1 = widthOf(`${r.title[lang]} — ${r.roundId}`);
  summary.addRow([text('报告', 'Report')[lang], `${r.title[lang]} — ${r.roundId}`]);
  for (const m of r.meta) {
    const res = resolveCell(m.value, metaCol(m.type), lang);
    const { value, numFmt } = excelValue(res);
    const row = summary.addRow([m.label[lang]]);
    const cell = row.getCell(2);
    cell.value = value;
    if (numFmt) cell.numFmt = numFmt;
    w0 = Math.max(w0, widthOf(m.label[lang]));
    w1 = Math.max(w1, widthOf(plainText(res, true, formatYuan)));
  }
  summary.getColumn(1).width = w0 + 2;
  summary.getColumn(2).width = w1 + 2;

  for (const s of r.sections) addSheet(s.title[lang], s.columns, s.rows, s.note?.[lang]);
  if (r.charts.length) {
    // The charts' numbers, one block per chart, so a spreadsheet user can draw them.
    const rows: CellValue[][] = r.charts.flatMap((c) => c.bars.map((b): CellValue[] => [c.title, b.label, b.fen]));
    addSheet(text('图表数据', 'Chart data')[lang], [
      { key: 'chart', header: text('图表', 'Chart'), type: 'text' },
      { key: 'item', header: text('项目', 'Item'), type: 'text' },
      { key: 'amount', header: text('金额（元）', 'Amount (yuan)'), type: 'money' },
    ], rows);
  }
  const buf = await wb.xlsx.writeBuffer();
  return Buffer.from(buf as ArrayBuffer);
}
