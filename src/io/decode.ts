// Bytes → text. Officers hand in what Excel wrote: UTF-8 with or without a
// BOM, GB18030 (what Chinese Excel and WPS write as "CSV"; a superset of GBK
// and GB2312, which lose characters such as 堃 珺 燊 and 4-byte ones like 𠮷),
// and now and then UTF-16. Everything is decoded as a stream: a file can hold
// 1,000,000 rows (≈300 MB), so it is never held in memory.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Transform, pipeline, type Readable, type TransformCallback } from 'node:stream';
import { basename } from 'node:path';
import { createRequire } from 'node:module';
import type Iconv from 'iconv-lite';
import { text, type Text } from '../domain/text.js';

// iconv-lite is loaded on first use (≈ 40 ms): UTF-8 files never need it.
let iconvLib: typeof Iconv | undefined;
const iconv = (): typeof Iconv => (iconvLib ??= createRequire(import.meta.url)('iconv-lite') as typeof Iconv);

export type DetectedEncoding = 'utf8' | 'utf8-bom' | 'gb18030' | 'utf16le' | 'utf16be' | 'binary';

/** What `--encoding` may force. */
export type TextEncoding = 'utf8' | 'gb18030' | 'utf16le' | 'utf16be';

export const SNIFF_BYTES = 64 * 1024;
/**
 * Read size for decoding. Small on purpose: a decoded chunk must stay below
 * V8's large-object threshold (128 KiB; a two-byte string of 48 Ki chars is
 * 96 KiB). Above it, chunk strings land in large-object space, and the cells
 * sliced out of them keep them there until a full GC: reading 1,000,000 rows
 * took 5.6 s of CPU with 128 KiB or 1 MiB chunks and 1.9–2.2 s with 32–64 KiB
 * (bench/read-csv.mjs).
 */
const CHUNK_BYTES = 48 * 1024;

export type FileReadErrorCode = 'not-found' | 'empty' | 'binary' | 'invalid-utf8' | 'unknown-encoding' | 'io';

/** An input file that cannot be read as text. Carries a bilingual message. */
export class FileReadError extends Error {
  readonly code: FileReadErrorCode;
  readonly text: Text;
  readonly path: string;
  constructor(code: FileReadErrorCode, path: string, message: Text, options?: { cause?: unknown }) {
    super(message.en, options);
    this.name = 'FileReadError';
    this.code = code;
    this.path = path;
    this.text = message;
  }
}

// ---------------------------------------------------------------------------
// Detection

const isUtf8 = (sample: Buffer): boolean => {
  // The sample may end in the middle of a character: `stream: true` keeps an
  // incomplete trailing sequence pending instead of failing on it.
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return true;
  } catch {
    return false;
  }
};

/** Index of the first byte that marks the sample as binary, or -1. */
export const findBinaryByte = (sample: Buffer): number => {
  // NUL never occurs in text of a single-byte-based encoding. Other C0
  // controls (except TAB LF VT FF CR, SUB = ^Z at the end of old DOS files,
  // ESC) are allowed in small numbers: a stray one in a text file should not
  // stop an import, but executables, images and archives are full of them.
  let controls = 0;
  let firstControl = -1;
  for (let i = 0; i < sample.length; i++) {
    const b = sample[i];
    if (b >= 0x20) continue;
    if (b === 0) return i;
    if (b === 0x09 || b === 0x0a || b === 0x0b || b === 0x0c || b === 0x0d || b === 0x1a || b === 0x1b) continue;
    if (firstControl < 0) firstControl = i;
    controls++;
  }
  // More than 1 in 100 bytes (and more than a couple) is not a text file.
  if (controls > 2 && controls * 100 > sample.length) return firstControl;
  return -1;
};

