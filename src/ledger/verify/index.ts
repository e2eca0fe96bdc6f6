// jmfund verify: every check, every problem (not just the first), exit 1 if any.
import { text, type Text } from '../../domain/text.js';
import { verifyChain } from '../events.js';
import type { Db } from '../open.js';
import * as allocation from './allocation.js';
import * as applications from './applications.js';
import * as chain from './chain.js';
import * as lifecycle from './lifecycle.js';
import * as money from './money.js';
import { missingNeeds } from '../schema.js';
import * as sqlite from './sqlite.js';
import type { Check, Problem } from './types.js';

export type { Check, Problem } from './types.js';
export { refLabel } from './types.js';

export const CHECKS: readonly Check[] = [
  sqlite.integrity,
  sqlite.foreignKeys,
  chain.hashChain,
  chain.eventApps,
  applications.applicationState,
  allocation.unitMultiple,
  allocation.awardWithinCap,
  allocation.categoryBudget,
  allocation.clusterPool,
  allocation.enterpriseCap,
  allocation.matchesLog,
  lifecycle.filingHash,
  lifecycle.filedMatchesNotice,
  lifecycle.paymentsWithinAward,
  lifecycle.recoveriesWithinDue,
  money.filedWithinAllocated,
  lifecycle.appendOnlyGuards,
];

export interface CheckOutcome {
  id: string;
  title: Text;
  status: 'ok' | 'problems' | 'skipped' | 'error';
  problems: number;
  /** Why it was skipped (missing tables or columns), or the error it raised. */
  note?: string;
}

export interface VerifyResult {
  ok: boolean;
  checks: CheckOutcome[];
  problems: Problem[];
  events: number;
  /** Hash of the last event: printed on the audit report so that it can be matched to the ledger later. */
  lastHash: string;
}

export function runChecks(db: Db, checks: readonly Check[] = CHECKS): VerifyResult {
  const outcomes: CheckOutcome[] = [];
  const problems: Problem[] = [];
  for (const c of checks) {
    const missing = missingNeeds(db, c.needs);
    if (missing.length) {
      outcomes.push({ id: c.id, title: c.title, status: 'skipped', problems: 0, note: `missing ${missing.join(', ')}` });
      continue;
    }
    try {
      const found = c.run(db);
      problems.push(...found);
      outcomes.push({ id: c.id, title: c.title, status: found.length ? 'problems' : 'ok', problems: found.length });
    } catch (e) {
      // A check that cannot run on a damaged file is itself a finding, and the others still run.
      const msg = (e as Error).message;
      problems.push({ check: c.id, ref: {}, message: text(`检查无法完成：${msg}`, `check could not run: ${msg}`) });
      outcomes.push({ id: c.id, title: c.title, status: 'error', problems: 1, note: msg });
    }
  }
  let events = 0;
  let lastHash = '';
  try {
    const c = verifyChain(db);
    events = c.count;
    lastHash = c.lastHash;
  } catch {
    /* reported by chain.hash */
  }
  return { ok: problems.length === 0, checks: outcomes, problems, events, lastHash };
}
