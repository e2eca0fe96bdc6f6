import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../src/io/exporters/csv.js';
import { readTable, type RawRow } from '../../src/io/table-reader.js';
import { tempDir } from '../helpers.js';

describe('csvCell', () => {
  it('quotes what RFC 4180 requires', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('')).toBe('');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });
  it('neutralises text that a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://evil.example","点我")')).toBe('"\'=HYPERLINK(""http://evil.example"",""点我"")"');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+86 750 1234567')).toBe("'+86 750 1234567");
    expect(csvCell('-5')).toBe("'-5");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('\rx')).toBe('"\'\rx"');
    expect(csvCell('a=b')).toBe('a=b');
  });
  it('keeps numbers as numbers, negative ones included', () => {
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(600000)).toBe('600000');
    expect(csvCell(1234567.89)).toBe('1234567.89');
    expect(csvCell(-0)).toBe('0');
    expect(csvCell(Number.NaN)).toBe('');
  });
});

describe('toCsv', () => {
  it('starts with a BOM and ends every row with CRLF', () => {
    expect(toCsv([['申报编号', '金额'], ['JM-0001', -1200.5]])).toBe('\uFEFF申报编号,金额\r\nJM-0001,-1200.5\r\n');
  });
  it('leaves the BOM out on request', () => {
    expect(toCsv([['a', null, 1]], { bom: false })).toBe('a,,1\r\n');
    expect(toCsv([], { bom: false })).toBe('');
  });
  it('round-trips through readTable', async () => {
    const dir = tempDir('jmfund-csv-');
    const rows = [
      ['企业名称', '备注', '金额'],
      ['江门市"五邑"有限公司', '多行\r\n备注, 含逗号', -3],
      ['堃珺燊', '', 0],
    ];
    const p = join(dir, 'out.csv');
    await writeFile(p, toCsv(rows));
    const read: RawRow[] = [];
    for await (const r of readTable(p)) read.push(r);
    expect(read).toEqual([
      { line: 1, cells: ['企业名称', '备注', '金额'] },
      { line: 2, cells: ['江门市"五邑"有限公司', '多行\r\n备注, 含逗号', '-3'] },
      { line: 4, cells: ['堃珺燊', '', '0'] },
    ]);
  });
});
