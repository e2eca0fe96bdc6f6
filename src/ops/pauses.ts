// Long work in steps: a generator that yields where it may pause (nothing of
// the ledger being read there). Run to its end at once, or letting the event
// loop run between steps now and then, so that a signal's handler
// (cli/interrupt.ts) is heard while a command of 10^6 applications works, not
// after its commit.
import { beginTransaction, type Db } from '../ledger/open.js';

/** How often work in steps lets the event loop run. */
const PAUSE_EVERY_MS = 100;

/** Runs `steps` to its end without pausing. */
export function runSteps<T>(steps: Iterator<unknown, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * Runs `steps` to its end, letting the event loop run between two steps at
 * most every `everyMs` (work of many short steps); 0 pauses at each of them
 * (work of a few long steps, such as allocate's read and plan, whose first
 * step can end before 100 ms on a small round and a signal there would wait for the commit).
 */
export async function runStepsPausing<T>(steps: Iterator<unknown, T>, everyMs = PAUSE_EVERY_MS): Promise<T> {
  let paused = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - paused < everyMs) continue;
    await new Promise((resolve) => setImmediate(resolve));
    paused = performance.now();
  }
}

/**
 * runStepsPausing (every `everyMs`) inside one write transaction (BEGIN IMMEDIATE), committed at
 * the end, rolled back if a step throws; a signal heard at a pause rolls it
 * back (cli/interrupt.ts).
 */
export async function runStepsInTransaction<T>(db: Db, steps: Iterator<unknown, T>, everyMs = PAUSE_EVERY_MS): Promise<T> {
  const tx = beginTransaction(db);
  try {
    const r = await runStepsPausing(steps, everyMs);
    tx.commit();
    return r;
  } catch (e) {
    tx.rollback();
    throw e;
  }
}
