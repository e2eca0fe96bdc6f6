// estimateRecords: a progress bar's total for a CSV file, from its size and
// the lines of its first 256 KiB; exact for a small file; for a workbook, the
// rows its largest sheet says it spans.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { estimateRecords } from '../../src/io/files.js';
import { tempDir } from '../helpers.js';

describe('estimateRecords', () => {
  const dir = tempDir();
  it('counts the records after the header of a small file, with or without a last line end', async () => {
    writeFileSync(join(dir, 'a.csv'), 'h1,h2\r\n1,2\r\n3,4\r\n');
    writeFileSync(join(dir, 'b.csv'), 'h1,h2\n1,2\n3,4');
    writeFileSync(join(dir, 'empty.csv'), '');
    expect(await estimateRecords(join(dir, 'a.csv'))).toBe(2);
    expect(await estimateRecords(join(dir, 'b.csv'))).toBe(2);
    expect(await estimateRecords(join(dir, 'empty.csv'))).toBe(0);
  });

  it('estimates a large file from its first lines, within a few percent', async () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => `A-${i},江门市某某科技有限公司${i % 97},${(i * 7919) % 1_000_003}`);
    writeFileSync(join(dir, 'big.csv'), `申报编号,企业名称,金额\n${rows.join('\n')}\n`);
    const n = (await estimateRecords(join(dir, 'big.csv'))) as number;
    expect(Math.abs(n - 200_000) / 200_000).toBeLessThan(0.05);
  });

  it('gives none for a broken workbook or a missing file', async () => {
    writeFileSync(join(dir, 'w.xlsx'), Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100)]));
    expect(await estimateRecords(join(dir, 'w.xlsx'))).toBeNull();
    expect(await estimateRecords(join(dir, 'missing.csv'))).toBeNull();
  });

  it('takes the rows of a workbook from the dimension its largest sheet records (as Excel writes it), less the header', async () => {
    const wb = new ExcelJS.Workbook();
    const notes = wb.addWorksheet('说明');
    for (let i = 0; i < 30; i++) notes.addRow([`第${i}条`]);
    const data = wb.addWorksheet('申报汇总');
    for (let i = 0; i < 1_200; i++) data.addRow([`SQ${i}`, '江门市堃珺燊科技有限公司', i * 1.5]);
    const path = join(dir, 'book.xlsx');
    await wb.xlsx.writeFile(path);
    expect(await estimateRecords(path)).toBe(1_199);
    // A sheet written as a stream records no dimension: no total.
    const streamed = join(dir, 'streamed.xlsx');
    const sw = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: streamed });
    const ws = sw.addWorksheet('S');
    ws.addRow(['a']).commit();
    await ws.commit();
    await sw.commit();
    expect(await estimateRecords(streamed)).toBeNull();
  });
});
