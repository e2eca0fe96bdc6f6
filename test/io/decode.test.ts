import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { FileReadError, detectEncoding, openTextStream, parseEncodingName } from '../../src/io/decode.js';
import { tempDir } from '../helpers.js';

const RARE = '江门市堃珺燊科技有限公司，𠮷祥'; // 堃 珺 燊 are not in GB2312; 𠮷 is 4 bytes in GB18030

let dir: string;
beforeAll(() => {
  dir = tempDir('jmfund-decode-');
});

const file = async (name: string, bytes: Buffer | string): Promise<string> => {
  const p = join(dir, name);
  await writeFile(p, bytes);
  return p;
};

const readAll = async (path: string, forced?: string): Promise<{ encoding: string; text: string }> => {
  const { encoding, stream } = await openTextStream(path, forced);
  let text = '';
  for await (const chunk of stream) text += chunk as string;
  return { encoding, text };
};

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0]);

describe('detectEncoding', () => {
  it('recognises BOMs', () => {
    expect(detectEncoding(Buffer.from('\uFEFFa,b', 'utf8'))).toBe('utf8-bom');
    expect(detectEncoding(Buffer.from([0xff, 0xfe, 0x61, 0]))).toBe('utf16le');
    expect(detectEncoding(Buffer.from([0xfe, 0xff, 0, 0x61]))).toBe('utf16be');
  });
  it('tells UTF-8 from GB18030', () => {
    expect(detectEncoding(Buffer.from('a,b\r\n', 'utf8'))).toBe('utf8');
    expect(detectEncoding(Buffer.from(RARE, 'utf8'))).toBe('utf8');
    expect(detectEncoding(iconv.encode(RARE, 'gb18030'))).toBe('gb18030');
  });
  it('accepts a sample cut in the middle of a UTF-8 character', () => {
    const b = Buffer.from('企业名称,江门', 'utf8');
    expect(detectEncoding(b.subarray(0, b.length - 1))).toBe('utf8');
  });
  it('recognises UTF-16 without a BOM by its NUL bytes', () => {
    expect(detectEncoding(iconv.encode('uscc,name\r\n1,2\r\n', 'utf16le'))).toBe('utf16le');
    expect(detectEncoding(iconv.encode('uscc,name\r\n1,2\r\n', 'utf16be'))).toBe('utf16be');
  });
  it('calls images, archives and random bytes binary', () => {
    expect(detectEncoding(PNG)).toBe('binary');
    expect(detectEncoding(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0]))).toBe('binary');
    let seed = 7;
    const random = Buffer.from(Array.from({ length: 4096 }, () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16 & 0xff));
    expect(detectEncoding(random)).toBe('binary');
  });
  it('tolerates a stray control character in text', () => {
    expect(detectEncoding(Buffer.from('a,b\r\n'.repeat(20) + 'c\x01,d\r\n'))).toBe('utf8');
  });
});

