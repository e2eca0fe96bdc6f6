// Write a file all at once or not at all: data (or a stream of it) goes to a temporary file in the
// same directory (same file system, so that rename is atomic), is fsynced,
// then takes the target's name. An existing file is never overwritten unless
// `force` is given, and without `force` the check cannot race: the temporary
// file is hard-linked to the target, which fails if the target exists.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { writeSync } from 'node:fs';
import { access, link, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { dirname } from 'node:path';
import { text, type Text } from '../domain/text.js';
import { tempPathFor, trackTemp } from './temp-files.js';

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

/** What was written: its size and SHA-256, computed as it was written. */
export interface WrittenFile {
  bytes: number;
  sha256: string;
}

/**
 * Where a streamed file is written: a Writable over the temporary file that
 * counts and hashes what passes. `write` waits when the disk is behind, so a
 * producer that awaits it holds at most one chunk in memory.
 */
export class AtomicOut extends Writable {
  private readonly hash = createHash('sha256');
  private written = 0;
  constructor(private readonly fh: FileHandle) {
    super({ highWaterMark: 1 << 20 });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.put(chunk, cb);
  }
  override _writev(chunks: { chunk: Buffer }[], cb: (e?: Error | null) => void): void {
    this.put(Buffer.concat(chunks.map((c) => c.chunk)), cb);
  }
  private put(chunk: Buffer, cb: (e?: Error | null) => void): void {
    this.hash.update(chunk);
    this.written += chunk.length;
    writeAll(this.fh, chunk).then(() => cb(), cb);
  }
  /** Writes a chunk (text as UTF-8), waiting while the stream is full. */
  async chunk(data: string | Buffer): Promise<void> {
    if (!this.write(data)) await once(this, 'drain');
  }
  private sinceTurn = 0;
  /**
   * Writes `buf` to the file before returning (the caller may then reuse it): no copy into the stream's queue and no
   * promise per chunk, for a producer of many chunks (a report of 10^5 applications writes hundreds of MB). Not to be
   * mixed with `chunk`. Every few MiB it returns a promise that lets the event loop turn (signals, the progress bar).
   */
  chunkNow(buf: Buffer): Promise<void> | undefined {
    if (this.writableLength) throw new Error('AtomicOut: chunkNow after chunk');
    this.hash.update(buf);
    this.written += buf.length;
    for (let off = 0; off < buf.length; ) off += writeSync(this.fh.fd, buf, off, buf.length - off);
    this.sinceTurn += buf.length;
    if (this.sinceTurn < TURN_EVERY) return undefined;
    this.sinceTurn = 0;
    return new Promise((resolve) => setImmediate(resolve));
  }
  /** Ends the stream once everything is on disk. */
  async finish(): Promise<WrittenFile> {
    if (!this.writableFinished) {
      const done = once(this, 'finish');
      this.end();
      await done;
    }
    return { bytes: this.written, sha256: this.hash.digest('hex') };
  }
}

/** Bytes chunkNow writes between two turns of the event loop. */
const TURN_EVERY = 4 << 20;

async function writeAll(fh: FileHandle, buf: Buffer): Promise<void> {
  for (let off = 0; off < buf.length; ) {
    const { bytesWritten } = await fh.write(buf, off, buf.length - off);
    off += bytesWritten;
  }
}

const pathExists = (p: string): Promise<boolean> =>
  access(p).then(
    () => true,
    () => false,
  );

/**
 * Writes a file all at once or not at all, its content produced by `produce`
 * as a stream: the content goes to a temporary file, which takes the target's
 * name only when `produce` has finished. If `produce` throws, or the writing
 * fails, the temporary file is removed and the target is left as it was.
 */
export async function writeFileAtomicStream(path: string, produce: (out: AtomicOut) => Promise<void>, opts: WriteFileAtomicOptions = {}): Promise<WrittenFile> {
  const dir = dirname(path);
  const tmp = tempPathFor(path);
  let tmpExists = false;
  let failure: unknown;
  let result: WrittenFile | undefined;
  // Interrupted (Ctrl-C, kill): the temporary file is removed before the process ends.
  const stopWatching = trackTemp(tmp);
  try {
    // Refuse early rather than after a long report; the link below still decides without a race.
    if (!opts.force && (await pathExists(path))) throw new FileExistsError(path);
    const fh = await open(tmp, 'wx', opts.mode ?? 0o666);
    tmpExists = true;
    try {
      const out = new AtomicOut(fh);
      let streamError: unknown;
      out.on('error', (e) => {
        streamError = e;
      });
      try {
        await produce(out);
        result = await out.finish();
      } catch (e) {
        out.destroy();
        throw streamError ?? e;
      }
      if (streamError) throw streamError;
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
        if (await pathExists(path)) throw new FileExistsError(path);
        await rename(tmp, path);
        tmpExists = false;
      }
    }
    await fsyncDir(dir);
  } catch (e) {
    failure = e;
  } finally {
    if (tmpExists) await unlink(tmp).catch(() => undefined);
    stopWatching();
  }
  if (failure !== undefined) throw isIoFailure(failure) ? writeError(path, failure) : failure;
  return result as WrittenFile;
}

/** A file-system failure (errno) or our own; anything else (a bug, a failed query) is passed on as it is. */
const isIoFailure = (e: unknown): boolean => e instanceof FileWriteError || typeof errno(e) === 'string';

export async function writeFileAtomic(path: string, data: string | Buffer, opts: WriteFileAtomicOptions = {}): Promise<WrittenFile> {
  return writeFileAtomicStream(
    path,
    (out) => out.chunk(data),
    opts,
  );
}
