// The rows of a large xlsx sheet past the first 1,000 are written as XML by
// jmfund (xlsx.ts rowXml), not by exceljs's cell objects: read back, each
// must be what exceljs wrote for the same cells in the first 1,000 rows.
import { describe, expect, it } from 'vitest';
import type { CellValue, Column, Report } from '../../src/domain/reports/model.js';
import { text } from '../../src/domain/text.js';
import { renderXlsx } from '../../src/io/exporters/xlsx.js';

const col = (key: string, type: Column['type'], decimals?: number): Column => ({ key, header: text(key, key), type, ...(decimals === undefined ? {} : { decimals }) });
const columns = [col('id', 'text'), col('name', 'text'), col('amount', 'money'), col('score', 'number', 2), col('share', 'percent', 1), col('on', 'date'), col('at', 'instant'), col('word', 'text')];

// Cells after the id: escapes, control characters, empty strings, negative and huge amounts, dates, words, empty cells.
const PATTERNS: CellValue[][] = [
  ['江门 & <平台> "A" \'B\'', 12345, 91.5, 87.5, '2022-04-01', '2022-08-15T06:02:00.000Z', { code: 'funded', label: text('予以支持', 'funded') }],
  ['tab\tand\u0001control\u007f', 0, null, null, null, null, null],
  ['', -5, 0, 100, '2000-02-29', null, text('是', 'yes')],
  [null, 2n ** 60n, 1e-7, 0.05, '1970-01-01', '2022-01-01T00:00:00.000Z', null],
  [null, null, null, null, null, null, null],
];
const ROWS = 2_601;
const cellsOf = (i: number): CellValue[] => {
  const p = PATTERNS[i % PATTERNS.length];
  // A row with nothing at all: neither writer writes it, and the rows after it keep their numbers.
  return i % 50 === 49 ? columns.map(() => null) : [`A-${i % PATTERNS.length}`, ...p];
};

const report: Report = {
  kind: 'audit',
  title: text('审计报告', 'Audit report'),
  roundId: 'R',
  generatedAt: '2022-09-30T08:00:00.000Z',
  meta: [],
  charts: [],
  sections: [{ id: 's', title: text('行', 'Rows'), columns, rows: { *[Symbol.iterator]() { for (let i = 0; i < ROWS; i++) yield cellsOf(i); } } }],
};

describe('xlsx rows past the width sample', () => {
  it('are read back as exceljs wrote the same cells', async () => {
    const { default: ExcelJS } = await import('exceljs');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await renderXlsx(report, 'en')) as unknown as ArrayBuffer);
    const ws = wb.worksheets[1];
    const seen = (n: number) => {
      const row = ws.getRow(n);
      return columns.map((_, c) => {
        const cell = row.getCell(c + 1);
        const v = cell.value;
        return { type: cell.type, value: v instanceof Date ? v.getTime() : v, numFmt: cell.numFmt ?? null };
      });
    };
    // Sheet rows: 1 the title, 2 the header, data from 3. Rows 3..1002 went through exceljs.
    const period = PATTERNS.length * 50;
    let compared = 0;
    for (let i = 1_000; i < ROWS; i++) {
      const twin = i % period;
      expect(seen(3 + i), `row ${i}`).toEqual(seen(3 + twin));
      compared++;
    }
    expect(compared).toBe(ROWS - 1_000);
    // The values themselves, once: text escaped and read back whole, control characters dropped as exceljs drops them.
    expect(ws.getRow(3 + 1_000).getCell(2).value).toBe('江门 & <平台> "A" \'B\'');
    expect(ws.getRow(3 + 1_001).getCell(2).value).toBe('tab\tandcontrol');
    expect(ws.rowCount).toBe(2 + ROWS);
  }, 60_000);
});

describe('a section longer than a sheet', () => {
  it('goes on over as many sheets as it needs, each with the title and the header, no row lost or repeated', async () => {
    const { default: ExcelJS } = await import('exceljs');
    // 2,601 rows and a note, 1,000 rows a sheet: 996 data rows each (title and header above, blank and note below),
    // so the first sheet ends within the width sample and the others start with their widths known.
    const noted: Report = { ...report, sections: [{ ...report.sections[0], note: text('注', 'A note') }] };
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await renderXlsx(noted, 'en', { maxSheetRows: 1_000 })) as unknown as ArrayBuffer);
    const sheets = wb.worksheets.slice(1);
    expect(sheets.map((w) => w.name)).toEqual(['Rows', 'Rows (continued, 2)', 'Rows (continued, 3)']);
    expect(sheets.map((w) => w.getRow(1).getCell(1).value)).toEqual(['Rows', 'Rows (continued, 2)', 'Rows (continued, 3)']);
    const ids: unknown[] = [];
    for (const [k, ws] of sheets.entries()) {
      expect(ws.getRow(2).values).toEqual(wb.worksheets[1].getRow(2).values);
      expect(ws.rowCount, ws.name).toBeLessThanOrEqual(1_000);
      expect(ws.getColumn(2).width).toBe(sheets[0].getColumn(2).width);
      const last = k === sheets.length - 1;
      const end = last ? ws.rowCount - 2 : ws.rowCount;
      for (let n = 3; n <= end; n++) ids.push(ws.getRow(n).getCell(1).value ?? null);
      // The note once, under the last part.
      expect(ws.getRow(ws.rowCount).getCell(1).value === 'A note').toBe(last);
    }
    expect(ids).toEqual(Array.from({ length: ROWS }, (_, i) => cellsOf(i)[0]));
  }, 60_000);
});
