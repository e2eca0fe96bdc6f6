// Bytes → text. Officers hand in what Excel wrote: UTF-8 with or without a
// BOM, GB18030 (what Chinese Excel and WPS write as "CSV"; a superset of GBK
// and GB2312, which lose characters such as 堃 珺 燊 and 4-byte ones like 𠮷),
// and now and then UTF-16. Everything is decoded as a stream: a file can hold
// 1,000,000 rows (≈300 MB), so it is never held in memory.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Transform, pipeline, type Readable, type TransformCallback } from 'node:stream';
import { basename } from 'node:path';
import { text, type Text } from '../domain/text.js';

/**
 * A decoder for GB18030 or UTF-16: WHATWG TextDecoder (ICU, native), twice as
 * fast on GB18030 as iconv-lite and with GB18030-2022's mapping (A6D9–A6F3 and
 * FE59–FEA0 are the characters the standard names, not private-use ones).
 * `fatal`: a byte sequence that is not the encoding throws instead of becoming U+FFFD.
 */
const otherDecoder = (encoding: 'gb18030' | 'utf16le' | 'utf16be', fatal: boolean): TextDecoder =>
  new TextDecoder(encoding === 'gb18030' ? 'gb18030' : encoding === 'utf16le' ? 'utf-16le' : 'utf-16be', { fatal });

/** A GB18030 text's BOM (84 31 95 33) decodes as U+FEFF, which TextDecoder strips only for UTF-8 and UTF-16. */
const withoutBom = (s: string): string => (s.charCodeAt(0) === 0xfeff ? s.slice(1) : s);

/** 'mixed': lines that are UTF-8 and lines (or bytes) that are not, in one file. */
export type DetectedEncoding = 'utf8' | 'utf8-bom' | 'gb18030' | 'utf16le' | 'utf16be' | 'binary' | 'mixed';

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

export type FileReadErrorCode = 'not-found' | 'empty' | 'binary' | 'mixed-encoding' | 'unknown-encoding' | 'io';

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

// A file is GB18030 only when it is: Chinese text in GB18030 almost never
// forms a line of valid UTF-8 holding a CJK character (the bytes of one
// character would have to chain into 3-byte sequences and end exactly at the
// line's end; none did in 10^6 random lines of GB2312 characters), while a
// UTF-8 line of Chinese always does. So each line is judged on its own: a
// file with lines of both kinds mixes encodings (or has a damaged byte in a
// UTF-8 file), and is refused rather than decoded one way and garbled.

/** Where a line or byte is: 1-based line, 0-based byte offset in the file. */
export interface BytePlace {
  line: number;
  offset: number;
}

const isCjk = (cp: number): boolean =>
  (cp >= 0x3000 && cp <= 0x303f) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xff00 && cp <= 0xffef);

/**
 * Reads bytes line by line (across chunks) and notes the first line that is
 * UTF-8 with Chinese in it, the first line that is not UTF-8 (at its first bad
 * byte), and the first byte that is not GB18030 (0x80 is the euro sign of
 * Windows code page 936, which Excel writes).
 */
/**
 * A GB18030 four-byte sequence's linear index is a character: 0–39419 the rest
 * of the BMP, 189000–1237575 U+10000–U+10FFFF; what lies between and beyond is
 * unassigned, and TextDecoder refuses it as WHATWG's decoder does.
 */
const isGbFourBytePointer = (p: number): boolean => p <= 39419 || (p >= 189000 && p <= 1237575);

export class EncodingScan {
  line: number;
  offset: number;
  firstUtf8: BytePlace | null = null;
  firstNotUtf8: BytePlace | null = null;
  firstNotGb: BytePlace | null = null;
  // The current line as UTF-8: bytes still needed by the open sequence, its start and value so far.
  private need = 0;
  private seqAt = 0;
  private cp = 0;
  private min = 0;
  private bad = -1;
  private cjkAt = -1;
  private high = false;
  // GB18030: 0 before a character, 1 after a lead byte, 2 after lead + digit, 3 after lead + digit + lead.
  private gb = 0;
  private gbAt = 0;
  // A four-byte sequence's index so far (GB18030's linear pointer).
  private gbPointer = 0;
  /** The first byte of the current line that is not GB18030 (it counts only if the line is not UTF-8). */
  private lineNotGb = -1;
  constructor(start: BytePlace = { line: 1, offset: 0 }) {
    this.line = start.line;
    this.offset = start.offset;
  }

