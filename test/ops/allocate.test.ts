// The allocate operations on a real ledger file, called directly: results,
// what is written (one version, one event) and the refusals that write nothing.
import { describe, expect, it } from 'vitest';
import { RefusedError, UserError } from '../../src/domain/errors.js';
import { allocate, allocationDiff, allocationVersion, allocationVersions, caps } from '../../src/ops/allocate.js';
import { addApplications } from '../ledger/allocation-fixtures.js';
import { stateSql } from '../../src/ledger/states.js';
import { ledgerWithRound } from '../helpers.js';
import { eventsOf, opContextFor, thrown } from './op-context.js';

const fen = (yuan: number) => yuan * 100;

/** sme-cloud, budget 1,000,000: S1 600,000 fits, S2 500,000 does not, S3 400,000 fills the rest; S2 and S3 tie at 80. */
function round() {
  const l = ledgerWithRound('R1', { 'sme-cloud': fen(1_000_000) });
  addApplications(l.db, 'R1', [
    { id: 'S1', score: 90, requested: 600_000, state: 'scored' },
    { id: 'S2', score: 80, requested: 500_000, state: 'scored', submittedOn: '2022-03-10' },
    { id: 'S3', score: 80, requested: 400_000, state: 'scored', submittedOn: '2022-03-12' },
    { id: 'S4', eligibility: 'ineligible', state: 'ineligible' },
  ]);
  return { ...l, op: opContextFor(l.db) };
}

