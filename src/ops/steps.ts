// The order of work (SPEC §15): the facts of the round read from the ledger,
// judged by domain/step-order, turned into a refusal (exit 3) that names the
// step the round lacks. Call inside the operation's transaction.
import { RefusedError } from '../domain/errors.js';
import { CHANGES_AFTER_ALLOCATION, checkAllocate, checkDecide, checkPublicize, type StepRefusal } from '../domain/step-order.js';
import type { Result } from '../domain/text.js';
import type { Db } from '../ledger/open.js';
import { eligibilityCounts, eventsAfter, latestAllocationEvent } from '../ledger/steps.repo.js';

function refuseStep(r: Result<void, StepRefusal>): void {
  if (!r.ok) throw new RefusedError(r.error.message, r.error.hint);
}

/** `unchecked`: the round's applications without eligibility, counted by allocate over the candidates it reads anyway. */
export function requireCheckedForAllocate(roundId: string, unchecked: number): void {
  refuseStep(checkAllocate(roundId, { unchecked }));
}

export function requireReadyForNotice(db: Db, roundId: string): void {
  const last = latestAllocationEvent(db, roundId);
  refuseStep(
    checkPublicize(roundId, {
      ...eligibilityCounts(db, roundId),
      allocation: last ? { version: last.version, at: last.at } : null,
      later: last ? eventsAfter(db, roundId, last.seq, CHANGES_AFTER_ALLOCATION) : [],
    }),
  );
}

export function requireDecidable(applicationId: string, state: string): void {
  refuseStep(checkDecide(applicationId, state));
}
