// `jmfund verify`: every check over the ledger, every problem it finds, each
// with the row or event it names (SPEC §11).
import { dirname, resolve } from 'node:path';
import { text } from '../domain/text.js';
import { findTemps, type FoundTemp } from '../io/temp-files.js';
import { openLedger } from '../ledger/open.js';
import { reporter, type Progress } from './progress.js';
import { refLabel, runChecksOnFile, type Problem, type VerifyResult } from '../ledger/verify/index.js';

export interface VerifyReport extends Omit<VerifyResult, 'problems'> {
  /** `where`: the row or event, as a person reads it. */
  problems: (Problem & { where: string })[];
}

/** What `verify` found beside the ledger besides its checks: temporary files of jmfund (a warning, not a problem). */
export interface LedgerFolderReport extends VerifyReport {
  leftovers: FoundTemp[];
}

export const withWhere = (v: VerifyResult): VerifyReport => ({ ...v, problems: v.problems.map((p) => ({ ...p, where: refLabel(p.ref) })) });

/** Verifies the ledger at `path`, opened read-only and not migrated: an auditor's check does not change the file it checks. */
export async function verifyLedger(path: string, progress?: Progress): Promise<LedgerFolderReport> {
  const db = openLedger(path, { readonly: true });
  // The checks read each table about once: the ledger's 64 MiB cache would only add to verify's memory.
  db.pragma('cache_size = -16384');
  try {
    const v = withWhere(await runChecksOnFile(db, path, undefined, reporter(progress, text('校验账本', 'verifying'), 'checks')));
    // Listed, not removed: verify changes nothing, and a running backup may be writing one.
    return { ...v, leftovers: findTemps(dirname(resolve(path))) };
  } finally {
    progress?.done();
    db.close();
  }
}