/** UTF-16 without a BOM: mostly-ASCII text has NUL in every other byte. */
const sniffUtf16 = (sample: Buffer): 'utf16le' | 'utf16be' | null => {
  const n = sample.length - (sample.length % 2);
  if (n < 4) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (sample[i] === 0) evenNul++;
    if (sample[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  // ASCII in UTF-16LE is `xx 00`: NULs at odd offsets, almost none at even.
  if (oddNul > pairs * 0.3 && evenNul < pairs * 0.05) return 'utf16le';
  if (evenNul > pairs * 0.3 && oddNul < pairs * 0.05) return 'utf16be';
  return null;
};

/**
 * Guess the encoding of a file from its first bytes (pass up to 64 KiB).
 * BOMs win; then UTF-16 without BOM (NUL pattern); then binary (NUL bytes or
 * many control characters); then UTF-8 if the bytes are valid UTF-8 (pure
 * ASCII included); else GB18030.
 */
export function detectEncoding(sample: Buffer): DetectedEncoding {
  if (sample.length >= 3 && sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf8-bom';
  if (sample.length >= 2 && sample[0] === 0xff && sample[1] === 0xfe) return 'utf16le';
  if (sample.length >= 2 && sample[0] === 0xfe && sample[1] === 0xff) return 'utf16be';
  const utf16 = sniffUtf16(sample);
  if (utf16) return utf16;
  if (findBinaryByte(sample) >= 0) return 'binary';
  return isUtf8(sample) ? 'utf8' : 'gb18030';
}

// ---------------------------------------------------------------------------
// Messages

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0];
const startsWith = (b: Buffer, magic: number[]): boolean => magic.every((m, i) => b[i] === m);

const binaryMessage = (path: string, sample: Buffer, at: number): Text => {
  const name = basename(path);
  if (startsWith(sample, ZIP_MAGIC)) {
    return text(
      `${path} 不是文本文件（第 ${at} 字节起为二进制内容，像是 ZIP 压缩包）；如是 Excel 工作簿，请使用 .xlsx 扩展名，或在 Excel 中另存为“CSV UTF-8（逗号分隔）”`,
      `${path} is not a text file (binary content at byte ${at}, it looks like a ZIP archive); if it is an Excel workbook, name it ${name.replace(/\.[^.]*$/, '')}.xlsx, or save it as CSV UTF-8 from Excel`,
    );
  }
  if (startsWith(sample, OLE_MAGIC)) {
    return text(
      `${path} 不是文本文件（第 ${at} 字节起为二进制内容，像是旧版 .xls 工作簿）；请在 Excel 中另存为 .xlsx 或“CSV UTF-8（逗号分隔）”`,
      `${path} is not a text file (binary content at byte ${at}, it looks like an old .xls workbook); save it as .xlsx or as CSV UTF-8 from Excel`,
    );
  }
  // A text file with a NUL byte in one cell: the line tells the officer where to look.
  let line = 1;
  for (let i = sample.indexOf(10); i >= 0 && i < at; i = sample.indexOf(10, i + 1)) line++;
  return nulMessage(path, line, at);
};

const nulMessage = (path: string, line: number, at: number): Text =>
  text(
    `${path}:${line}：不是文本文件（第 ${line} 行、第 ${at} 字节起为二进制内容）；请在 Excel 中另存为“CSV UTF-8（逗号分隔）”`,
    `${path}:${line}: is not a text file (binary content at byte ${at}, on line ${line}); save it as CSV UTF-8 from Excel`,
  );

const ENCODING_ALIASES: Record<string, TextEncoding> = {
  utf8: 'utf8',
  'utf-8': 'utf8',
  'utf8-bom': 'utf8',
  'utf-8-bom': 'utf8',
  'utf-8-sig': 'utf8',
  gb18030: 'gb18030',
  'gb-18030': 'gb18030',
  // GBK and GB2312 are subsets of GB18030: decoding them as GB18030 is exact
  // and does not lose the characters that the narrower tables lack.
  gbk: 'gb18030',
  gb2312: 'gb18030',
  cp936: 'gb18030',
  utf16le: 'utf16le',
  'utf-16le': 'utf16le',
  utf16: 'utf16le',
  'utf-16': 'utf16le',
  utf16be: 'utf16be',
  'utf-16be': 'utf16be',
};

export const FORCEABLE_ENCODINGS = ['utf8', 'gb18030', 'utf16le', 'utf16be'] as const;

/** Normalise what a person typed after `--encoding`; null if unknown. */
export function parseEncodingName(name: string): TextEncoding | null {
  return ENCODING_ALIASES[name.trim().toLowerCase().replace(/_/g, '-')] ?? null;
}

// ---------------------------------------------------------------------------
// Streaming

export interface TextStream {
  /** The encoding detected (or forced). */
  encoding: Exclude<DetectedEncoding, 'binary'>;
  /** The decoded text, in chunks of strings, without a BOM. */
  stream: Readable;
}

const ioError = (path: string, e: unknown): FileReadError => {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') {
    return new FileReadError('not-found', path, text(`找不到文件 ${path}`, `${path}: no such file`), { cause: e });
  }
  if (code === 'EISDIR') {
    return new FileReadError('io', path, text(`${path} 是目录，不是文件`, `${path} is a directory, not a file`), { cause: e });
  }
  const detail = e instanceof Error ? e.message : String(e);
  return new FileReadError('io', path, text(`无法读取 ${path}：${detail}`, `cannot read ${path}: ${detail}`), { cause: e });
};

export const emptyFileError = (path: string): FileReadError =>
  new FileReadError('empty', path, text(`${path} 是空文件（0 字节）`, `${path} is empty (0 bytes)`));

const readSample = async (path: string): Promise<{ sample: Buffer; size: number }> => {
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.allocUnsafe(Math.min(SNIFF_BYTES, Math.max(st.size, 1)));
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      return { sample: buf.subarray(0, bytesRead), size: st.size };
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw ioError(path, e);
  }
};

