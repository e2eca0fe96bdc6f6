// `jmfund verify`: every check over the ledger, every problem it finds, each
// with the row or event it names (SPEC §11).
import { text } from '../domain/text.js';
import { openLedger } from '../ledger/open.js';
import { reporter, type Progress } from './progress.js';
import { refLabel, runChecksOnFile, type Problem, type VerifyResult } from '../ledger/verify/index.js';

export interface VerifyReport extends Omit<VerifyResult, 'problems'> {
  /** `where`: the row or event, as a person reads it. */
  problems: (Problem & { where: string })[];
}

export const withWhere = (v: VerifyResult): VerifyReport => ({ ...v, problems: v.problems.map((p) => ({ ...p, where: refLabel(p.ref) })) });

/** Verifies the ledger at `path`, opened read-only and not migrated: an auditor's check does not change the file it checks. */
export async function verifyLedger(path: string, progress?: Progress): Promise<VerifyReport> {
  const db = openLedger(path, { readonly: true });
  // The checks read each table about once: the ledger's 64 MiB cache would only add to verify's memory.
  db.pragma('cache_size = -16384');
  try {
    return withWhere(await runChecksOnFile(db, path, undefined, reporter(progress, text('校验账本', 'verifying'), 'checks')));
  } finally {
    progress?.done();
    db.close();
  }
}