  feed(b: Uint8Array): void {
    // Locals in the loop (it sees every byte of a GB18030 file); fields between chunks.
    let { need, seqAt, cp, min, bad, cjkAt, high, gb, gbAt, gbPointer, lineNotGb } = this;
    let off = this.offset;
    const n = b.length;
    for (let i = 0; i < n; i++, off++) {
      const c = b[i];
      if (c < 0x80 && gb === 0 && need === 0) {
        // ASCII between characters: only a line end matters.
        if (c === 10) {
          if (high) this.lineEnd(bad, cjkAt, lineNotGb);
          bad = cjkAt = lineNotGb = -1;
          high = false;
          this.line++;
        }
        continue;
      }
      // GB18030: a lead byte 0x81–0xFE, then 0x40–0x7E or 0x80–0xFE, or digit, lead, digit.
      if (gb === 0) {
        if (c >= 0x81 && c !== 0xff) (gb = 1), (gbAt = off), (gbPointer = c - 0x81);
        else if (c === 0xff && lineNotGb < 0) lineNotGb = off;
      } else if (gb === 1) {
        if ((c >= 0x40 && c <= 0x7e) || (c >= 0x80 && c <= 0xfe)) gb = 0;
        else if (c >= 0x30 && c <= 0x39) (gb = 2), (gbPointer = gbPointer * 10 + c - 0x30);
        else {
          gb = 0;
          if (lineNotGb < 0) lineNotGb = gbAt;
        }
      } else if (gb === 2) {
        if (c >= 0x81 && c <= 0xfe) (gb = 3), (gbPointer = gbPointer * 126 + c - 0x81);
        else {
          gb = 0;
          if (lineNotGb < 0) lineNotGb = gbAt;
        }
      } else {
        // Four bytes: a character only in the BMP's range or the other planes' (the rest is unassigned).
        if (!(c >= 0x30 && c <= 0x39 && isGbFourBytePointer(gbPointer * 10 + c - 0x30)) && lineNotGb < 0) lineNotGb = gbAt;
        gb = 0;
      }
      // UTF-8.
      if (c < 0x80) {
        if (need > 0) {
          if (bad < 0) bad = seqAt;
          need = 0;
        }
        if (c === 10) {
          if (high) this.lineEnd(bad, cjkAt, lineNotGb);
          bad = cjkAt = lineNotGb = -1;
          high = false;
          this.line++;
        }
        continue;
      }
      high = true;
      if (need > 0) {
        if ((c & 0xc0) === 0x80) {
          cp = (cp << 6) | (c & 0x3f);
          if (--need === 0) {
            if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
              if (bad < 0) bad = seqAt;
            } else if (cjkAt < 0 && min === 0x800 && isCjk(cp)) cjkAt = seqAt;
          }
          continue;
        }
        if (bad < 0) bad = seqAt;
        need = 0;
      }
      if (bad >= 0) continue;
      seqAt = off;
      if (c >= 0xc2 && c <= 0xdf) (need = 1), (cp = c & 0x1f), (min = 0x80);
      else if (c >= 0xe0 && c <= 0xef) (need = 2), (cp = c & 0x0f), (min = 0x800);
      else if (c >= 0xf0 && c <= 0xf4) (need = 3), (cp = c & 0x07), (min = 0x10000);
      else bad = off;
    }
    Object.assign(this, { need, seqAt, cp, min, bad, cjkAt, high, gb, gbAt, gbPointer, lineNotGb });
    this.offset = off;
  }

  /**
   * As feed, for the lines only (no GB18030 check): once a line is not UTF-8,
   * the rest of it is skipped to its end (a native search). This is what
   * reading a whole GB18030 file costs; a byte that is not GB18030 makes the
   * (fatal) decoder throw, and is then found with feed.
   */
  feedLines(b: Buffer): void {
    let { need, seqAt, cp, min, bad, cjkAt, high } = this;
    const n = b.length;
    const start = this.offset;
    let i = 0;
    while (i < n) {
      if (bad >= 0) {
        // The line is not UTF-8: nothing more to learn from it.
        const nl = b.indexOf(10, i);
        if (nl < 0) break;
        this.lineEnd(bad, -1, -1);
        bad = cjkAt = -1;
        need = 0;
        high = false;
        this.line++;
        i = nl + 1;
        continue;
      }
      const c = b[i];
      if (c < 0x80) {
        if (need > 0) {
          bad = seqAt;
          need = 0;
          continue; // this byte is looked at again as the line's
        }
        if (c === 10) {
          if (high) this.lineEnd(bad, cjkAt, -1);
          cjkAt = -1;
          high = false;
          this.line++;
        }
        i++;
        continue;
      }
      high = true;
      if (need > 0) {
        if ((c & 0xc0) === 0x80) {
          cp = (cp << 6) | (c & 0x3f);
          if (--need === 0) {
            if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) bad = seqAt;
            else if (cjkAt < 0 && min === 0x800 && isCjk(cp)) cjkAt = seqAt;
          }
          i++;
          continue;
        }
        bad = seqAt;
        need = 0;
        continue;
      }
      seqAt = start + i;
      if (c >= 0xc2 && c <= 0xdf) (need = 1), (cp = c & 0x1f), (min = 0x80);
      else if (c >= 0xe0 && c <= 0xef) (need = 2), (cp = c & 0x0f), (min = 0x800);
      else if (c >= 0xf0 && c <= 0xf4) (need = 3), (cp = c & 0x07), (min = 0x10000);
      else bad = seqAt;
      i++;
    }
    Object.assign(this, { need, seqAt, cp, min, bad, cjkAt, high });
    this.offset = start + n;
  }

  /** The end of the bytes: `more`, when they are a sample of a longer file (a character may be cut). */
  end(more = false): void {
    if (more) this.need = 0;
    else if (this.gb !== 0 && this.lineNotGb < 0) this.lineNotGb = this.gbAt;
    if (this.need > 0 && this.bad < 0) this.bad = this.seqAt;
    if (this.high) this.lineEnd(this.bad, this.cjkAt, this.lineNotGb);
    this.need = 0;
    this.gb = 0;
    this.bad = this.cjkAt = this.lineNotGb = -1;
    this.high = false;
  }

  /** A line with bytes above 0x7F ends: `bad` its first byte that is not UTF-8, `cjk` its first Chinese character, `notGb` its first byte that is not GB18030. */
  private lineEnd(bad: number, cjk: number, notGb: number): void {
    if (bad >= 0) {
      this.firstNotUtf8 ??= { line: this.line, offset: bad };
      if (notGb >= 0) this.firstNotGb ??= { line: this.line, offset: notGb };
    } else if (cjk >= 0 || notGb >= 0) {
      // UTF-8 with Chinese in it, or UTF-8 that cannot be GB18030: a UTF-8 line.
      this.firstUtf8 ??= { line: this.line, offset: cjk >= 0 ? cjk : notGb };
    }
  }
}


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