/** Index of the first byte of `b` that is not part of valid UTF-8, or -1. */
const firstInvalidUtf8 = (b: Uint8Array): number => {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    let n: number;
    let min = 0;
    if (c < 0x80) n = 0;
    else if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) (n = 2), (min = 0x800);
    else if (c >= 0xf0 && c <= 0xf4) (n = 3), (min = 0x10000);
    else return i;
    if (i + n >= b.length && n > 0) return i; // truncated at the end
    let cp = n === 0 ? c : c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if ((d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (n > 0 && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) return i;
    i += n + 1;
  }
  return -1;
};

/** 1-based line of the byte at `offset` (counts LF before it). */
const lineAt = async (path: string, offset: number): Promise<number> => {
  let line = 1;
  if (offset <= 0) return line;
  for await (const chunk of createReadStream(path, { start: 0, end: offset - 1, highWaterMark: CHUNK_BYTES })) {
    const b = chunk as Buffer;
    for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) line++;
  }
  return line;
};

/**
 * A NUL byte past the sniffed sample (UTF-8 and GB18030 never use byte 0 inside
 * a character): the file is refused like one with NUL in its first 64 KiB,
 * naming the line, rather than importing U+0000 into a cell.
 */
const lateBinaryError = async (path: string, at: number): Promise<FileReadError> => {
  return new FileReadError('binary', path, nulMessage(path, await lineAt(path, at), at));
};

/**
 * UTF-8 through WHATWG TextDecoder: handles characters split across chunks,
 * and is ≈ 25 % faster on Chinese text than Node's StringDecoder
 * (`setEncoding('utf8')`), and much faster than iconv-lite. The first 64 KiB
 * were valid UTF-8; if later bytes are not (a GB18030 file that starts with
 * ASCII only), stop with an error rather than import U+FFFD in place of
 * names — unless UTF-8 was forced, which replaces them.
 */
class Utf8Decode extends Transform {
  private readonly decoder: TextDecoder;
  private offset: number;
  private tail: Buffer = Buffer.alloc(0);
  constructor(
    private readonly path: string,
    start: number,
    fatal: boolean,
  ) {
    super({ readableObjectMode: true, highWaterMark: 16 });
    this.offset = start;
    this.decoder = new TextDecoder('utf-8', { ignoreBOM: true, fatal });
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    const nul = chunk.indexOf(0);
    if (nul >= 0) {
      lateBinaryError(this.path, this.offset + nul).then(cb, (e: unknown) => cb(ioError(this.path, e)));
      return;
    }
    let s: string;
    try {
      s = this.decoder.decode(chunk, { stream: true });
    } catch {
      this.fail(chunk, cb);
      return;
    }
    this.tail = chunk.subarray(Math.max(0, chunk.length - 4));
    this.offset += chunk.length;
    if (s.length > 0) this.push(s);
    cb();
  }
  override _flush(cb: TransformCallback): void {
    let s: string;
    try {
      s = this.decoder.decode();
    } catch {
      this.fail(Buffer.alloc(0), cb);
      return;
    }
    if (s.length > 0) this.push(s);
    cb();
  }
  private fail(chunk: Buffer, cb: TransformCallback): void {
    // The decoder may hold up to 3 bytes of the previous chunk: look from
    // the start of the character that may have begun there.
    const joined = Buffer.concat([this.tail, chunk]);
    let back = 0;
    for (let k = this.tail.length - 1; k >= 0 && back < 4; k--) {
      back++;
      if ((this.tail[k] & 0xc0) !== 0x80) break;
    }
    const from = this.tail.length - back;
    const idx = firstInvalidUtf8(joined.subarray(from));
    const at = this.offset - this.tail.length + from + (idx < 0 ? joined.length - from : idx);
    const path = this.path;
    lineAt(path, at).then(
      (line) =>
        cb(
          new FileReadError(
            'invalid-utf8',
            path,
            text(
              `${path}:${line}：第 ${at} 字节不是有效的 UTF-8，而文件开头是 UTF-8；如文件以 GB18030/GBK 保存，请加 --encoding gb18030 重新运行，或在 Excel 中另存为“CSV UTF-8（逗号分隔）”`,
              `${path}:${line}: byte ${at} is not valid UTF-8, though the file begins as UTF-8; if it was saved as GB18030/GBK, run again with --encoding gb18030, or save it as CSV UTF-8 from Excel`,
            ),
          ),
        ),
      (e: unknown) => cb(ioError(path, e)),
    );
  }
}

