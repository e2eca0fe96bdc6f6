// Write a file all at once or not at all: data goes to a temporary file in the
// same directory (same file system, so that rename is atomic), is fsynced,
// then takes the target's name. An existing file is never overwritten unless
// `force` is given, and without `force` the check cannot race: the temporary
// file is hard-linked to the target, which fails if the target exists.
import { randomBytes } from 'node:crypto';
import { access, link, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { text, type Text } from '../domain/text.js';

export type FileWriteErrorCode = 'exists' | 'io';

export class FileWriteError extends Error {
  readonly code: FileWriteErrorCode;
  readonly path: string;
  readonly text: Text;
  constructor(code: FileWriteErrorCode, path: string, message: Text, options?: { cause?: unknown }) {
    super(message.en, options);
    this.name = 'FileWriteError';
    this.code = code;
    this.path = path;
    this.text = message;
  }
}

/** The target exists and `force` was not given. */
export class FileExistsError extends FileWriteError {
  constructor(path: string) {
    super('exists', path, text(`${path} 已存在；如要覆盖，请加 --force`, `${path} exists; use --force to overwrite`));
    this.name = 'FileExistsError';
  }
}

export interface WriteFileAtomicOptions {
  /** Replace an existing file. */
  force?: boolean;
  /** Permission bits of a new file (before umask). Default 0o666. */
  mode?: number;
}

const errno = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | null)?.code;

const writeError = (path: string, e: unknown): FileWriteError => {
  if (e instanceof FileWriteError) return e;
  const code = errno(e);
  const detail = e instanceof Error ? e.message : String(e);
  const msg =
    code === 'ENOENT'
      ? text(`无法写入 ${path}：目录 ${dirname(path)} 不存在`, `cannot write ${path}: the directory ${dirname(path)} does not exist`)
      : code === 'EACCES' || code === 'EPERM'
        ? text(`无法写入 ${path}：没有写权限`, `cannot write ${path}: permission denied`)
        : code === 'EISDIR'
          ? text(`无法写入 ${path}：这是一个目录`, `cannot write ${path}: it is a directory`)
          : text(`无法写入 ${path}：${detail}`, `cannot write ${path}: ${detail}`);
  return new FileWriteError('io', path, msg, { cause: e });
};

const fsyncDir = async (dir: string): Promise<void> => {
  // Makes the rename itself durable. Not possible on every platform
  // (Windows cannot open a directory), so best effort.
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    /* best effort */
  }
};

export async function writeFileAtomic(
  path: string,
  data: string | Buffer,
  opts: WriteFileAtomicOptions = {},
): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let tmpExists = false;
  try {
    const fh = await open(tmp, 'wx', opts.mode ?? 0o666);
    tmpExists = true;
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (opts.force) {
      await rename(tmp, path);
      tmpExists = false;
    } else {
      try {
        await link(tmp, path); // fails with EEXIST if the target exists
      } catch (e) {
        const code = errno(e);
        if (code === 'EEXIST') throw new FileExistsError(path);
        if (code === 'EISDIR') throw e;
        // No hard links on this file system (FAT, some network shares):
        // check, then rename; a small race window is accepted there.
        const exists = await access(path).then(
          () => true,
          () => false,
        );
        if (exists) throw new FileExistsError(path);
        await rename(tmp, path);
        tmpExists = false;
      }
    }
    await fsyncDir(dir);
  } catch (e) {
    throw writeError(path, e);
  } finally {
    if (tmpExists) await unlink(tmp).catch(() => undefined);
  }
}
