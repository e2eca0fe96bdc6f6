// An input file as a whole: its SHA-256, and the usage error (exit 2) an
// officer reads when it cannot be read at all.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
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
