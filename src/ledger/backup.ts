// jmfund backup: SQLite's online backup into a temporary file beside the
// target (mode 0600; named and watched for signals by the caller), opened
// again and verified, then given its name; an existing file is kept unless
// `force` (the name is taken with link(), which fails if the file exists, so
// the check cannot race).
import { chmodSync, closeSync, fsyncSync, linkSync, openSync, renameSync, rmSync } from 'node:fs';
import { UserError } from '../domain/errors.js';
import { text } from '../domain/text.js';
import { verifyChain } from './events.js';
import { openLedger, type Db } from './open.js';
import { runChecksOnFile, type VerifyResult } from './verify/index.js';

const exists = (target: string) =>
  new UserError(text(`${target} 已存在，不会覆盖。`, `${target} exists; it will not be overwritten.`), 2, text('加 --force 覆盖，或换一个文件名。', 'add --force to overwrite, or choose another name.'));

/** Pages per step of the online backup: large steps copy faster; between steps the event loop runs (the progress bar). */
const PAGES_PER_STEP = 4096;

/**
 * Copies the ledger to `target` through `tmp` (a new name in the same folder)
 * and returns the verify result of the copy. `onPages`: pages copied of all,
 * after each step; `onCheck`: checks of the copy done of all.
 */
export async function backupLedger(
  src: Db,
  target: string,
  opts: { tmp: string; force?: boolean; onPages?: (done: number, total: number) => void; onCheck?: (done: number, total: number) => void },
): Promise<VerifyResult> {
  const tmp = opts.tmp;
  // Created 0600 before SQLite writes to it: the copy is never readable by others, not even for a moment.
  closeSync(openSync(tmp, 'wx', 0o600));
  let keep = false;
  try {
    await src.backup(tmp, {
      progress: ({ totalPages, remainingPages }) => {
        opts.onPages?.(totalPages - remainingPages, totalPages);
        return PAGES_PER_STEP;
      },
    });
    chmodSync(tmp, 0o600);
    const head = verifyChain(src).lastHash;
    const copy = openLedger(tmp, { readonly: true });
    // The checks read each page about once: a small cache keeps the backup's memory flat whatever the ledger's size.
    copy.pragma('cache_size = -8192');
    let verify: VerifyResult;
    try {
      // SQLite's quick check of the copy's pages in place of its integrity check (verify/sqlite.ts quickIntegrity).
      verify = await runChecksOnFile(copy, tmp, undefined, opts.onCheck, { quick: true });
    } finally {
      copy.close();
    }
    if (verify.problems.some((p) => p.check === 'sqlite.integrity') || verify.lastHash !== head) {
      throw new UserError(
        text(`备份副本校验失败（文件不完整或与账本不一致），未写入 ${target}。`, `the backup copy failed its check (damaged, or not the same as the ledger); ${target} was not written.`),
        1,
      );
    }
    const fd = openSync(tmp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (opts.force) {
      renameSync(tmp, target);
      keep = true;
    } else {
      try {
        linkSync(tmp, target);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw exists(target);
        throw e;
      }
    }
    return verify;
  } finally {
    if (!keep) rmSync(tmp, { force: true });
    rmSync(`${tmp}-journal`, { force: true });
  }
}
