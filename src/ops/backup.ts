// `jmfund backup FILE`: an online copy of the ledger, proved a faithful copy
// after writing (SPEC §11); the business rules and row seals of the copy are
// `jmfund verify --db FILE`'s.
import { stat } from 'node:fs/promises';
import { checkOutPath, ledgerFiles } from '../io/out-path.js';
import { tempPathFor, trackTemp } from '../io/temp-files.js';
import { backupLedger, type BackupResult } from '../ledger/backup.js';
import { openLedger } from '../ledger/open.js';
import { text } from '../domain/text.js';
import { reporter, type Progress } from './progress.js';
import { withWhere, type VerifyReport } from './verify.js';

export interface BackupReport {
  /** The backup file (absolute path). */
  backup: string;
  bytes: number;
  sha256: string;
  pages: number;
  /** The checks run on the copy (ledger/backup.ts BACKUP_CHECKS). */
  verify: VerifyReport;
}

export async function backupLedgerFile(input: { path: string; target: string; force?: boolean; progress?: Progress; afterCopy?: (tmp: string) => void }): Promise<BackupReport> {
  const src = openLedger(input.path, { readonly: true });
  let r: BackupResult;
  const tmp = tempPathFor(input.target);
  let untrack: (() => void) | undefined;
  try {
    // The ledger itself is refused even with --force; a missing folder the officer named is made (0700).
    checkOutPath(input.target, { option: 'backup', keep: ledgerFiles(input.path), force: input.force, makeFolder: true });
    // Pages pass through the cache once: a small one keeps the backup's memory flat.
    src.pragma('cache_size = -8192');
    // Ctrl-C or a kill while it copies: the partial copy and its -journal are removed.
    untrack = trackTemp(tmp);
    r = await backupLedger(src, input.path, input.target, {
      tmp,
      force: input.force,
      onPages: reporter(input.progress, text('备份', 'backing up'), 'pages'),
      onCompare: reporter(input.progress, text('逐页核对副本', 'comparing the copy page by page'), 'pages'),
      afterCopy: input.afterCopy,
    });
  } finally {
    untrack?.();
    input.progress?.done();
    src.close();
  }
  const { pages, sha256, pageSize: _pageSize, ...verify } = r;
  return { backup: input.target, bytes: (await stat(input.target)).size, sha256, pages, verify: withWhere(verify) };
}
