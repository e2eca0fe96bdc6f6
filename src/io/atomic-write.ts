// Write a file all at once or not at all: data (or a stream of it) goes to a temporary file in the
// same directory (same file system, so that rename is atomic), is fsynced,
// then takes the target's name. An existing file is never overwritten unless
// `force` is given, and without `force` the check cannot race: the temporary
// file is hard-linked to the target, which fails if the target exists.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
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
  // handOver's writes under way, oldest first, and the first of them to fail.
  private readonly inFlight: Promise<void>[] = [];
  private failed: { error: unknown } | null = null;
  /**
   * Writes `buf`, which is the file's from now on (the caller never touches it again), at its place in the file,
   * on libuv's thread pool: the kernel copies it while the caller makes the next one. A report of 10^5 applications
   * writes hundreds of MB, and that copy is a second's work for whichever thread asks for it. Returns a promise, to be
   * awaited before the next call, when MAX_IN_FLIGHT writes are under way. Not to be mixed with `chunk`.
   */
  handOver(buf: Buffer): Promise<void> | undefined {
    if (this.writableLength) throw new Error('AtomicOut: handOver after chunk');
    if (this.failed) throw this.failed.error;
    this.hash.update(buf);
    const at = this.written;
    this.written += buf.length;
    this.inFlight.push(
      writeAllAt(this.fh, buf, at).then(
        () => {
          // A buffer spare() gave is free again (V8 collects external memory only after tens of MB of it).
          if (this.mine.has(buf.buffer) && this.spares.length <= MAX_IN_FLIGHT) this.spares.push(Buffer.from(buf.buffer));
        },
        (error: unknown) => {
          this.failed ??= { error };
        },
      ),
    );
    if (this.inFlight.length < MAX_IN_FLIGHT) return undefined;
    return (this.inFlight.shift() as Promise<void>).then(() => {
      if (this.failed) throw this.failed.error;
    });
  }
  private readonly spares: Buffer[] = [];
  private readonly mine = new WeakSet<ArrayBufferLike>();
  /** A buffer of `size` bytes for the next handOver: one whose write has ended, else a new one (never a slice of Node's shared pool). */
  spare(size: number): Buffer {
    for (;;) {
      const b = this.spares.pop();
      if (!b) {
        const fresh = Buffer.allocUnsafeSlow(size);
        this.mine.add(fresh.buffer);
        return fresh;
      }
      if (b.length === size) return b;
    }
  }
  /** Every write handOver started has ended (before the file is closed, whatever happened). */
  async settled(): Promise<void> {
    await Promise.all(this.inFlight.splice(0));
  }
  /** Ends the stream once everything is on disk. */
  async finish(): Promise<WrittenFile> {
    await this.settled();
    if (this.failed) throw this.failed.error;
    if (!this.writableFinished) {
      const done = once(this, 'finish');
      this.end();
      await done;
    }
    return { bytes: this.written, sha256: this.hash.digest('hex') };
  }
}

/** handOver's writes under way at most: with the sink's 1 MiB chunks, a few MiB held while the disk catches up. */
const MAX_IN_FLIGHT = 4;

async function writeAllAt(fh: FileHandle, buf: Buffer, at: number): Promise<void> {
  for (let off = 0; off < buf.length; ) {
    const { bytesWritten } = await fh.write(buf, off, buf.length - off, at + off);
    off += bytesWritten;
  }
}

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
        await out.settled();
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
