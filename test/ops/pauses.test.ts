// Work in steps (ops/pauses.ts): where the event loop runs between steps, and
// the one transaction around them.
import { describe, expect, it } from 'vitest';
import { runSteps, runStepsInTransaction, runStepsPausing } from '../../src/ops/pauses.js';
import { ledgerWithRound } from '../helpers.js';

/** Steps that each note whether a callback queued before the run (setImmediate) has run yet. */
function* noting(seen: boolean[], heard: () => boolean, n: number): Generator<void, number> {
  for (let i = 0; i < n; i++) {
    seen.push(heard());
    yield;
  }
  return n;
}

const queued = () => {
  let ran = false;
  setImmediate(() => (ran = true));
  return () => ran;
};

describe('runStepsPausing', () => {
  it('with 0 ms, lets the event loop run at every step: a callback queued before is heard after the first', async () => {
    const seen: boolean[] = [];
    expect(await runStepsPausing(noting(seen, queued(), 3), 0)).toBe(3);
    expect(seen).toEqual([false, true, true]);
  });

  it('by default, short steps run on without a pause until 100 ms have passed', async () => {
    const seen: boolean[] = [];
    expect(await runStepsPausing(noting(seen, queued(), 50))).toBe(50);
    expect(seen.every((s) => !s)).toBe(true);
  });

  it('runSteps never pauses', () => {
    const seen: boolean[] = [];
    expect(runSteps(noting(seen, queued(), 3))).toBe(3);
    expect(seen).toEqual([false, false, false]);
  });
});

describe('runStepsInTransaction', () => {
  function* writes(db: ReturnType<typeof ledgerWithRound>['db'], failAt: number | null): Generator<void, string> {
    for (let i = 0; i < 3; i++) {
      if (i === failAt) throw new Error('step failed');
      db.prepare('INSERT INTO step_notes (n) VALUES (?)').run(i);
      yield;
    }
    return 'done';
  }
  const ledger = () => {
    const { db } = ledgerWithRound();
    db.exec('CREATE TABLE step_notes (n INTEGER)');
    return db;
  };
  const notes = (db: ReturnType<typeof ledgerWithRound>['db']) => db.prepare('SELECT n FROM step_notes ORDER BY n').pluck().all();

  it('commits what the steps wrote, pausing between them', async () => {
    const db = ledger();
    expect(await runStepsInTransaction(db, writes(db, null), 0)).toBe('done');
    expect(db.inTransaction).toBe(false);
    expect(notes(db)).toEqual([0, 1, 2]);
  });

  it('rolls everything back when a step throws after others wrote', async () => {
    const db = ledger();
    await expect(runStepsInTransaction(db, writes(db, 2), 0)).rejects.toThrow('step failed');
    expect(db.inTransaction).toBe(false);
    expect(notes(db)).toEqual([]);
  });
});