/** Wraps an iconv-lite decoder in a Transform that emits strings. */
class IconvDecode extends Transform {
  private readonly decoder: Iconv.DecoderStream;
  private offset = 0;
  constructor(
    private readonly encoding: 'gb18030' | 'utf16le' | 'utf16be',
    private readonly path: string,
    start: number,
  ) {
    super({ readableObjectMode: true, highWaterMark: 16 });
    this.decoder = iconv().getDecoder(encoding, { stripBOM: true });
    this.offset = start;
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    // UTF-16 has NUL bytes in every ASCII character; GB18030, like UTF-8, never.
    const nul = this.encoding === 'gb18030' ? chunk.indexOf(0) : -1;
    if (nul >= 0) {
      lateBinaryError(this.path, this.offset + nul).then(cb, (e: unknown) => cb(ioError(this.path, e)));
      return;
    }
    this.offset += chunk.length;
    const s = this.decoder.write(chunk);
    if (s.length > 0) this.push(s);
    cb();
  }
  override _flush(cb: TransformCallback): void {
    const s = this.decoder.end();
    if (s) this.push(s);
    cb();
  }
}

/**
 * Open a file as a stream of decoded strings. Sniffs the first 64 KiB to
 * detect the encoding unless one is forced; refuses binary and empty files
 * with a FileReadError. The BOM, if any, is not part of the text.
 */
export async function openTextStream(path: string, forced?: TextEncoding | string): Promise<TextStream> {
  let forcedEnc: TextEncoding | undefined;
  if (forced !== undefined) {
    const parsed = parseEncodingName(forced);
    if (!parsed) {
      const list = FORCEABLE_ENCODINGS.join(', ');
      throw new FileReadError(
        'unknown-encoding',
        path,
        text(`未知的编码“${forced}”；可用：${list}`, `unknown encoding "${forced}"; use one of: ${list}`),
      );
    }
    forcedEnc = parsed;
  }

  const { sample, size } = await readSample(path);
  if (size === 0 || sample.length === 0) {
    throw emptyFileError(path);
  }

  const detected = detectEncoding(sample);
  let encoding: Exclude<DetectedEncoding, 'binary'>;
  if (forcedEnc) {
    // A forced encoding overrides the guess but not the BOM of the same family.
    encoding = forcedEnc === 'utf8' && detected === 'utf8-bom' ? 'utf8-bom' : forcedEnc;
    if (detected === 'binary' && (forcedEnc === 'utf8' || forcedEnc === 'gb18030')) {
      throw new FileReadError('binary', path, binaryMessage(path, sample, findBinaryByte(sample)));
    }
  } else if (detected === 'binary') {
    throw new FileReadError('binary', path, binaryMessage(path, sample, findBinaryByte(sample)));
  } else {
    encoding = detected;
  }

  let start = 0;
  if (encoding === 'utf8-bom') start = 3;
  else if (encoding === 'utf16le' && sample[0] === 0xff && sample[1] === 0xfe) start = 2;
  else if (encoding === 'utf16be' && sample[0] === 0xfe && sample[1] === 0xff) start = 2;

  const file = createReadStream(path, { start, highWaterMark: CHUNK_BYTES });
  // pipeline, not pipe: destroying the decoder (a consumer that stops early)
  // also closes the file, and a read error reaches the consumer.
  const decoder =
    encoding === 'utf8' || encoding === 'utf8-bom'
      ? new Utf8Decode(path, start, forcedEnc === undefined)
      : new IconvDecode(encoding, path, start);
  const stream: Readable = pipeline(file, decoder, () => {});
  return { encoding, stream };
}

/** Wrap any error thrown while reading a text stream as a FileReadError. */
export const toFileReadError = (path: string, e: unknown): FileReadError =>
  e instanceof FileReadError ? e : ioError(path, e);

/** Decode a whole (small) buffer, e.g. a mapping file. Same detection rules. */
export function decodeBuffer(path: string, buf: Buffer, forced?: TextEncoding): { encoding: Exclude<DetectedEncoding, 'binary'>; text: string } {
  if (buf.length === 0) {
    throw emptyFileError(path);
  }
  const sample = buf; // small: look at all of it
  const detected = forced ?? detectEncoding(sample);
  if (detected === 'binary') {
    throw new FileReadError('binary', path, binaryMessage(path, sample, findBinaryByte(sample)));
  }
  let s: string;
  if (detected === 'utf8' || detected === 'utf8-bom') s = buf.toString('utf8');
  else s = iconv().decode(buf, detected, { stripBOM: true });
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  const encoding = detected === 'utf8' && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 'utf8-bom' : detected;
  return { encoding, text: s };
}