/** The encoding a sample's lines show: UTF-8, GB18030, or both (mixed). */
const verdict = (scan: EncodingScan): 'utf8' | 'gb18030' | 'mixed' =>
  scan.firstNotUtf8 === null ? 'utf8' : scan.firstUtf8 !== null ? 'mixed' : 'gb18030';

function sniff(sample: Buffer, more: boolean): { encoding: DetectedEncoding; scan: EncodingScan | null } {
  if (sample.length >= 3 && sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return { encoding: 'utf8-bom', scan: null };
  if (sample.length >= 2 && sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf16le', scan: null };
  if (sample.length >= 2 && sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf16be', scan: null };
  const utf16 = sniffUtf16(sample);
  if (utf16) return { encoding: utf16, scan: null };
  if (findBinaryByte(sample) >= 0) return { encoding: 'binary', scan: null };
  const scan = new EncodingScan();
  scan.feed(sample);
  scan.end(more);
  return { encoding: verdict(scan), scan };
}

/**
 * Guess the encoding of a file from its first bytes (pass up to 64 KiB; `more`
 * when the file goes on, so a character may be cut at the end). BOMs win; then
 * UTF-16 without BOM (NUL pattern); then binary (NUL bytes or many control
 * characters); then, line by line, UTF-8 (pure ASCII included), GB18030, or
 * mixed: lines of both.
 */
export function detectEncoding(sample: Buffer, more = true): DetectedEncoding {
  return sniff(sample, more).encoding;
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

const SAVE_AGAIN = text(
  '请用 Excel 或 WPS 打开该文件，另存为“CSV UTF-8（逗号分隔）”或“CSV（逗号分隔）”（即 GB18030/ANSI），再导入另存的文件',
  'open it in Excel or WPS and save it again as "CSV UTF-8 (Comma delimited)" or as "CSV (Comma delimited)" (GB18030/ANSI), then import the saved file',
);

/** A byte that is not UTF-8 in a file whose lines before (or `utf8Line`) are UTF-8. */
const notUtf8Error = (path: string, bad: BytePlace, utf8Line: number | null): FileReadError => {
  const before = utf8Line === null ? text('而它之前的内容是 UTF-8', 'while what comes before it is UTF-8') : text(`而第 ${utf8Line} 行是 UTF-8`, `while line ${utf8Line} is UTF-8`);
  return new FileReadError(
    'mixed-encoding',
    path,
    text(
      `${path}:${bad.line}：第 ${bad.line} 行第 ${bad.offset} 字节起不是有效的 UTF-8，${before.zh}：文件混用了两种编码，或其中有损坏的字符；未导入任何内容。${SAVE_AGAIN.zh}`,
      `${path}:${bad.line}: byte ${bad.offset} (line ${bad.line}) is not valid UTF-8, ${before.en}: the file mixes encodings, or a character in it is damaged; nothing was imported. To fix it, ${SAVE_AGAIN.en}`,
    ),
  );
};

/** A UTF-8 line in a file whose other lines are GB18030. */
const utf8InGbError = (path: string, u: BytePlace, gbLine: number): FileReadError =>
  new FileReadError(
    'mixed-encoding',
    path,
    text(
      `${path}:${u.line}：第 ${u.line} 行（第 ${u.offset} 字节起）是 UTF-8，而第 ${gbLine} 行是 GB18030：文件混用了两种编码；未导入任何内容。${SAVE_AGAIN.zh}`,
      `${path}:${u.line}: line ${u.line} (from byte ${u.offset}) is UTF-8, while line ${gbLine} is GB18030: the file mixes encodings; nothing was imported. To fix it, ${SAVE_AGAIN.en}`,
    ),
  );

const mixedError = (path: string, scan: EncodingScan): FileReadError => {
  const u = scan.firstUtf8 as BytePlace;
  const g = scan.firstNotUtf8 as BytePlace;
  return u.offset < g.offset ? notUtf8Error(path, g, u.line) : utf8InGbError(path, u, g.line);
};

const notGbError = (path: string, at: BytePlace): FileReadError =>
  new FileReadError(
    'mixed-encoding',
    path,
    text(
      `${path}:${at.line}：第 ${at.line} 行第 ${at.offset} 字节起既不是 UTF-8 也不是 GB18030；未导入任何内容。${SAVE_AGAIN.zh}`,
      `${path}:${at.line}: byte ${at.offset} (line ${at.line}) is neither UTF-8 nor GB18030; nothing was imported. To fix it, ${SAVE_AGAIN.en}`,
    ),
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
  encoding: Exclude<DetectedEncoding, 'binary' | 'mixed'>;
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

/** The first byte of a GB18030 file that is not GB18030 (in a line that is not UTF-8), or null. */
const locateNotGb = async (path: string): Promise<BytePlace | null> => {
  const scan = new EncodingScan();
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
    scan.feed(chunk as Buffer);
    if (scan.firstNotGb) return scan.firstNotGb;
  }
  scan.end();
  return scan.firstNotGb;
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
 * Bytes → strings. UTF-8 goes through WHATWG TextDecoder: it handles
 * characters split across chunks, and is ≈ 25 % faster on Chinese text than
 * Node's StringDecoder. GB18030 and UTF-16 go through TextDecoder too (otherDecoder).
 *
 * A file detected as UTF-8 whose later bytes are not UTF-8 is refused, naming
 * the line and byte — unless every byte before them was ASCII (the same in
 * both encodings): then the file is GB18030 from there on. A file detected as
 * GB18030 is read line by line (EncodingScan) and refused at a UTF-8 line or a
 * byte that is not GB18030. A forced encoding is used as it is (forced UTF-8
 * replaces bad bytes with U+FFFD).
 */
class Decode extends Transform {
  private utf8: TextDecoder | null = null;
  /** GB18030 or UTF-16. */
  private other: TextDecoder | null = null;
  /** No text decoded by `other` yet: a GB18030 BOM may still come. */
  private atStart = true;
  private scan: EncodingScan | null = null;
  private offset: number;
  /** Only ASCII so far (UTF-8 as detected): the file may still turn out to be GB18030. */
  private ascii: boolean;
  /** The last bytes of the previous chunk: the decoder may hold the start of a character from them. */
  private tail: Buffer = Buffer.alloc(0);
  constructor(
    private readonly path: string,
    start: number,
    private readonly encoding: 'utf8' | 'gb18030' | 'utf16le' | 'utf16be',
    /** Detected, not forced: check that the whole file is what its start said. */
    detected: boolean,
  ) {
    super({ readableObjectMode: true, highWaterMark: 16 });
    this.offset = start;
    this.ascii = detected && encoding === 'utf8';
    if (encoding === 'utf8') this.utf8 = new TextDecoder('utf-8', { ignoreBOM: true, fatal: detected });
    else this.useOther(encoding, detected && encoding === 'gb18030' ? new EncodingScan({ line: 1, offset: start }) : null);
  }
  /** `scan`: a GB18030 file as detected, checked line by line and refused at its first byte that is not GB18030. */
  private useOther(encoding: 'gb18030' | 'utf16le' | 'utf16be', scan: EncodingScan | null): void {
    this.utf8 = null;
    this.other = otherDecoder(encoding, scan !== null);
    this.scan = scan;
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    // UTF-16 has NUL bytes in every ASCII character; UTF-8 and GB18030 never.
    const nul = this.encoding.startsWith('utf16') ? -1 : chunk.indexOf(0);
    if (nul >= 0) {
      lateBinaryError(this.path, this.offset + nul).then(cb, (e: unknown) => cb(ioError(this.path, e)));
      return;
    }
    if (this.utf8) {
      let s: string;
      try {
        s = this.utf8.decode(chunk, { stream: true });
      } catch {
        this.notUtf8(chunk, cb);
        return;
      }
      if (this.ascii && /[^\x00-\x7f]/.test(s)) this.ascii = false;
      this.tail = chunk.length >= 3 ? chunk.subarray(chunk.length - 3) : Buffer.concat([this.tail, chunk]).subarray(-3);
      this.offset += chunk.length;
      if (s.length > 0) this.push(s);
      cb();
      return;
    }
    this.throughOther(chunk, cb);
  }
  private throughOther(chunk: Buffer, cb: TransformCallback): void {
    const scan = this.scan;
    if (scan) {
      scan.feedLines(chunk);
      if (scan.firstUtf8 && scan.firstNotUtf8) {
        cb(mixedError(this.path, scan));
        return;
      }
    }
    this.offset += chunk.length;
    this.pushOther(chunk, cb);
  }
  /** The text of the next bytes (all: the end), or, in a GB18030 file as detected, a refusal at a byte that is not GB18030. */
  private pushOther(chunk: Buffer | null, cb: TransformCallback): void {
    const dec = this.other as TextDecoder;
    let s: string;
    try {
      s = chunk ? dec.decode(chunk, { stream: true }) : dec.decode();
    } catch {
      this.notGb(cb);
      return;
    }
    if (this.atStart && s.length > 0) {
      this.atStart = false;
      s = withoutBom(s);
    }
    if (s.length > 0) this.push(s);
    cb();
  }
  /** The decoder met bytes that are not GB18030: find where, from the start of the file (a refusal, not a hot path). */
  private notGb(cb: TransformCallback): void {
    const path = this.path;
    locateNotGb(path).then(
      (at) => cb(notGbError(path, at ?? { line: this.scan?.line ?? 1, offset: this.offset })),
      (e: unknown) => cb(ioError(path, e)),
    );
  }
  /** A chunk that is not UTF-8 in a file that began as UTF-8. */
  private notUtf8(chunk: Buffer, cb: TransformCallback): void {
    const path = this.path;
    const tail = this.tail;
    if (this.ascii) {
      // Nothing but ASCII before (the same bytes in both encodings): the file is
      // GB18030 from here, the start of a character the decoder held included.
      let k = 0;
      while (k < tail.length && tail[tail.length - 1 - k] >= 0x80) k++;
      const from = this.offset - k;
      lineAt(path, from).then((line) => {
        this.useOther('gb18030', new EncodingScan({ line, offset: from }));
        // Mid-file: an encoded U+FEFF here is text, not a BOM.
        this.atStart = false;
        this.offset = from;
        this.throughOther(Buffer.concat([tail.subarray(tail.length - k), chunk]), cb);
      }, (e: unknown) => cb(ioError(path, e)));
      return;
    }
    // Where the bad byte is: scanned from the start of the character the decoder may hold.
    let i = 0;
    while (i < tail.length && (tail[i] & 0xc0) === 0x80) i++;
    const from = this.offset - (tail.length - i);
    lineAt(path, from).then((line) => {
      const scan = new EncodingScan({ line, offset: from });
      scan.feed(Buffer.concat([tail.subarray(i), chunk]));
      scan.end(true);
      cb(notUtf8Error(path, scan.firstNotUtf8 ?? { line, offset: from }, null));
    }, (e: unknown) => cb(ioError(path, e)));
  }
  override _flush(cb: TransformCallback): void {
    if (this.utf8) {
      let s: string;
      try {
        s = this.utf8.decode();
      } catch {
        // The file ends inside a character.
        lineAt(this.path, this.offset).then((line) => cb(notUtf8Error(this.path, { line, offset: this.offset }, null)), (e: unknown) => cb(ioError(this.path, e)));
        return;
      }
      if (s.length > 0) this.push(s);
      cb();
      return;
    }
    const scan = this.scan;
    if (scan) {
      scan.end();
      if (scan.firstUtf8 && scan.firstNotUtf8) {
        cb(mixedError(this.path, scan));
        return;
      }
    }
    this.pushOther(null, cb);
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

  const { encoding: detected, scan } = sniff(sample, size > sample.length);
  let encoding: Exclude<DetectedEncoding, 'binary' | 'mixed'>;
  if (forcedEnc) {
    // A forced encoding overrides the guess but not the BOM of the same family.
    encoding = forcedEnc === 'utf8' && detected === 'utf8-bom' ? 'utf8-bom' : forcedEnc;
    if (detected === 'binary' && (forcedEnc === 'utf8' || forcedEnc === 'gb18030')) {
      throw new FileReadError('binary', path, binaryMessage(path, sample, findBinaryByte(sample)));
    }
  } else if (detected === 'binary') {
    throw new FileReadError('binary', path, binaryMessage(path, sample, findBinaryByte(sample)));
  } else if (detected === 'mixed') {
    throw mixedError(path, scan as EncodingScan);
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
  const decoder = new Decode(path, start, encoding === 'utf8-bom' ? 'utf8' : encoding, forcedEnc === undefined);
  const stream: Readable = pipeline(file, decoder, () => {});
  return { encoding, stream };
}

/** Wrap any error thrown while reading a text stream as a FileReadError. */
export const toFileReadError = (path: string, e: unknown): FileReadError =>
  e instanceof FileReadError ? e : ioError(path, e);

/** Decode a whole (small) buffer, e.g. a mapping file. Same detection rules. */
export function decodeBuffer(path: string, buf: Buffer, forced?: TextEncoding): { encoding: Exclude<DetectedEncoding, 'binary' | 'mixed'>; text: string } {
  if (buf.length === 0) {
    throw emptyFileError(path);
  }
  const sample = buf; // small: look at all of it
  const sniffed = forced ? null : sniff(sample, false);
  const detected = forced ?? (sniffed as { encoding: DetectedEncoding }).encoding;
  if (detected === 'binary') {
    throw new FileReadError('binary', path, binaryMessage(path, sample, findBinaryByte(sample)));
  }
  if (detected === 'mixed') throw mixedError(path, sniffed?.scan as EncodingScan);
  if (detected === 'gb18030' && sniffed?.scan?.firstNotGb) throw notGbError(path, sniffed.scan.firstNotGb);
  let s: string;
  if (detected === 'utf8' || detected === 'utf8-bom') s = buf.toString('utf8');
  else s = otherDecoder(detected, false).decode(buf);
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  const encoding = detected === 'utf8' && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 'utf8-bom' : detected;
  return { encoding, text: s };
}
