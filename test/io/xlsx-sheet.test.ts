// The worksheet reader (io/xlsx-sheet.ts): hand-written sheet XML cut at every
// position, and workbooks exceljs writes read back cell for cell.
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { plainNumber, readTable } from '../../src/io/table-reader.js';
import { columnOf, SharedStrings, SharedStringTable, type SheetContext, type SheetRow, SheetRows, xmlText } from '../../src/io/xlsx-sheet.js';
import { tempDir } from '../helpers.js';

// A context as the workbook reader gives it: shared strings, a date style (1) and a number style (2).
const SHARED: unknown[] = ['企业名称', { richText: [{ text: '富' }, { text: '文本' }] }, '江门 & <平台>'];
const ctx: SheetContext = {
  sharedString: (i) => SHARED[i],
  numFmt: (s) => (s === 1 ? 'yyyy-mm-dd' : s === 2 ? '#,##0.00' : undefined),
  text: (v, fmt) => {
    if (v === undefined || v === null) return '';
    if (typeof v === 'object' && 'richText' in v) return (v as { richText: { text: string }[] }).richText.map((r) => r.text).join('');
    if (typeof v === 'object' && 'error' in v) return (v as { error: string }).error;
    if (typeof v === 'object' && 'formula' in v) return ctx.text((v as { result?: unknown }).result, fmt);
    if (typeof v === 'number') return fmt === 'yyyy-mm-dd' ? `date:${v}` : plainNumber(v);
    return String(v);
  },
};

function read(chunks: string[]): SheetRow[] {
  const out: SheetRow[] = [];
  const sheet = new SheetRows(ctx);
  for (const c of chunks) sheet.push(c, out);
  sheet.end(out);
  return out;
}

const SHEET = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="r"><dimension ref="A1:F4"/>
<cols><col min="1" max="1" width="9.5"/></cols><!-- a comment with <row r="99"> in it -->
<sheetData>
<row r="1" spans="1:6"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t='s'><v>2</v></c></row>
<row r="3"><c r="A3" s="1"><v>45000</v></c><c r="B3" s="2"><v>1234567.8899999999</v></c><c r="D3" t="b"><v>1</v></c><c r="E3" t="e"><v>#N/A</v></c><c r="F3"/></row>
<row r="4"><c r="A4" t="inlineStr"><is><r><t>江门</t></r><r><t xml:space="preserve"> &amp; 鹤山 </t></r><rPh sb="0" eb="1"><t>ジャン</t></rPh></is></c><c r="B4" t="str"><f>A4&amp;"x"</f><v>&lt;算&gt;</v></c><c r="C4"><f>1+1</f><v>2</v></c><c r="D4"><v><![CDATA[7]]></v></c><c r="E4" t="inlineStr"><is><t>&#x5802;&#22530;</t></is></c><c r="H4" t="&#115;"><v>0</v></c></row>
<row><c t="inlineStr"><is><t>next</t></is></c><c><v>5</v></c><c t="d"><v>2022-03-15T00:00:00</v></c><c t="d"><f>A1</f><v>2021-12-31T08:00:00Z</v></c></row>
</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>`;

const EXPECTED: SheetRow[] = [
  { line: 1, cells: ['企业名称', '富文本', '江门 & <平台>'] },
  { line: 3, cells: ['date:45000', '1234567.89', '', 'true', '#N/A'] },
  { line: 4, cells: ['江门 & 鹤山 ', '<算>', '2', '7', '堂堂', '', '', '企业名称'] },
  // No r on the row or its cells: the row after the one before, the cells in order.
  { line: 5, cells: ['next', '5', '2022-03-15', '2021-12-31'] },
];

describe('SheetRows', () => {
  it('reads rows, shared, inline, rich and formula cells, dates (serial and ISO), booleans and errors; skips comments, merges and columns', () => {
    expect(read([SHEET])).toEqual(EXPECTED);
  });

  it('gives the same rows whatever the chunks: cut at every position, in two and in many', () => {
    for (let i = 1; i < SHEET.length; i++) expect(read([SHEET.slice(0, i), SHEET.slice(i)]), `cut at ${i}`).toEqual(EXPECTED);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: SHEET.length - 1 }), { maxLength: 40 }), (cuts) => {
        const at = [0, ...[...new Set(cuts)].sort((a, b) => a - b), SHEET.length];
        expect(read(at.slice(1).map((end, k) => SHEET.slice(at[k], end)))).toEqual(EXPECTED);
      }),
    );
  });

  it('reads a sheet whose elements carry a prefix (x:row), as some writers write them', () => {
    const prefixed = SHEET.replace(/<(\/?)(sheetData|row|c|v|f|is|r|t|rPh)([ >/])/g, '<$1x:$2$3');
    expect(prefixed).toContain('<x:row r="1"');
    expect(read([prefixed])).toEqual(EXPECTED);
  });

  it('reads columns and references', () => {
    expect([columnOf('A1'), columnOf('Z9'), columnOf('AA10'), columnOf('xfd1048576'), columnOf('12')]).toEqual([1, 26, 27, 16384, 0]);
    expect(xmlText('a &lt;b&gt; &amp;amp; &#65;&#x42; &unknown;')).toBe('a <b> &amp; AB &unknown;');
  });
});

describe('SharedStrings', () => {
  const PART = `<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="5" uniqueCount="5">
  <si><t>企业名称</t></si>
  <si>
    <r><rPr><b/><sz val="11"/><rFont val="宋体"/></rPr><t>江门</t></r>
    <r><t xml:space="preserve"> &amp; 鹤山 </t></r>
  </si>
  <si><t>漢字</t><rPh sb="0" eb="2"><t>カンジ</t></rPh><phoneticPr fontId="1"/></si>
  <si><t/></si>
  <si><t><![CDATA[<a>]]>&#x5802;</t></si>
