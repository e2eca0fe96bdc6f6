import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileReadError, detectEncoding, openTextStream, parseEncodingName } from '../../src/io/decode.js';

const RARE = '江门市堃珺燊科技有限公司，𠮷祥'; // 堃 珺 燊 are not in GB2312; 𠮷 is 4 bytes in GB18030

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jmfund-decode-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
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
  it('stops with the line and byte instead of importing U+FFFD', async () => {
    const ascii = 'id,name\r\n' + '1,abc\r\n'.repeat(20_000); // > 64 KiB of ASCII
    const bytes = Buffer.concat([Buffer.from(ascii), iconv.encode('2,堃珺燊\r\n', 'gb18030')]);
    const p = await file('late-gb.csv', bytes);
    const err = (await readAll(p).catch((e: unknown) => e)) as FileReadError;
    expect(err).toBeInstanceOf(FileReadError);
    expect(err.code).toBe('invalid-utf8');
    expect(err.text.en).toBe(
      `${p}:20002: byte ${ascii.length + 2} is not valid UTF-8, though the file begins as UTF-8; if it was saved as GB18030/GBK, run again with --encoding gb18030, or save it as CSV UTF-8 from Excel`,
    );
    expect((await readAll(p, 'gb18030')).text.endsWith('2,堃珺燊\r\n')).toBe(true);
    expect((await readAll(p, 'utf8')).text).toContain('\uFFFD');
  });

  it('gives the right byte when a character straddles the 1 MiB read boundary', async () => {
    const chars = 349_526; // 3-byte characters: the 1 MiB boundary falls inside the last one
    const bytes = Buffer.concat([Buffer.from('堃'.repeat(chars)), Buffer.from([0xff]), Buffer.from('\n')]);
    const p = await file('straddle.csv', bytes);
    const err = (await readAll(p).catch((e: unknown) => e)) as FileReadError;
    expect(err.code).toBe('invalid-utf8');
    expect(err.text.en).toContain(`${p}:1: byte ${chars * 3} is not valid UTF-8`);
  });
});
