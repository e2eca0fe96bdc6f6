// An input file as a whole: its SHA-256, and the usage error (exit 2) an
// officer reads when it cannot be read at all.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
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
 * size and the lines in its first 256 KiB; exact for a smaller file. null for
 * a workbook (ZIP) or a file that cannot be read (the reader reports that).
 * For a progress bar's total, nothing else.
 */
export async function estimateRecords(file: string): Promise<number | null> {
  try {
    const fh = await open(file, 'r');
    try {
      const size = (await fh.stat()).size;
      const buf = Buffer.alloc(Math.min(ESTIMATE_SAMPLE, size));
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      if (bytesRead >= 4 && buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04) return null;
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
