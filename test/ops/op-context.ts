// An OpContext for tests that call operations directly, without a process.
import type { Db } from '../../src/ledger/open.js';
import type { OpContext } from '../../src/ops/context.js';

export function opContextFor(db: Db, officer = 'tester', at = '2022-06-01T08:00:00.000Z'): OpContext {
  return { db, officer, now: () => at, today: () => at.slice(0, 10) };
}

/** The error an operation throws, for asserting its class, exit code and words. */
export function thrown(f: () => unknown): Error & { exitCode?: number; text?: { zh: string; en: string } } {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the operation to throw');
}

export const eventsOf = (db: Db, command: string) =>
  (db.prepare('SELECT officer, round_id, details FROM events WHERE command = ? ORDER BY seq').all(command) as { officer: string; round_id: string | null; details: string }[]).map(
    (e) => ({ ...e, details: JSON.parse(e.details) as Record<string, unknown> }),
  );
