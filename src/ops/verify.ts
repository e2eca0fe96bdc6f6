// `jmfund verify`: every check over the ledger, every problem it finds, each
// with the row or event it names (SPEC §11).
import { dirname, resolve } from 'node:path';
import { text } from '../domain/text.js';
import { findTemps, type FoundTemp } from '../io/temp-files.js';
import { inReadSnapshot, openLedger } from '../ledger/open.js';
import { reporter, type Progress } from './progress.js';
import { anchorsCheck, CHECKS, refLabel, runChecksOnFile, type Problem, type VerifyResult } from '../ledger/verify/index.js';
import { anchorOption } from '../domain/anchors.js';
import { UserError } from '../domain/errors.js';
import { readAnchorsFile } from '../io/anchors.js';

export interface AnchorsInput {
  /** `SEQ:HASH` each. */
  anchor?: readonly string[];
  /** An anchors file (`jmfund anchor --out FILE`). */
  anchorsFile?: string;
}

export interface VerifyReport extends Omit<VerifyResult, 'problems'> {
  /** `where`: the row or event, as a person reads it. */
  problems: (Problem & { where: string })[];
}

/** What `verify` found beside the ledger besides its checks: temporary files of jmfund (a warning, not a problem). */
export interface LedgerFolderReport extends VerifyReport {
  leftovers: FoundTemp[];
}

export const withWhere = (v: VerifyResult): VerifyReport => ({ ...v, problems: v.problems.map((p) => ({ ...p, where: refLabel(p.ref) })) });

/**
 * Verifies the ledger at `path`, opened read-only and not migrated: an auditor's check does not change the file it checks.
 * `anchors`: events whose hashes were kept outside the ledger (--anchor SEQ:HASH, --anchors FILE), each checked too.
 */
export async function verifyLedger(path: string, progress?: Progress, input: AnchorsInput = {}): Promise<LedgerFolderReport & { anchors: number }> {
  // A malformed anchor is a usage error before any work.
  const anchors = [...(input.anchor ?? []).map(anchorOption), ...(input.anchorsFile ? readAnchorsFile(input.anchorsFile) : [])];
  if (input.anchorsFile && anchors.length === 0) {
    throw new UserError(text(`锚点文件 ${input.anchorsFile} 中没有锚点。`, `the anchors file ${input.anchorsFile} holds no anchor.`), 2, text('锚点由 `jmfund anchor --out FILE` 写入。', 'anchors are written by `jmfund anchor --out FILE`.'));
  }
  const db = openLedger(path, { readonly: true });
  // The checks read each table about once: the ledger's 64 MiB cache would only add to verify's memory.
  db.pragma('cache_size = -16384');
  try {
    // One state of the ledger for every check, its worker thread's included: a command that writes meanwhile waits.
    const checks = anchors.length ? [...CHECKS, anchorsCheck(anchors)] : CHECKS;
    const v = withWhere(await inReadSnapshot(db, () => runChecksOnFile(db, path, checks, reporter(progress, text('校验账本', 'verifying'), 'checks'))));
    // Listed, not removed: verify changes nothing, and a running backup may be writing one.
    return { ...v, leftovers: findTemps(dirname(resolve(path))), anchors: anchors.length };
  } finally {
    progress?.done();
    db.close();
  }
}