describe('openTextStream', () => {
  it('decodes UTF-8 without BOM', async () => {
    const p = await file('plain.csv', `名称\r\n${RARE}\r\n`);
    expect(await readAll(p)).toEqual({ encoding: 'utf8', text: `名称\r\n${RARE}\r\n` });
  });
  it('decodes UTF-8 with BOM and drops the BOM', async () => {
    const p = await file('bom.csv', `\uFEFF名称\r\n${RARE}\r\n`);
    expect(await readAll(p)).toEqual({ encoding: 'utf8-bom', text: `名称\r\n${RARE}\r\n` });
  });
  it('decodes the committed GB18030 fixture without losing 堃 珺 燊 𠮷', async () => {
    const { encoding, text } = await readAll('fixtures/io/gb18030.csv');
    expect(encoding).toBe('gb18030');
    expect(text).toContain('江门市堃珺燊科技有限公司');
    expect(text).toContain('𠮷祥工业互联网平台');
    expect(text).not.toContain('\uFFFD');
  });
  it('decodes GB18030 across chunk boundaries of a large file', async () => {
    const line = `${RARE},12345.67\r\n`;
    const body = line.repeat(60_000); // ≈ 2.6 MB in GB18030: several 1 MiB reads
    const p = await file('big-gb.csv', iconv.encode(body, 'gb18030'));
    const { encoding, text } = await readAll(p);
    expect(encoding).toBe('gb18030');
    expect(text.length).toBe(body.length);
    expect(text === body).toBe(true);
  });
  it('decodes UTF-8 across chunk boundaries of a large file', async () => {
    const body = `${RARE},1\r\n`.repeat(50_000);
    const p = await file('big-utf8.csv', body);
    expect((await readAll(p)).text === body).toBe(true);
  });
  it('decodes UTF-16LE with a BOM', async () => {
    const p = await file('u16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(`名称\r\n${RARE}\r\n`, 'utf16le')]));
    expect(await readAll(p)).toEqual({ encoding: 'utf16le', text: `名称\r\n${RARE}\r\n` });
  });
  it('honours a forced encoding, GBK meaning GB18030', async () => {
    expect(parseEncodingName('GBK')).toBe('gb18030');
    expect(parseEncodingName('UTF-8')).toBe('utf8');
    expect(parseEncodingName('latin9')).toBeNull();
    const p = await file('forced.csv', iconv.encode('企业,燊\r\n', 'gb18030'));
    expect(await readAll(p, 'gbk')).toEqual({ encoding: 'gb18030', text: '企业,燊\r\n' });
    const err = await openTextStream(p, 'latin9').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileReadError);
    expect((err as FileReadError).code).toBe('unknown-encoding');
  });
  it('refuses a binary file, naming the file and the byte', async () => {
    const p = await file('x.csv', PNG);
    const err = await openTextStream(p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileReadError);
    const e = err as FileReadError;
    expect(e.code).toBe('binary');
    // The PNG signature holds two LF bytes: the line is counted as in a text file.
    expect(e.text.en).toBe(`${p}:3: is not a text file (binary content at byte 8, on line 3); save it as CSV UTF-8 from Excel`);
    expect(e.text.zh).toContain('不是文本文件');
    expect(e.message).toBe(e.text.en);
  });
  it('names the line of a NUL byte in a cell of an otherwise good CSV file', async () => {
    const p = await file('nul.csv', Buffer.from('企业名称,备注\r\n甲,一\r\n乙,二\u0000三\r\n', 'utf8'));
    const e = (await openTextStream(p).catch((x: unknown) => x)) as FileReadError;
    expect(e.code).toBe('binary');
    const at = Buffer.from('企业名称,备注\r\n甲,一\r\n乙,二', 'utf8').length;
    expect(e.text.en).toBe(`${p}:3: is not a text file (binary content at byte ${at}, on line 3); save it as CSV UTF-8 from Excel`);
    expect(e.text.zh).toContain(`${p}:3：`);
  });
  it('refuses a NUL byte far past the sniffed 64 KiB too, in UTF-8 and in GB18030, naming its line', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `甲${i},备注${i}\r\n`).join('');
    for (const [name, enc] of [['late-utf8.csv', 'utf8'], ['late-gb.csv', 'gb18030']] as const) {
      const head = iconv.encode(`企业名称,备注\r\n${rows}乙,二`, enc);
      expect(head.length).toBeGreaterThan(65536);
      const p = await file(name, Buffer.concat([head, Buffer.from([0]), iconv.encode('三\r\n丙,四\r\n', enc)]));
      const e = (await readAll(p).catch((x: unknown) => x)) as FileReadError;
      expect(e).toBeInstanceOf(FileReadError);
      expect(e.code).toBe('binary');
      expect(e.text.en).toBe(`${p}:5002: is not a text file (binary content at byte ${head.length}, on line 5002); save it as CSV UTF-8 from Excel`);
    }
  });
  it('suggests .xlsx for a ZIP and for an old .xls', async () => {
    const zip = await file('book.csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0, 0, 0]));
    const e1 = (await openTextStream(zip).catch((e: unknown) => e)) as FileReadError;
    expect(e1.code).toBe('binary');
    expect(e1.text.en).toContain('book.xlsx');
    const xls = await file('old.csv', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]));
    const e2 = (await openTextStream(xls).catch((e: unknown) => e)) as FileReadError;
    expect(e2.text.en).toContain('.xls workbook');
  });
  it('reports an empty file', async () => {
    const p = await file('empty.csv', '');
    const err = (await openTextStream(p).catch((e: unknown) => e)) as FileReadError;
    expect(err).toBeInstanceOf(FileReadError);
    expect(err.code).toBe('empty');
    expect(err.text).toEqual({ zh: `${p} 是空文件（0 字节）`, en: `${p} is empty (0 bytes)` });
  });
  it('reports a missing file', async () => {
    const err = (await openTextStream(join(dir, 'nope.csv')).catch((e: unknown) => e)) as FileReadError;
    expect(err.code).toBe('not-found');
    expect(err.text.zh).toContain('找不到文件');
  });
});