</sst>`;
  const WANT = ['企业名称', '江门 & 鹤山 ', '漢字', '', '<a>堂'];
  const read = (chunks: string[]): string[] => {
    const strings: string[] = [];
    const part = new SharedStrings(strings);
    for (const c of chunks) part.push(c, []);
    part.end();
    return strings;
  };

  it('gives each string its runs in order, without the phonetic guide or the white space between tags, whatever the chunks', () => {
    expect(read([PART])).toEqual(WANT);
    for (let i = 1; i < PART.length; i++) expect(read([PART.slice(0, i), PART.slice(i)]), `cut at ${i}`).toEqual(WANT);
  });
});

describe('SharedStringTable', () => {
  const unit = fc.constantFrom('a', '0', ' ', '江', '門', '堃', '😀', '\n', '&');
  it('gives back every string pushed, by its index, across blocks and before and after they are sealed', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit, maxLength: 20 }), { maxLength: 10_000 }), fc.boolean(), (strings, seal) => {
        const table = new SharedStringTable();
        for (const s of strings) table.push(s);
        if (seal) table.seal();
        expect(table.size).toBe(strings.length);
        strings.forEach((s, i) => expect(table.get(i)).toBe(s));
        expect(table.get(strings.length)).toBeUndefined();
        expect(table.get(-1)).toBeUndefined();
        expect(table.get(0.5)).toBeUndefined();
      }),
      { numRuns: 30 },
    );
  });

  it('takes what SharedStrings reads, as an array would', () => {
    const xml = `<sst>${Array.from({ length: 9000 }, (_, i) => `<si><t>企业${i}${i % 7 === 0 ? '' : ' &amp; 江门'}</t></si>`).join('')}</sst>`;
    const array: string[] = [];
    const table = new SharedStringTable();
    for (const into of [array, table]) {
      const part = new SharedStrings(into);
      for (let i = 0; i < xml.length; i += 4093) part.push(xml.slice(i, i + 4093), []);
      part.end();
    }
    table.seal();
    expect(table.size).toBe(9000);
    array.forEach((s, i) => expect(table.get(i)).toBe(s));
  });
});

describe('a workbook exceljs writes, read back', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('jmfund-xlsx-sheet-');
  });

  type Written = { value: ExcelJS.CellValue; text: string; numFmt?: string };
  const day = fc.integer({ min: Date.UTC(1901, 0, 1), max: Date.UTC(2099, 11, 31) }).map((t) => new Date(Math.floor(t / 86_400_000) * 86_400_000));
  const text = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '&', '<', '>', '"', "'", '江', '門', '堃', '燊', '，', '😀', '\n'), maxLength: 12 });
  const cell: fc.Arbitrary<Written | null> = fc.oneof(
    fc.constant(null),
    text.filter((s) => s !== '').map((s) => ({ value: s, text: s })),
    fc.integer({ min: -1e12, max: 1e12 }).map((n) => ({ value: n, text: plainNumber(n) })),
    fc.double({ min: -1e9, max: 1e9, noNaN: true }).map((n) => ({ value: n, text: plainNumber(n) })),
    fc.boolean().map((b) => ({ value: b, text: b ? 'true' : 'false' })),
    day.map((d) => ({ value: d, text: d.toISOString().slice(0, 10) })),
    fc.integer({ min: 0, max: 1000 }).map((n) => ({ value: { formula: `${n}+0`, result: n }, text: String(n) })),
    text.filter((s) => s !== '').map((s) => ({ value: { formula: 'A1&""', result: s }, text: s })),
    fc.array(text.filter((s) => s !== ''), { minLength: 1, maxLength: 3 }).map((parts) => ({ value: { richText: parts.map((t) => ({ text: t })) }, text: parts.join('') })),
    fc.constantFrom('#N/A', '#DIV/0!').map((e) => ({ value: { error: e } as ExcelJS.CellErrorValue, text: e })),
  );
  const sheet = fc.array(fc.array(cell, { maxLength: 8 }), { minLength: 1, maxLength: 25 });

  /** What readTable gives for the rows: rows with a value, by their numbers, padded to the widest so far. */
  function expected(rows: (Written | null)[][]): { line: number; cells: string[] }[] {
    const out: { line: number; cells: string[] }[] = [];
    let width = 0;
    rows.forEach((r, i) => {
      const cells = r.map((c) => c?.text ?? '');
      while (cells.length && cells[cells.length - 1] === '') cells.pop();
      if (!cells.some((c) => c.trim() !== '')) return;
      width = Math.max(width, cells.length);
      while (cells.length < width) cells.push('');
      out.push({ line: i + 1, cells });
    });
    return out;
  }

  async function readBack(path: string): Promise<{ line: number; cells: string[] }[]> {
    const rows: { line: number; cells: string[] }[] = [];
    for await (const r of readTable(path)) rows.push({ line: r.line, cells: r.cells.slice() });
    return rows;
  }

  it('every cell as written: shared strings (Workbook) and inline text (the stream writer)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(sheet, async (rows) => {
        const want = expected(rows);
        fc.pre(want.length > 0);
        const shared = join(dir, `s${n}.xlsx`);
        const inline = join(dir, `i${n++}.xlsx`);
        const wb = new ExcelJS.Workbook();
        const ws = wb.addWorksheet('S');
        const sw = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: inline, useSharedStrings: false });
        const ss = sw.addWorksheet('S');
        for (const [i, r] of rows.entries()) {
          const values = r.map((c) => (c === null ? null : c.value));
          ws.getRow(i + 1).values = values;
          ss.getRow(i + 1).values = values;
          ss.getRow(i + 1).commit();
        }
        await wb.xlsx.writeFile(shared);
        await ss.commit();
        await sw.commit();
        // The whole row's text compared, and each cell: blank-only rows are skipped alike.
        const trimmed = (x: { line: number; cells: string[] }[]) => x.map((r) => ({ line: r.line, cells: r.cells.join('\u0001').replace(/\u0001+$/, '') }));
        expect(trimmed(await readBack(shared))).toEqual(trimmed(want));
        expect(trimmed(await readBack(inline))).toEqual(trimmed(want));
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
