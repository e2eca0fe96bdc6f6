import fs from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FileReadError } from '../../src/io/decode.js';
import {
  CsvParser,
  TableReadError,
  plainNumber,
  readTable,
  readTableBatches,
  type RawRow,
} from '../../src/io/table-reader.js';
import { tempDir } from '../helpers.js';

let dir: string;
beforeAll(() => {
  dir = tempDir('jmfund-table-');
});

const file = async (name: string, bytes: Buffer | string): Promise<string> => {
  const p = join(dir, name);
  await writeFile(p, bytes);
  return p;
};

const rowsOf = async (path: string, opts: { encoding?: string; sheet?: string } = {}): Promise<RawRow[]> => {
  const rows: RawRow[] = [];
  for await (const r of readTable(path, opts)) rows.push(r);
  return rows;
};

const failure = async (path: string, opts: { encoding?: string; sheet?: string } = {}): Promise<unknown> => {
  try {
    await rowsOf(path, opts);
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
};

describe('readTable: CSV', () => {
  it('keeps title rows, skips blank records, and counts the lines of a quoted multi-line field', async () => {
    const rows = await rowsOf('fixtures/io/multiline.csv');
    expect(rows.map((r) => r.line)).toEqual([1, 3, 4, 7]);
    expect(rows[0].cells).toEqual(['2022年江门市工业互联网专项资金申报汇总表', '', '', '']);
    expect(rows[1].cells).toEqual(['申报编号', '企业名称', '项目名称', '备注']);
    expect(rows[2].cells).toEqual(['JM-0001', '江门市"五邑"机械有限公司', '设备上云\n二期', '含逗号, 和引号"']);
    expect(rows[3].cells).toEqual(['JM-0002', '鹤山市纺织有限公司', '数字化车间', '']);
  });

  it('reads CRLF files the same way, with a BOM', async () => {
    const lf = await readFile('fixtures/io/multiline.csv', 'utf8');
    const p = await file('crlf.csv', '\uFEFF' + lf.replace(/\n/g, '\r\n'));
    const rows = await rowsOf(p);
    expect(rows.map((r) => r.line)).toEqual([1, 3, 4, 7]);
    expect(rows[2].cells[2]).toBe('设备上云\r\n二期');
    expect(rows[3].cells).toEqual(['JM-0002', '鹤山市纺织有限公司', '数字化车间', '']);
    expect(rows[0].cells[0].charCodeAt(0)).not.toBe(0xfeff);
  });

  it('reads old Mac files (lone CR)', async () => {
    const p = await file('cr.csv', 'a,b\r\r1,"x\ny"\r2,z');
    expect(await rowsOf(p)).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 3, cells: ['1', 'x\ny'] },
      { line: 4, cells: ['2', 'z'] },
    ]);
  });

  it('yields records of any width; the caller checks the field count', async () => {
    const p = await file('ragged.csv', 'a,b,c\n1,2\n1,2,3,4\n"",""\n');
    expect((await rowsOf(p)).map((r) => r.cells)).toEqual([
      ['a', 'b', 'c'],
      ['1', '2'],
      ['1', '2', '3', '4'],
    ]);
  });

  it('keeps a quote inside an unquoted field, and spaces after a closing quote are dropped', async () => {
    const p = await file('lenient.csv', 'a,台山市"海宴"食品,c\n"x" ,y\n');
    expect((await rowsOf(p)).map((r) => r.cells)).toEqual([
      ['a', '台山市"海宴"食品', 'c'],
      ['x', 'y'],
    ]);
  });

  it('reports an unclosed quote with the line where the record starts', async () => {
    const lines = ['h1,h2,h3', '1,a,b', '2,"multi', 'line",c', '', '3,x,y', '4,"never closed,z', '5,p,q', '6,r,s'];
    const p = await file('unclosed.csv', lines.join('\r\n') + '\r\n');
    const e = await failure(p);
    expect(e).toBeInstanceOf(TableReadError);
    const err = e as TableReadError;
    expect(err.code).toBe('unclosed-quote');
    expect(err.line).toBe(7);
    expect(err.column).toBe(2);
    expect(err.text.en).toContain(`${p}:7: a quoted field is not closed (unclosed quote)`);
    expect(err.text.zh).toContain(`${p}:7：`);
    expect(err.message).toBe(err.text.en);
  });

  it('reports text after a closing quote', async () => {
    const p = await file('badquote.csv', 'h1,h2,h3\n1,2,3\n4,"ab"c,6\n');
    const err = (await failure(p)) as TableReadError;
    expect(err).toBeInstanceOf(TableReadError);
    expect(err.code).toBe('invalid-closing-quote');
    expect(err.line).toBe(3);
    expect(err.column).toBe(2);
    expect(err.text.en).toContain(`${p}:3:`);
    expect(err.text.en).toContain('invalid closing quote');
  });

  it('reads GB18030 with 堃 珺 燊 𠮷', async () => {
    const rows = await rowsOf('fixtures/io/gb18030.csv');
    expect(rows[1]).toEqual({
      line: 2,
      cells: ['JM-0001', '江门市堃珺燊科技有限公司', '91440700MA4UXXXX1A', '𠮷祥工业互联网平台'],
    });
  });

  it('honours --encoding', async () => {
    const p = await file('forced.csv', iconv.encode('企业名称\r\n燊\r\n', 'gb18030'));
    expect((await rowsOf(p, { encoding: 'gb18030' })).map((r) => r.cells[0])).toEqual(['企业名称', '燊']);
  });

  it('refuses binary and empty files with a FileReadError', async () => {
    const png = await file('img.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]));
    expect(((await failure(png)) as FileReadError).code).toBe('binary');
    const empty = await file('empty.csv', '');
    expect(((await failure(empty)) as FileReadError).code).toBe('empty');
    expect(((await failure(join(dir, 'missing.csv'))) as FileReadError).code).toBe('not-found');
  });

  it('streams a file of several MiB with multi-line fields across chunk boundaries', async () => {
    const n = 40_000;
    const parts: string[] = ['id,name,note\r\n'];
    for (let i = 1; i <= n; i++) {
      parts.push(i % 7 === 0 ? `${i},"江门""${i}""","line one\r\nline two, 两行"\r\n` : `${i},江门市企业${i},备注${i}\r\n`);
    }
    const p = await file('big.csv', parts.join(''));
    let count = 0;
    let last: RawRow | undefined;
    let line = 2;
    let ok = true;
    for await (const batch of readTableBatches(p)) {
      for (const r of batch) {
        count++;
        if (r.cells[0] === 'id') continue;
        const i = Number(r.cells[0]);
        if (r.line !== line || r.cells.length !== 3) ok = false;
        if (i % 7 === 0 && (r.cells[1] !== `江门"${i}"` || r.cells[2] !== 'line one\r\nline two, 两行')) ok = false;
        line += i % 7 === 0 ? 2 : 1;
        last = r;
      }
    }
    expect(ok).toBe(true);
    expect(count).toBe(n + 1);
    expect(last?.cells[0]).toBe(String(n));
  });
});