describe('openTextStream: a file that turns out not to be UTF-8 after the sniffed part', () => {
  it('ASCII for more than the sniffed 64 KiB, then GB18030: read as GB18030 (the ASCII is the same in both)', async () => {
    const ascii = 'id,name\r\n' + '1,abc\r\n'.repeat(20_000); // > 64 KiB of ASCII
    const bytes = Buffer.concat([Buffer.from(ascii), iconv.encode('2,堃珺燊\r\n3,江门市\r\n', 'gb18030')]);
    const p = await file('late-gb.csv', bytes);
    const r = await readAll(p);
    expect(r.text).toBe(`${ascii}2,堃珺燊\r\n3,江门市\r\n`);
    expect((await readAll(p, 'gb18030')).text.endsWith('2,堃珺燊\r\n3,江门市\r\n')).toBe(true);
    expect((await readAll(p, 'utf8')).text).toContain('\uFFFD');
  });

  it('a GB18030 character split across the read boundary after ASCII is read whole', async () => {
    // 48 KiB reads: put the two bytes of 江 on both sides of the first boundary past 64 KiB.
    const head = 'a'.repeat(2 * 48 * 1024 - 1);
    const bytes = Buffer.concat([Buffer.from(head), iconv.encode('江门\n', 'gb18030')]);
    const p = await file('split-gb.csv', bytes);
    expect((await readAll(p)).text).toBe(`${head}江门\n`);
  });

  it('refuses a byte that is not UTF-8 far into a UTF-8 file, naming line and byte, even when a character straddles a read', async () => {
    const chars = 349_526; // 3-byte characters: a read boundary falls inside one
    const bytes = Buffer.concat([Buffer.from('堃'.repeat(chars)), Buffer.from([0xff]), Buffer.from('\n')]);
    const p = await file('straddle.csv', bytes);
    const err = (await readAll(p).catch((e: unknown) => e)) as FileReadError;
    expect(err.code).toBe('mixed-encoding');
    expect(err.text.en).toContain(`${p}:1: byte ${chars * 3} (line 1) is not valid UTF-8, while what comes before it is UTF-8: the file mixes encodings`);
  });

  it('refuses a UTF-8 line far into a GB18030 file', async () => {
    const gbRows = Array.from({ length: 6000 }, (_, i) => `${i},江门市蓬江区某某科技有限公司\r\n`).join('');
    const bytes = Buffer.concat([iconv.encode(`id,name\r\n${gbRows}`, 'gb18030'), Buffer.from('9999,江门市新会区五金厂\r\n', 'utf8')]);
    expect(bytes.length).toBeGreaterThan(64 * 1024);
    const p = await file('late-utf8.csv', bytes);
    const err = (await readAll(p).catch((e: unknown) => e)) as FileReadError;
    expect(err.code).toBe('mixed-encoding');
    const at = bytes.length - Buffer.byteLength('江门市新会区五金厂\r\n');
    expect(err.text.en).toContain(`${p}:6002: line 6002 (from byte ${at}) is UTF-8, while line 2 is GB18030: the file mixes encodings`);
  });
});

