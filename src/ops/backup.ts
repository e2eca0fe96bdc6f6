// `jmfund backup FILE`: an online copy of the ledger, verified after writing (SPEC §11).
import { stat } from 'node:fs/promises';
import { sha256File } from '../io/files.js';
import { checkOutPath, ledgerFiles } from '../io/out-path.js';
import { tempPathFor, trackTemp } from '../io/temp-files.js';
import { backupLedger } from '../ledger/backup.js';
import { openLedger } from '../ledger/open.js';
import type { VerifyResult } from '../ledger/verify/index.js';
import { text } from '../domain/text.js';
import { reporter, type Progress } from './progress.js';
import { withWhere, type VerifyReport } from './verify.js';

export interface BackupReport {
  /** The backup file (absolute path). */
  backup: string;
  bytes: number;
  sha256: string;
  /** The checks run on the copy. */
  verify: VerifyReport;
}

export async function backupLedgerFile(input: { path: string; target: string; force?: boolean; progress?: Progress }): Promise<BackupReport> {
  const src = openLedger(input.path, { readonly: true });
  let v: VerifyResult;
  const tmp = tempPathFor(input.target);
  let untrack: (() => void) | undefined;
  try {
    // The ledger itself is refused even with --force; a missing folder the officer named is made (0700).
    checkOutPath(input.target, { option: 'backup', keep: ledgerFiles(input.path), force: input.force, makeFolder: true });
    // Pages pass through the cache once: a small one keeps the backup's memory flat.
    src.pragma('cache_size = -8192');
    // Ctrl-C or a kill while it copies: the partial copy and its -journal are removed.
    untrack = trackTemp(tmp);
    v = await backupLedger(src, input.target, {
      tmp,
      force: input.force,
      onPages: reporter(input.progress, text('备份', 'backing up'), 'pages'),
      onCheck: reporter(input.progress, text('校验副本', 'verifying the copy'), 'checks'),
    });
  } finally {
    untrack?.();
    input.progress?.done();
    src.close();
  }
  return { backup: input.target, bytes: (await stat(input.target)).size, sha256: await sha256File(input.target), verify: withWhere(v) };
}