const count = (db: ReturnType<typeof round>['db'], table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const awards = (r: { groups: Map<string, ArrayLike<unknown> & Iterable<unknown>>; of: { id(l: unknown): string; award(l: unknown): number; reason(l: unknown): string } }) =>
  Object.fromEntries([...r.groups.values()].flatMap((g) => Array.from(g, (l) => [r.of.id(l), [r.of.award(l) / 100, r.of.reason(l)]])));

describe('caps', () => {
  it('gives each application its cap and binding limit; an unknown round is a usage error', () => {
    const { op } = round();
    const r = caps(op, { roundId: 'R1' });
    expect(r.round.roundId).toBe('R1');
    expect(Array.from(r.applications, (a) => [a.applicationId, a.cap.capFen, a.cap.binding])).toEqual([
      ['S1', fen(600_000), 'requested'],
      ['S2', fen(500_000), 'requested'],
      ['S3', fen(400_000), 'requested'],
      ['S4', fen(100_000), 'requested'],
    ]);
    // A terminal's page: the first lines as listed, and how many there are.
    const all = [...r.applications];
    expect(r.first(2)).toEqual({ lines: all.slice(0, 2), total: 4 });
    expect(r.first(10)).toEqual({ lines: all, total: 4 });
    const e = thrown(() => caps(op, { roundId: 'NOPE' }));
    expect(e).toBeInstanceOf(UserError);
    expect(e.exitCode).toBe(2);
  });
});

describe('allocate', () => {
  it('a dry run plans and writes nothing', () => {
    const { db, op } = round();
    const r = allocate(op, { roundId: 'R1', dryRun: true });
    expect(r.version).toBeNull();
    expect(r.dryRun).toBe(true);
    expect(awards(r)).toMatchObject({ S1: [600_000, 'funded'], S2: [0, 'did-not-fit'], S3: [400_000, 'funded'], S4: [0, 'ineligible'] });
    expect(r.summary.reserve['sme-cloud']).toEqual(['S2']);
    expect(r.ties).toEqual([['S2', 'S3']]);
    expect(count(db, 'allocations')).toBe(0);
    expect(eventsOf(db, 'allocate')).toEqual([]);
  });

  it('says why when no application takes part (the version funds nothing), by reason; not when one does', () => {
    const l = ledgerWithRound('R1', { 'sme-cloud': fen(1_000_000) });
    addApplications(l.db, 'R1', [
      { id: 'N1', score: null, requested: 600_000, state: 'eligible' },
      { id: 'N2', score: null, requested: 500_000, state: 'eligible' },
      { id: 'N3', eligibility: 'ineligible', state: 'ineligible' },
    ]);
    const none = allocate(opContextFor(l.db), { roundId: 'R1', dryRun: true });
    expect(none.noneTakePart).toEqual([
      { reason: 'ineligible', n: 1 },
      { reason: 'insufficient-reviews', n: 2 },
    ]);
    expect(allocate(round().op, { roundId: 'R1', dryRun: true }).noneTakePart).toBeNull();
  });

  it('stores version 1 with one event, moves the states, and returns the summary of what was stored', () => {
    const { db, op } = round();
    const r = allocate(op, { roundId: 'R1' });
    expect(r.version).toBe(1);
    expect(r.summary.categories.find((c) => c.category === 'sme-cloud')).toEqual({ category: 'sme-cloud', budgetFen: fen(1_000_000), awardedFen: fen(1_000_000), funded: 2 });
    const [ev, ...more] = eventsOf(db, 'allocate');
    expect(more).toEqual([]);
    expect(ev).toMatchObject({ officer: 'tester', round_id: 'R1', details: { version: 1, method: 'ranked', shortfall: 'skip', kept: 0, excluded: 0, ties: [['S2', 'S3']] } });
    expect(ev.details).toMatchObject({ states: { proposed: 2, not_funded: 1 }, participants: 3 });
    // As read: the stored rows keep their state, the version's lines make S1–S3's.
    expect(db.prepare('SELECT application_id, state FROM applications ORDER BY 1').raw().all()).toEqual([
      ['S1', 'scored'],
      ['S2', 'scored'],
      ['S3', 'scored'],
      ['S4', 'ineligible'],
    ]);
    const states = db.prepare(`SELECT a.application_id, ${stateSql(db, 'a')} FROM applications a ORDER BY 1`).raw().all();
    expect(states).toEqual([
      ['S1', 'proposed'],
      ['S2', 'not-funded'],
      ['S3', 'proposed'],
      ['S4', 'ineligible'],
    ]);
    // The stored version reads back as it was planned.
    const shown = allocationVersion(op, { roundId: 'R1', version: null });
    expect(shown.version).toBe(1);
    expect(shown.summary).toEqual(r.summary);
    expect(awards(shown)).toEqual(awards(r));
  });

  it('seals every line of each version, noted by rowid at the end; a dry run and a refused run leave the insert trigger', () => {
    const { db, op } = round();
    const trigger = () => (db.prepare("SELECT count(*) FROM temp.sqlite_master WHERE name = 'jm_seal_allocation_lines_i'").pluck().get() as number);
    allocate(op, { roundId: 'R1', dryRun: true });
    expect(trigger()).toBe(1);
    for (const version of [1, 2]) {
      allocate(op, { roundId: 'R1' });
      expect(trigger()).toBe(1);
      const seq = db.prepare("SELECT max(seq) FROM events WHERE command = 'allocate'").pluck().get() as number;
      const sealed = db.prepare("SELECT key FROM row_seals WHERE tbl = 'allocation_lines' AND seq = ? ORDER BY key").pluck().all(seq);
      expect(sealed).toEqual(['S1', 'S2', 'S3', 'S4'].map((id) => JSON.stringify(['R1', version, id])));
    }
  });

  it('stores with a small page cache and gives the connection its own back, stored or refused', () => {
    const { db, op } = round();
    const cache = () => db.pragma('cache_size', { simple: true }) as number;
    const own = cache();
    let during: number | undefined;
    allocate(op, { roundId: 'R1', onPlanned: () => (during = cache()) });
    expect(during).toBe(-8192);
    expect(own).not.toBe(-8192);
    expect(cache()).toBe(own);
    expect(thrown(() => allocate(op, { roundId: 'R1', tieBreak: 'refuse' }))).toBeInstanceOf(RefusedError);
    expect(cache()).toBe(own);
  });

  it('takes budgets, method, shortfall and chain for this run only', () => {
    const { op } = round();
    // Earliest submission first: S2 (03-10), S3 (03-12), then S1 (03-15) gets what is left of 1,200,000.
    const r = allocate(op, { roundId: 'R1', budgets: ['sme-cloud=1200000'], shortfall: 'partial', tieBreak: 'submitted-on-asc,score-desc', dryRun: true });
    expect(r.shortfall).toBe('partial');
    expect(r.plan.tieBreak[0]).toBe('submitted-on-asc');
    expect(awards(r)).toMatchObject({ S2: [500_000, 'funded'], S3: [400_000, 'funded'], S1: [300_000, 'funded-in-part'] });
    expect(r.summary.categories.find((c) => c.category === 'sme-cloud')!.budgetFen).toBe(fen(1_200_000));
  });

  it('refuses ties across the line under --tie-break refuse, and writes nothing', () => {
    const { db, op } = round();
    const e = thrown(() => allocate(op, { roundId: 'R1', tieBreak: 'refuse' }));
    expect(e).toBeInstanceOf(RefusedError);
    expect(e.exitCode).toBe(3);
    expect(e.text!.en).toContain('S2 = S3');
    expect(count(db, 'allocations')).toBe(0);
    expect(eventsOf(db, 'allocate')).toEqual([]);
  });

  it('refuses a budget below the awards kept from the notice, and writes nothing', () => {
    const { db, op } = round();
    allocate(op, { roundId: 'R1' });
    db.prepare(`UPDATE applications SET state = 'in-notice' WHERE application_id IN ('S1', 'S3')`).run();
    const e = thrown(() => allocate(op, { roundId: 'R1', budgets: ['sme-cloud=500000'] }));
    expect(e).toBeInstanceOf(RefusedError);
    expect(e.text!.en).toContain('kept awards add up to more than its budget');
    expect(count(db, 'allocations')).toBe(1);
    expect(eventsOf(db, 'allocate')).toHaveLength(1);
  });

  it('refuses bad options as usage errors before reading the round’s applications', () => {
    const { op } = round();
    expect(thrown(() => allocate(op, { roundId: 'R1', method: 'lottery' })).exitCode).toBe(2);
    expect(thrown(() => allocate(op, { roundId: 'R1', budgets: ['nope=1'] })).exitCode).toBe(2);
    expect(thrown(() => allocate(op, {})).text!.en).toContain('--round');
  });
});

describe('allocation versions', () => {
  it('lists versions (the latest is the proposal), shows one, and diffs two', () => {
    const { db, op } = round();
    expect(allocationVersions(op, { roundId: 'R1' }).versions).toEqual([]);
    expect(thrown(() => allocationVersion(op, { roundId: 'R1', version: null })).text!.en).toContain('has no allocation yet');
    allocate(op, { roundId: 'R1' });
    // S1 withdraws after the notice: version 2 gives its money to the reserve list.
    db.prepare(`UPDATE applications SET state = 'in-notice' WHERE application_id = 'S3'`).run();
    db.prepare(`UPDATE applications SET state = 'withdrawn' WHERE application_id = 'S1'`).run();
    allocate(op, { roundId: 'R1' });
    const list = allocationVersions(op, { roundId: 'R1' }).versions;
    expect(list.map((v) => [v.version, v.proposal, v.funded, v.awardedFen])).toEqual([
      [1, false, 2, fen(1_000_000)],
      [2, true, 2, fen(900_000)],
    ]);
    expect(allocationVersion(op, { roundId: 'R1', version: 1 }).version).toBe(1);
    const missing = thrown(() => allocationVersion(op, { roundId: 'R1', version: 7 }));
    expect(missing.exitCode).toBe(2);
    expect(missing.text!.en).toContain('the latest is 2');
    const d = allocationDiff(op, { roundId: 'R1', from: 1, to: 2 });
    expect(d.categories.find((c) => c.category === 'sme-cloud')).toEqual({ category: 'sme-cloud', fromAwardedFen: fen(1_000_000), toAwardedFen: fen(900_000), fromFunded: 2, toFunded: 2 });
    expect(d.changes.map((c) => [c.applicationId, c.from && [c.from.rank, c.from.reason], c.to && [c.to.rank, c.to.reason]])).toEqual([
      ['S2', [2, 'did-not-fit'], [1, 'funded']],
      ['S3', [3, 'funded'], [2, 'funded']],
      ['S1', [1, 'funded'], [null, 'withdrawn']],
    ]);
  });
});
