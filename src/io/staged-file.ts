// A file that takes its place only once the ledger has committed (publicize's
// notice list): written whole to a temporary file beside its place first, so
// that a refused plan or a failed transaction leaves any earlier file at that
// path as it was, and moved into place synchronously right after the commit
// (no signal handler runs in between).
import { closeSync, fsyncSync, linkSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { UserError } from '../domain/errors.js';
import { text, type Text } from '../domain/text.js';
import { tempPathFor, trackTemp } from './temp-files.js';

export interface StagedFile {
  /** Moves the file into place; on failure, says where the complete file was left. */
  commitSync(): { ok: true } | { ok: false; reason: Text; leftAt: string | null };
  /** Removes it; the place keeps what it held. */
  discard(): void;
}

const reasonOf = (path: string, e: unknown): Text => {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'EEXIST') return text(`${path} 在此期间被另一程序创建`, `${path} was created by another program meanwhile`);
  if (code === 'EISDIR' || code === 'ENOTEMPTY') return text(`${path} 在此期间变成了文件夹`, `${path} became a folder meanwhile`);
  const detail = e instanceof Error ? e.message : String(e);
  return text(detail, detail);
};

/** Writes `content` beside `path` (mode before umask: `mode`, default 0666); the caller checked `path` (io/out-path.ts). */
export function stageFile(path: string, content: string | Buffer, opts: { force: boolean; mode?: number }): StagedFile {
  const tmp = tempPathFor(path);
  const untrack = trackTemp(tmp);
  try {
    const fd = openSync(tmp, 'wx', opts.mode ?? 0o666);
    try {
      const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
      for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    rmSync(tmp, { force: true });
    untrack();
    throw cannotWrite(path, e);
  }
  return staged(path, tmp, untrack, opts);
}

/**
 * stageFile for content that `write` puts, complete and synced, at the new
 * path it is given (a report written row by row: a notice of 10^6 awards is
 * never held whole in memory).
 */
export async function stageFileWith(path: string, write: (tmp: string) => Promise<unknown>, opts: { force: boolean }): Promise<StagedFile> {
  const tmp = tempPathFor(path);
  const untrack = trackTemp(tmp);
  try {
    await write(tmp);
  } catch (e) {
    rmSync(tmp, { force: true });
    untrack();
    // A writer's own error wraps the system's (whose message names the file written): the system's is told.
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e;
    throw cannotWrite(path, cause);
  }
  return staged(path, tmp, untrack, opts);
}

const cannotWrite = (path: string, e: unknown): UserError => {
  const detail = e instanceof Error ? e.message : String(e);
  return new UserError(text(`无法写入 ${path}：${detail}。未作任何更改。`, `cannot write ${path}: ${detail}. Nothing was changed.`), 2);
};

function staged(path: string, tmp: string, untrack: () => void, opts: { force: boolean }): StagedFile {
  return {
    commitSync() {
      try {
        if (opts.force) renameSync(tmp, path);
        else {
          linkSync(tmp, path); // fails if a file appeared there since the check
          rmSync(tmp, { force: true });
        }
        return { ok: true };
      } catch (e) {
        // Keep the complete file under a visible name (a hidden .tmp would be removed as a leftover).
        const ext = extname(path);
        const aside = join(dirname(path), `${basename(path, ext)}.${process.pid}${ext}`);
        let leftAt: string | null = null;
        try {
          linkSync(tmp, aside);
          leftAt = aside;
        } catch {
          /* nowhere to keep it */
        }
        rmSync(tmp, { force: true });
        return { ok: false, reason: reasonOf(path, e), leftAt };
      } finally {
        untrack();
      }
    },
    discard() {
      rmSync(tmp, { force: true });
      untrack();
    },
  };
}
