// An input file as a whole: its SHA-256, and the usage error (exit 2) an
// officer reads when it cannot be read at all.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { constants as zlibConstants, inflateRawSync } from 'node:zlib';
import { UserError } from '../domain/errors.js';
import { text } from '../domain/text.js';
import { FileReadError } from './decode.js';
import { TableReadError } from './table-reader.js';

/** Errors that mean the file cannot be read at all, as a UserError (exit 2); anything else as it is. */
export function fileProblem(file: string, e: unknown): unknown {
  if (e instanceof FileReadError || e instanceof TableReadError) return new UserError(e.text, 2);
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return new UserError(text(`找不到文件 ${file}`, `${file}: no such file`), 2);
  if (code === 'EISDIR') return new UserError(text(`${file} 是目录，不是文件`, `${file} is a directory, not a file`), 2);
  if (code === 'EACCES' || code === 'EPERM') return new UserError(text(`无权读取 ${file}`, `${file}: permission denied`), 2);
  return e;
}

/** SHA-256 of the file's bytes, hex; recorded with what was imported from it. */
export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  } catch (e) {
    throw fileProblem(file, e);
  }
  return h.digest('hex');
}

/** Bytes read from the start of a file to estimate its records. */
const ESTIMATE_SAMPLE = 256 * 1024;

/**
 * About how many records (lines after the header) a CSV file holds, from its
 * size and the lines in its first 256 KiB; exact for a smaller file. For a
 * workbook (ZIP), the rows its largest sheet says it spans. null when that
 * cannot be told, or the file cannot be read (the reader reports that).
 * For a progress bar's total, nothing else.
 */
export async function estimateRecords(file: string): Promise<number | null> {
  try {
    const fh = await open(file, 'r');
    try {
      const size = (await fh.stat()).size;
      const buf = Buffer.alloc(Math.min(ESTIMATE_SAMPLE, size));
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      if (bytesRead >= 4 && buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04) return await workbookRows(fh, size);
      let lines = 0;
      for (let i = buf.indexOf(0x0a, 0); i !== -1 && i < bytesRead; i = buf.indexOf(0x0a, i + 1)) lines++;
      if (bytesRead >= size) return Math.max(0, lines + (bytesRead > 0 && buf[bytesRead - 1] !== 0x0a ? 1 : 0) - 1);
      if (lines === 0) return null;
      return Math.max(1, Math.round((size * lines) / bytesRead) - 1);
    } finally {
      await fh.close();
    }
  } catch {
    return null;
  }
}

/**
 * The rows the largest worksheet of a workbook spans, less one for its header:
 * from the `<dimension ref="A1:V100003">` at the start of each sheet's XML,
 * found through the ZIP's central directory and inflated only as far as that.
 * null when the workbook does not say (no dimension, ZIP64, another method).
 */
async function workbookRows(fh: FileHandle, size: number): Promise<number | null> {
  // The end of central directory record: the last 22 bytes, or before a comment of up to 64 KiB.
  const tailSize = Math.min(size, 22 + 0xffff);
  const tail = Buffer.alloc(tailSize);
  await fh.read(tail, 0, tailSize, size - tailSize);
  const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd === -1 || eocd + 22 > tailSize) return null;
  const entries = tail.readUInt16LE(eocd + 10);
  const dirSize = tail.readUInt32LE(eocd + 12);
  const dirAt = tail.readUInt32LE(eocd + 16);
  if (dirAt === 0xffffffff || dirAt + dirSize > size) return null;
  const dir = Buffer.alloc(dirSize);
  await fh.read(dir, 0, dirSize, dirAt);
  let most: number | null = null;
  for (let i = 0, at = 0; i < entries && at + 46 <= dirSize && dir.readUInt32LE(at) === 0x02014b50; i++) {
    const method = dir.readUInt16LE(at + 10);
    const compressed = dir.readUInt32LE(at + 20);
    const nameLength = dir.readUInt16LE(at + 28);
    const next = at + 46 + nameLength + dir.readUInt16LE(at + 30) + dir.readUInt16LE(at + 32);
    const name = dir.toString('utf8', at + 46, at + 46 + nameLength);
    const local = dir.readUInt32LE(at + 42);
    at = next;
    if (!/^xl\/worksheets\/sheet\d+\.xml$/.test(name) || (method !== 0 && method !== 8) || local === 0xffffffff) continue;
    const header = Buffer.alloc(30);
    await fh.read(header, 0, 30, local);
    if (header.readUInt32LE(0) !== 0x04034b50) continue;
    const dataAt = local + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    // The dimension comes within the first few hundred characters of the sheet.
    const head = Buffer.alloc(Math.min(compressed, 16 * 1024));
    await fh.read(head, 0, head.length, dataAt);
    let xml: string;
    try {
      xml = (method === 0 ? head : inflateRawSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH })).toString('utf8', 0, 4096);
    } catch {
      continue;
    }
    const m = /<(?:\w+:)?dimension\s+ref="[A-Za-z]+\d+:[A-Za-z]+(\d+)"/.exec(xml);
    if (m) most = Math.max(most ?? 0, Number(m[1]) - 1);
  }
  return most;
}
