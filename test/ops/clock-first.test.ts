// A clock behind the newest event is refused before a long command does its
// work (import, check, allocate), not after it; a dry run, which appends no
// event, still runs.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RefusedError } from '../../src/domain/errors.js';
import { appendEvent } from '../../src/ledger/events.js';
import { inTransaction, type Db } from '../../src/ledger/open.js';
import type { Progress } from '../../src/ops/progress.js';
import { allocate } from '../../src/ops/allocate.js';
import { check } from '../../src/ops/check.js';
import { importApplications } from '../../src/ops/import.js';
import { aggregateScores, importScores } from '../../src/ops/scores.js';
import { addApplications } from '../ledger/allocation-fixtures.js';
import { FIXTURES, ledgerWithRound } from '../helpers.js';
import { opContextFor } from './op-context.js';

const LATE = '2022-06-01T08:00:00.000Z';
const EARLY = '2022-05-01T08:00:00.000Z';

/** A round whose newest event is at LATE, and what its ledger file holds. */
function ledgerAfter(budgets: Record<string, number> = {}) {
  const l = ledgerWithRound('R1', budgets);
  inTransaction(l.db, () => appendEvent(l.db, { officer: 'a', command: 'objection add', at: LATE }));
  return l;
}

/** A progress bar that records every call: a command that did any work started a phase. */
function recorder(): Progress & { calls: string[] } {
  const calls: string[] = [];
  return { calls, phase: (_l, total) => calls.push('phase ' + String(total)), tick: (n) => calls.push(`tick ${n}`), done: () => calls.push('done') } as Progress & { calls: string[] };
}

const fileHash = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const events = (db: Db) => db.prepare('SELECT count(*) FROM events').pluck().get();

async function rejected(p: Promise<unknown> | (() => unknown)): Promise<Error & { exitCode?: number; text?: { en: string } }> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a refusal');
}

describe('a clock set back is refused before the work', () => {
  it('import: refused (exit 3) before the file is read: no row problem heard, the ledger file unchanged', async () => {
    const { db, path } = ledgerAfter();
    const before = fileHash(path);
    const heard: string[] = [];
    const progress = recorder();
    // This file has a bad row: an import that read it would have reported it.
    const file = join(FIXTURES, 'import', 'bad', 'amount-not-number.csv');
    const e = await rejected(importApplications({ ...opContextFor(db, 'o', EARLY), progress }, { file, round: 'R1', lang: 'en' }, { problem: (_k, p) => heard.push(p.message.en) }));
    expect(e).toBeInstanceOf(RefusedError);
    expect(e.exitCode).toBe(3);
    expect(e.text?.en).toContain(`the clock reads ${EARLY}, earlier than ${LATE}`);
    expect(heard).toEqual([]);
    expect(progress.calls).toEqual([]);
    expect(events(db)).toBe(1);
    expect(fileHash(path)).toBe(before);
  });

  it('import --dry-run still runs with the clock behind (it appends no event)', async () => {
    const { db } = ledgerAfter();
    const r = await importApplications(opContextFor(db, 'o', EARLY), { file: join(FIXTURES, 'import', 'applications.csv'), round: 'R1', lang: 'en', dryRun: true });
    expect(r.written).toBe(false);
    expect(r.new).toBeGreaterThan(0);
  });

  it('check: refused before any application is checked', async () => {
    const { db } = ledgerAfter();
    addApplications(db, 'R1', [{ id: 'A1', requested: 100_000 }]);
    const progress = recorder();
    const e = await rejected(() => check({ ...opContextFor(db, 'o', EARLY), progress }, { roundId: 'R1' }));
    expect(e.exitCode).toBe(3);
    expect(progress.calls).toEqual([]);
    expect(events(db)).toBe(1);
    // At the right time it checks.
    expect(check(opContextFor(db, 'o', LATE), { roundId: 'R1' }).applications).toBe(1);
  });

  it('allocate: refused before the plan; a dry run still plans', async () => {
    const { db } = ledgerAfter({ 'sme-cloud': 100_000_000 });
    addApplications(db, 'R1', [{ id: 'S1', score: 90, requested: 600_000, state: 'scored' }]);
    let planned = 0;
    const e = await rejected(() => allocate(opContextFor(db, 'o', EARLY), { roundId: 'R1', onPlanned: () => planned++ }));
    expect(e.exitCode).toBe(3);
    expect(planned).toBe(0);
    expect(db.prepare('SELECT count(*) FROM allocations').pluck().get()).toBe(0);
    expect(allocate(opContextFor(db, 'o', EARLY), { roundId: 'R1', dryRun: true }).version).toBeNull();
  });

  it('scores import and aggregate: refused before the sheet is read or any application aggregated; a dry run of the import still reads it', async () => {
    const { db, path } = ledgerAfter();
    const before = fileHash(path);
    const progress = recorder();
    const file = join(FIXTURES, 'scores', 'errors.csv');
    const e = await rejected(importScores({ ...opContextFor(db, 'o', EARLY), progress }, { file, round: 'R1' }));
    expect(e.exitCode).toBe(3);
    expect(e.text?.en).toContain('events cannot go back in time');
    const a = await rejected(() => aggregateScores({ ...opContextFor(db, 'o', EARLY), progress }, { round: 'R1' }));
    expect(a.exitCode).toBe(3);
    expect(progress.calls).toEqual([]);
    expect(fileHash(path)).toBe(before);
    // The dry run reads the sheet (and finds what is wrong in it) whatever the clock.
    const dry = await importScores(opContextFor(db, 'o', EARLY), { file, round: 'R1', dryRun: true });
    expect(dry.written).toBe(false);
  });
});