describe('openTextStream: one file, one encoding', () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => `JM${i},江门市堃珺燊科技有限公司${i},蓬江区\r\n`).join('');

  it('a UTF-8 file (no BOM) with one bad byte in one name is refused, naming the line and byte, not read as GB18030', async () => {
    const before = Buffer.from(`id,name,district\r\n${rows(40)}`);
    const bad = Buffer.concat([Buffer.from('JM40,江门市'), Buffer.from([0xff, 0xfe]), Buffer.from('健康科技有限公司,蓬江区\r\n')]);
    const p = await file('one-bad-byte.csv', Buffer.concat([before, bad, Buffer.from(rows(79))]));
    const err = (await readAll(p).catch((e: unknown) => e)) as FileReadError;
    expect(err).toBeInstanceOf(FileReadError);
    expect(err.code).toBe('mixed-encoding');
    const offset = before.length + Buffer.byteLength('JM40,江门市');
    expect(err.text.en).toBe(
      `${p}:42: byte ${offset} (line 42) is not valid UTF-8, while line 2 is UTF-8: the file mixes encodings, or a character in it is damaged; nothing was imported. To fix it, open it in Excel or WPS and save it again as "CSV UTF-8 (Comma delimited)" or as "CSV (Comma delimited)" (GB18030/ANSI), then import the saved file`,
    );
    expect(err.text.zh).toContain(`${p}:42：第 42 行第 ${offset} 字节起不是有效的 UTF-8`);
  });

  it('a UTF-8 file with one line in GB18030 is refused, naming that line', async () => {
    const before = Buffer.from(`id,name,district\r\n${rows(10)}`);
    const p = await file('mixed.csv', Buffer.concat([before, iconv.encode('JM10,台山市某某食品有限公司,台山市\r\n', 'gb18030'), Buffer.from(rows(5))]));
    const err = (await readAll(p).catch((e: unknown) => e)) as FileReadError;
    expect(err.code).toBe('mixed-encoding');
    // The GB18030 bytes of 台 and 山 happen to be valid 2-byte UTF-8; those of 市 are the first that are not.
    expect(err.text.en).toContain(`${p}:12: byte ${before.length + 'JM10,'.length + 4} (line 12) is not valid UTF-8, while line 2 is UTF-8`);
  });

  it('a GB18030 file with one UTF-8 line near its start is refused, naming the UTF-8 line', async () => {
    const gb = iconv.encode(`id,name\r\n1,江门市五金厂\r\n`, 'gb18030');
    const p = await file('gb-then-utf8.csv', Buffer.concat([gb, Buffer.from('2,开平市水口卫浴\r\n')]));
    const err = (await readAll(p).catch((e: unknown) => e)) as FileReadError;
    expect(err.code).toBe('mixed-encoding');
    expect(err.text.en).toContain(`${p}:3: line 3 (from byte ${gb.length + 2}) is UTF-8, while line 2 is GB18030`);
  });

  it('a file that is neither (a byte 0xFF in GB18030 text) is refused, naming line and byte', async () => {
    const gb = iconv.encode(`id,name\r\n1,江门市五金厂\r\n2,`, 'gb18030');
    const p = await file('neither.csv', Buffer.concat([gb, Buffer.from([0xff]), iconv.encode('鹤山\r\n', 'gb18030')]));
    const err = (await readAll(p).catch((e: unknown) => e)) as FileReadError;
    expect(err.code).toBe('mixed-encoding');
    expect(err.text.en).toContain(`${p}:3: byte ${gb.length} (line 3) is neither UTF-8 nor GB18030`);
  });

  it('four bytes GB18030 leaves unassigned are refused, naming line and byte, near the start and far past the sniffed 64 KiB', async () => {
    // 84 31 A5 30 lies between the BMP's four-byte range and the other planes'; iconv-lite read it as U+10000.
    const unassigned = Buffer.from([0x84, 0x31, 0xa5, 0x30]);
    const rows = Array.from({ length: 5000 }, (_, i) => `${i},江门市五金厂${i}\r\n`).join('');
    for (const [name, before] of [['unassigned-near.csv', 'id,name\r\n1,江门市五金厂\r\n2,'], ['unassigned-far.csv', `id,name\r\n${rows}2,`]] as const) {
      const gb = iconv.encode(before, 'gb18030');
      const p = await file(name, Buffer.concat([gb, unassigned, iconv.encode('鹤山\r\n3,台山\r\n', 'gb18030')]));
      const err = (await readAll(p).catch((e: unknown) => e)) as FileReadError;
      expect(err, name).toBeInstanceOf(FileReadError);
      expect(err.code).toBe('mixed-encoding');
      const line = before.split('\n').length;
      expect(err.text.en).toContain(`${p}:${line}: byte ${gb.length} (line ${line}) is neither UTF-8 nor GB18030`);
    }
  });

  it('characters of the other planes (four bytes) are read whole, however far into the file', async () => {
    // 𠮷 (U+20BB7) and 𤋮 (U+242EE) are four bytes in GB18030 (95 34 B2 35, 96 35 CE 30), as are the BMP's ç and 가 (81 30 8A 34, 82 37 CF 35).
    const body = Array.from({ length: 8000 }, (_, i) => `${i},江门市𠮷祥${i % 7 === 0 ? '𤋮ç가' : ''}贸易有限公司\r\n`).join('');
    const p = await file('planes.csv', iconv.encode(`id,name\r\n${body}`, 'gb18030'));
    expect((await readAll(p)).text).toBe(`id,name\r\n${body}`);
  });

  it('GB18030 files of short Chinese cells (two-character names, thousands of rows) still import, the euro sign of code page 936 too', async () => {
    let seed = 11;
    const rnd = (k: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 8) % k;
    // Random GB2312 characters: lead 0xB0–0xF7, trail 0xA1–0xFE.
    const lines: Buffer[] = [Buffer.from('expert,application,score\r\n')];
    for (let i = 0; i < 20_000; i++) {
      const name = Buffer.from([0xb0 + rnd(0x48), 0xa1 + rnd(94), 0xb0 + rnd(0x48), 0xa1 + rnd(94)]);
      lines.push(Buffer.concat([name, Buffer.from(`,JM${i},8${i % 10}\r\n`)]));
    }
    lines.push(Buffer.from([0x80, 0x0d, 0x0a])); // € in Windows code page 936
    const bytes = Buffer.concat(lines);
    const p = await file('gb-short.csv', bytes);
    const r = await readAll(p);
    expect(r.encoding).toBe('gb18030');
    expect(r.text).toBe(iconv.decode(bytes, 'gb18030'));
    expect(r.text.endsWith('€\r\n')).toBe(true);
  });

  it('a GB18030 file that holds U+FFFD itself (84 31 A4 37) is read, not refused as a bad byte', async () => {
    const bytes = Buffer.concat([iconv.encode('id,name\r\n1,江门', 'gb18030'), Buffer.from([0x84, 0x31, 0xa4, 0x37]), iconv.encode('五金厂\r\n', 'gb18030')]);
    const r = await readAll(await file('replacement-char.csv', bytes));
    expect(r.encoding).toBe('gb18030');
    expect(r.text).toBe('id,name\r\n1,江门\uFFFD五金厂\r\n');
  });

  it("GB18030-2022's mapping: A6D9–A6F3 and FE59–FEA0 are the characters the standard names, streamed and whole alike; a BOM is dropped", async () => {
    const { decodeBuffer } = await import('../../src/io/decode.js');
    // ︐ (U+FE10) was U+E78D and 龴 (U+9FB4) U+E81E, private-use code points, before GB18030-2022.
    const pairs: [number[], string][] = [[[0xa6, 0xd9], '\uFE10'], [[0xa6, 0xf3], '\uFE19'], [[0xfe, 0x59], '\u9FB4'], [[0xfe, 0xa0], '\u9FBB']];
    const bom = Buffer.from([0x84, 0x31, 0x95, 0x33]);
    const bytes = Buffer.concat([bom, iconv.encode('id,name\r\n', 'gb18030'), ...pairs.map(([b], i) => Buffer.concat([Buffer.from(`${i},`), Buffer.from(b), iconv.encode('科技\r\n', 'gb18030')]))]);
    const expected = `id,name\r\n${pairs.map(([, c], i) => `${i},${c}科技\r\n`).join('')}`;
    const p = await file('gb2022.csv', bytes);
    expect((await readAll(p)).text).toBe(expected);
    expect(decodeBuffer(p, bytes).text).toBe(expected);
  });

  it('decodeBuffer (a mapping file) refuses a mixed file too', async () => {
    const { decodeBuffer } = await import('../../src/io/decode.js');
    const buf = Buffer.concat([Buffer.from('{"企业名称": "enterprise_name",\n'), iconv.encode('"申报单位": "enterprise_name"}\n', 'gb18030')]);
    expect(() => decodeBuffer('m.json', buf)).toThrow(/m\.json:2: byte \d+ \(line 2\) is not valid UTF-8, while line 1 is UTF-8/);
    expect(decodeBuffer('g.json', iconv.encode('{"企业名称": "enterprise_name"}', 'gb18030')).text).toBe('{"企业名称": "enterprise_name"}');
  });
});