/** The records of `input` fed to one parser in pieces cut at `cuts`. */
const parseInPieces = (input: string, cuts: number[] = []): RawRow[] => {
  const out: RawRow[] = [];
  const p = new CsvParser('t.csv');
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    p.feed(input.slice(at, Math.max(at, c)), out);
    at = Math.max(at, c);
  }
  p.feed(input.slice(at), out);
  p.finish(out);
  return out;
};

describe('CsvParser', () => {
  const serialise = (rows: string[][], eol: string): string =>
    rows
      .map((r) => r.map((c) => (/[",\r\n]/.test(c) || c === '' ? `"${c.replace(/"/g, '""')}"` : c)).join(','))
      .join(eol);

  it('gives the same records and line numbers however the text is cut into chunks', () => {
    const cell = fc.stringMatching(/^[a-z ",\r\n燊𠮷]{0,6}$/);
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.array(fc.nat(200), { maxLength: 6 }),
        (rows, eol, trailing, cuts) => {
          const input = serialise(rows, eol) + (trailing ? eol : '');
          const expected: RawRow[] = [];
          let line = 1;
          for (const r of rows) {
            if (r.some((c) => c.trim() !== '')) expected.push({ line, cells: r });
            line += 1 + r.join('').split('\n').length - 1;
          }
          expect(parseInPieces(input, cuts)).toEqual(expected);
        },
      ),
      { numRuns: 400 },
    );
  });
});

// A plain, char-by-char reading of the CSV rules CsvParser implements, to check its indexOf shortcuts against.
// `decidedAt`: where the line end that decides LF or CR mode is, -1 when there is none.
function referenceCsv(input: string): { rows: RawRow[]; error: { code: string; line: number; column: number } | null; decidedAt: number } {
  // Record delimiter: the first line end outside quotes; a lone CR (not before LF, not last) means CR mode.
  let nl = '\n';
  let decidedAt = -1;
  for (let i = 0, q = false; i < input.length; i++) {
    const c = input[i];
    if (c === '"') q = !q;
    else if (!q && c === '\n') {
      decidedAt = i;
      break;
    } else if (!q && c === '\r') {
      if (i + 1 < input.length && input[i + 1] !== '\n') nl = '\r';
      if (i + 1 < input.length) decidedAt = i + 1;
      break;
    }
  }
  // Length of the record delimiter at i, or 0.
  const endAt = (i: number): number => {
    if (i >= input.length) return 0;
    if (input[i] === nl) return 1;
    if (nl === '\n' && input[i] === '\r') return i + 1 === input.length ? 1 : input[i + 1] === '\n' ? 2 : 0;
    return 0;
  };
  const rows: RawRow[] = [];
  let line = 1;
  let i = 0;
  while (i < input.length) {
    const start = line;
    const cells: string[] = [];
    let lines = 0;
    for (;;) {
      let v = '';
      if (input[i] === '"') {
        i++;
        for (;;) {
          if (i >= input.length) return { rows, error: { code: 'unclosed-quote', line: start, column: cells.length + 1 }, decidedAt };
          if (input[i] === '"') {
            if (input[i + 1] === '"') {
              v += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (input[i] === nl) lines++;
          v += input[i++];
        }
        while (input[i] === ' ' || input[i] === '\t') i++;
        if (i < input.length && input[i] !== ',' && endAt(i) === 0) return { rows, error: { code: 'invalid-closing-quote', line: start, column: cells.length + 1 }, decidedAt };
      } else {
        while (i < input.length && input[i] !== ',' && endAt(i) === 0) v += input[i++];
      }
      cells.push(v);
      if (input[i] === ',') {
        i++;
        continue;
      }
      i += endAt(i);
      break;
    }
    if (cells.some((c) => c.trim() !== '')) rows.push({ line: start, cells });
    line = start + 1 + lines;
  }
  return { rows, error: null, decidedAt };
}

describe('CsvParser: a tab-separated file', () => {
  it('reads as the same file with commas does, whole or in chunks (quotes, commas inside cells, a title row)', () => {
    const cell = fc.stringMatching(/^[a-z ",燊\n]{0,5}$/);
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 30 }), fc.array(fc.nat(400), { maxLength: 5 }), (rows, cuts) => {
        const quote = (c: string, sep: string) => (c.includes('"') || c.includes(sep) || c.includes('\n') || c === '' ? `"${c.replace(/"/g, '""')}"` : c);
        // Each row holds a tab-separated field or more than the commas in its cells.
        fc.pre(rows.every((r) => r.length - 1 > r.join('').split(',').length - 1));
        const tsv = rows.map((r) => r.map((c) => quote(c, '\t')).join('\t')).join('\n');
        const csv = rows.map((r) => r.map((c) => quote(c, ',')).join(',')).join('\n');
        expect(parseInPieces(tsv, cuts)).toEqual(parseInPieces(csv));
      }),
      { numRuns: 500 },
    );
  });

  it('a CSV with a tab inside a quoted cell stays a CSV', () => {
    expect(parseInPieces('a,b\n"x\ty",z\n')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x\ty', 'z'] },
    ]);
  });
});

describe('CsvParser against a char-by-char reading', () => {
  const text = fc.array(fc.constantFrom('a', 'b7', ',', ',', '"', '""', '\r', '\n', '\r\n', ' ', '燊'), { maxLength: 30 }).map((a) => a.join(''));
  it('gives the same records, line numbers and errors, whole or in chunks', () => {
    fc.assert(
      fc.property(text, fc.array(fc.nat(40), { maxLength: 4 }), (input, cuts) => {
        const ref = referenceCsv(input);
        // Until a line end outside quotes is seen the parser has not chosen LF or CR mode (and
        // chooses on what is left of its buffer): compare only texts where the first piece decides.
        fc.pre(ref.decidedAt >= 0);
        const run = (pieces: string[]) => {
          const out: RawRow[] = [];
          const p = new CsvParser('t.csv');
          try {
            for (const piece of pieces) p.feed(piece, out);
            p.finish(out);
            return { rows: out, error: null };
          } catch (e) {
            if (!(e instanceof TableReadError)) throw e;
            return { rows: null, error: { code: e.code, line: e.line, column: e.column } };
          }
        };
        const at = [0, ...[...cuts].sort((a, b) => a - b).map((c) => Math.min(c, input.length)), input.length];
        const chunked = at.slice(1).map((c, k) => input.slice(at[k], c));
        for (const pieces of chunked[0].length > ref.decidedAt ? [[input], chunked] : [[input]]) {
          const got = run(pieces);
          if (ref.error) expect(got.error, JSON.stringify(input)).toEqual(ref.error);
          else expect(got, JSON.stringify(input)).toEqual({ rows: ref.rows, error: null });
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('plainNumber', () => {
  it('writes what Excel shows in General format, without exponent or float noise', () => {
    expect(plainNumber(1234567.89)).toBe('1234567.89');
    expect(plainNumber(1234567.8899999999)).toBe('1234567.89');
    expect(plainNumber(0.1 + 0.2)).toBe('0.3');
    expect(plainNumber(600000)).toBe('600000');
    expect(plainNumber(-42.5)).toBe('-42.5');
    expect(plainNumber(1e21)).toBe('1000000000000000000000');
    expect(plainNumber(1.5e-7)).toBe('0.00000015');
    expect(plainNumber(-0)).toBe('0');
  });

  it('gives an integer below 10^15 as the 15-digit rounding gives it, without an exponent', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(10 ** 15) + 1, max: 10 ** 15 - 1 }), (n) => {
        expect(plainNumber(n)).toBe(String(Number(n.toPrecision(15))));
      }),
    );
    expect(plainNumber(999999999999999)).toBe('999999999999999');
    expect(plainNumber(1e15)).toBe('1000000000000000');
    expect(plainNumber(1234567890123456789)).toBe('1234567890123460000');
  });
});

describe('readTable: XLSX', () => {
  const TITLE = '2022年江门市工业互联网专项资金申报汇总表';
  let book: string;

  // exceljs writes a sheet met before the shared strings to a temporary file;
  // those left when reading stops early go only at process exit, which a
  // vitest worker never reaches (16 in /tmp per run): they go in dir instead.
  const savedTmp = process.env.TMPDIR;
  afterAll(() => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
  });

  beforeAll(async () => {
    process.env.TMPDIR = dir;
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('申报汇总');
    ws.mergeCells('A1:F1');
    ws.getCell('A1').value = TITLE;
    ws.addRow([]);
    ws.addRow(['企业名称', '成立日期', '项目总投入（元）', '是否独立法人', '备注', '申请补贴金额（元）']);
    ws.addRow([
      '江门市堃珺燊科技有限公司',
      new Date(Date.UTC(2015, 2, 15)),
      1234567.89,
      true,
      { richText: [{ text: '富' }, { text: '文本' }] },
      { formula: 'C4*0.3', result: 370370.367 },
    ]);
    ws.addRow(['鹤山市纺织有限公司', '2021-01-01', 0.1 + 0.2, false]);
    ws.getCell('F4').numFmt = '#,##0.00';
    const second = wb.addWorksheet('第二批');
    second.addRow(['企业名称', '申报日期']);
    second.addRow(['开平市水口卫浴有限公司', new Date(Date.UTC(2024, 11, 31))]);
    second.addRow(['台山市公司', { formula: 'B2-1', result: 45656 }]);
    second.getCell('B3').numFmt = 'yyyy-mm-dd';
    book = join(dir, 'book.xlsx');
    await wb.xlsx.writeFile(book);
  });

  it('reads the first sheet: merged title row, typed numbers, dates, booleans, rich text, formulas', async () => {
    const rows = await rowsOf(book);
    expect(rows).toEqual([
      { line: 1, cells: [TITLE] },
      { line: 3, cells: ['企业名称', '成立日期', '项目总投入（元）', '是否独立法人', '备注', '申请补贴金额（元）'] },
      { line: 4, cells: ['江门市堃珺燊科技有限公司', '2015-03-15', '1234567.89', 'true', '富文本', '370370.367'] },
      { line: 5, cells: ['鹤山市纺织有限公司', '2021-01-01', '0.3', 'false', '', ''] },
    ]);
  });

  it('reads the sheet named by `sheet`, with a formula whose result is a date', async () => {
    expect(await rowsOf(book, { sheet: '第二批' })).toEqual([
      { line: 1, cells: ['企业名称', '申报日期'] },
      { line: 2, cells: ['开平市水口卫浴有限公司', '2024-12-31'] },
      { line: 3, cells: ['台山市公司', '2024-12-30'] },
    ]);
  });

  it('lists the sheets when the named one does not exist', async () => {
    const err = (await failure(book, { sheet: 'Sheet9' })) as TableReadError;
    expect(err).toBeInstanceOf(TableReadError);
    expect(err.code).toBe('unknown-sheet');
    expect(err.text.en).toBe(`${book} has no worksheet named "Sheet9"; its worksheets are: "申报汇总", "第二批"`);
    expect(err.text.zh).toContain('现有工作表');
  });

  it('gives the calendar date Excel shows whatever the machine time zone', async () => {
    const saved = process.env.TZ;
    try {
      for (const tz of ['America/Los_Angeles', 'Pacific/Kiritimati', 'Asia/Shanghai']) {
        process.env.TZ = tz;
        if (tz === 'America/Los_Angeles') expect(new Date(Date.UTC(2015, 2, 15)).getDate()).toBe(14); // TZ took effect
        const rows = await rowsOf(book);
        expect(rows[2].cells[1]).toBe('2015-03-15');
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  /** A workbook whose first sheet (填表说明) is hidden and whose second holds the data: one header row. */
  const hiddenFirstSheet = async (name: string): Promise<string> => {
    const wb = new ExcelJS.Workbook();
    const hidden = wb.addWorksheet('说明');
    hidden.state = 'hidden';
    hidden.addRow(['填表说明']);
    wb.addWorksheet('数据').addRow(['企业名称']);
    const p = join(dir, name);
    await wb.xlsx.writeFile(p);
    return p;
  };

  it('skips a hidden first sheet by default', async () => {
    const p = await hiddenFirstSheet('hidden.xlsx');
    expect(await rowsOf(p)).toEqual([{ line: 1, cells: ['企业名称'] }]);
  });

  it('a skipped sheet whose temporary file is gone before it is opened: the data sheet read, no error left behind', async () => {
    // exceljs deletes a skipped sheet's temporary file while its stream's open may still be pending (twice seen in a
    // clean-clone run as an uncaught ENOENT): the delete made to come first here, for the hidden sheet's file.
    const p = await hiddenFirstSheet('hidden-gone.xlsx');
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown): void => void uncaught.push(e);
    process.prependListener('uncaughtException', onUncaught);
    const open = fs.createReadStream.bind(fs);
    let temporary = 0;
    const spy = vi.spyOn(fs, 'createReadStream').mockImplementation(((path: fs.PathLike, options?: unknown) => {
      if (typeof path === 'string' && basename(path).startsWith('tmp-') && temporary++ === 0) fs.unlinkSync(path);
      return open(path, options as Parameters<typeof fs.createReadStream>[1]);
    }) as typeof fs.createReadStream);
    try {
      expect(await rowsOf(p)).toEqual([{ line: 1, cells: ['企业名称'] }]);
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      spy.mockRestore();
      process.removeListener('uncaughtException', onUncaught);
    }
    expect(temporary).toBe(2);
    expect(uncaught).toEqual([]);
  });

  it('recognises a workbook saved under a .csv name', async () => {
    const p = await file('really-a-book.csv', await readFile(book));
    expect((await rowsOf(p))[0]).toEqual({ line: 1, cells: [TITLE] });
  });

  it('reads a CSV saved under an .xlsx name as CSV', async () => {
    const p = await file('csv-named.xlsx', '企业名称,金额\r\n燊,1\r\n');
    expect((await rowsOf(p)).map((r) => r.cells)).toEqual([
      ['企业名称', '金额'],
      ['燊', '1'],
    ]);
  });

  it('reports a broken workbook', async () => {
    const good = await readFile(book);
    const p = await file('broken.xlsx', good.subarray(0, 3000));
    const err = await failure(p);
    expect(err).toBeInstanceOf(TableReadError);
    expect((err as TableReadError).code).toBe('xlsx-invalid');
    expect((err as TableReadError).text.en).toContain(`${p} cannot be read as an Excel workbook`);
    expect((err as TableReadError).text.zh).toContain('无法作为 Excel 工作簿读取');
  });

  // An officer's sheet of a few thousand Chinese rows: its XML parts are many chunks long, and a chunk of bytes
  // often ends inside a character. exceljs decoded each chunk alone: ���, silently in names, an error in dates.
  const chineseRows = (n: number): string[][] => {
    const words = ['江门', '蓬江', '堃珺燊', '智能制造', '工业互联网', '平台', '有限公司', '（二期）', '数字化', '车间'];
    return Array.from({ length: n }, (_, i) => [
      `江门市${words[i % 10]}${words[(i * 7) % 10]}${words[(i * 3) % 10]}科技有限公司${i}`,
      `${2000 + (i % 20)}年${1 + (i % 12)}月${1 + (i % 28)}日`,
      `${words[(i * 5) % 10]}${words[(i * 11) % 10]}项目${i}`,
    ]);
  };

  it('keeps every Chinese character whole in shared strings many chunks long', async () => {
    const rows = chineseRows(4000);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('申报汇总');
    for (const r of rows) ws.addRow(r);
    const p = join(dir, 'long-shared.xlsx');
    await wb.xlsx.writeFile(p);
    const read = await rowsOf(p);
    expect(read.filter((r) => r.cells.join('').includes('\uFFFD'))).toEqual([]);
    expect(read.map((r) => r.cells)).toEqual(rows);
  });

  it('keeps every Chinese character whole in a sheet of inline text read back from a temporary file', async () => {
    // No shared strings part: exceljs holds the sheet in a temporary file and reads it back 64 KiB at a time.
    const rows = chineseRows(3000);
    const p = join(dir, 'long-inline.xlsx');
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: p, useSharedStrings: false });
    const ws = wb.addWorksheet('申报汇总');
    for (const r of rows) ws.addRow(r).commit();
    await ws.commit();
    await wb.commit();
    const read = await rowsOf(p);
    expect(read.filter((r) => r.cells.join('').includes('\uFFFD'))).toEqual([]);
    expect(read.map((r) => r.cells)).toEqual(rows);
  });

  it('reports an empty .xlsx file', async () => {
    const p = await file('empty.xlsx', '');
    expect(((await failure(p)) as FileReadError).code).toBe('empty');
  });
});
