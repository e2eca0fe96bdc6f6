import { describe, expect, it } from 'vitest';
import { bindingAt, checkInvariants, plan, reasonAt, type AllocationPlan } from '../../src/domain/allocation.js';
import {
  allocationLines,
  latestVersion,
  listAllocations,
  lockedAwards,
  roundCandidates,
  storeAllocation,
} from '../../src/ledger/allocations.repo.js';
import type { Db } from '../../src/ledger/open.js';
import { stateSql } from '../../src/ledger/states.js';
import { getRound } from '../../src/ledger/rounds.repo.js';
import { ledgerWithRound } from '../helpers.js';
import { addApplications, scenario } from './allocation-fixtures.js';

function planFor(db: Db, budgets?: Record<string, number>): AllocationPlan {
  const round = getRound(db, 'R1')!;
  const chain = round.policy.allocation.tieBreak;
  const { kept, excluded } = lockedAwards(db, 'R1');
  const p = plan(roundCandidates(db, 'R1'), round.policy, {
    budgets: budgets ?? round.budgets,
    method: 'ranked',
    shortfall: 'skip',
    tieBreak: chain,
    kept,
    excluded,
  });
  expect(checkInvariants(p, round.policy)).toEqual([]);
  return p;
}

/** The states as read (ledger/states.ts): the latest version's lines over the stored column. */
const states = (db: Db) =>
  Object.fromEntries(
    (db.prepare(`SELECT a.application_id, ${stateSql(db, 'a')} AS state FROM applications a ORDER BY a.application_id`).all() as { application_id: string; state: string }[]).map((r) => [
      r.application_id,
      r.state,
    ]),
  );
const storedStates = (db: Db) => Object.fromEntries(db.prepare('SELECT application_id, state FROM applications ORDER BY application_id').raw().all() as [string, string][]);

describe('allocation versions in the ledger', () => {
  it('reads every candidate with its exact score, eligibility and status', () => {
    const s = scenario('round');
    const { db } = ledgerWithRound('R1', s.budgets);
    addApplications(db, 'R1', s.applications);
    const cands = [...roundCandidates(db, 'R1')];
    expect(cands).toHaveLength(s.applications.length);
    expect(new Set(cands.map((c) => c.applicationId))).toEqual(new Set(s.applications.map((a) => a.id)));
    expect(cands.find((c) => c.applicationId === 'S3')).toMatchObject({ score: { num: 160n, den: 2n }, scoreDisplay: '80.00', eligibility: 'eligible', scoreStatus: 'scored' });
    expect(cands.find((c) => c.applicationId === 'S6')).toMatchObject({ score: null, scoreStatus: null });
    expect(cands.find((c) => c.applicationId === 'S5')!.eligibility).toBe('needs-review');
  });

  it('reads scores too long for a double exactly, dates, clusters, and codes that are not in the policy', () => {
    const { db } = ledgerWithRound('R1', {});
    addApplications(db, 'R1', [
      { id: 'A', category: 'cluster-pilot', cluster: 'motorcycle', submittedOn: '2022-03-09', score: 80 },
      { id: 'B', category: 'cluster-pilot', cluster: 'not-a-cluster', submittedOn: '2022-12-31', score: 80 },
      { id: 'C', score: 80 },
      { id: 'D', score: 80 },
    ]);
    // 10^40-sized rationals one unit apart: equal as doubles, not as fractions.
    const big = 10n ** 40n;
    const set = db.prepare('UPDATE score_aggregates SET score_num = ?, score_den = ? WHERE application_id = ?');
    set.run(String(80n * big), String(big), 'C');
    set.run(String(80n * big + 1n), String(big), 'D');
    const cols = roundCandidates(db, 'R1');
    const byId = new Map([...cols].map((c) => [c.applicationId, c]));
    expect(byId.get('A')).toMatchObject({ cluster: 'motorcycle', submittedOn: '2022-03-09', score: { num: 8000n, den: 100n } });
    expect(byId.get('B')).toMatchObject({ cluster: 'not-a-cluster', submittedOn: '2022-12-31' });
    expect(byId.get('D')!.score).toEqual({ num: 80n * big + 1n, den: big });
    const p = plan(cols, getRound(db, 'R1')!.policy, { budgets: {}, method: 'ranked', shortfall: 'skip', tieBreak: ['score-desc'] });
    expect(p.lines.filter((l) => l.app.category === 'sme-cloud').map((l) => [l.app.applicationId, l.rank])).toEqual([
      ['D', 1],
      ['C', 2],
    ]);
    db.prepare(`UPDATE applications SET category = 'no-such-category' WHERE application_id = 'D'`).run();
    expect(() => plan(roundCandidates(db, 'R1'), getRound(db, 'R1')!.policy, { budgets: {}, method: 'ranked', shortfall: 'skip', tieBreak: [] })).toThrow(
      /category no-such-category is not in policy/,
    );
  });

  it('stores a plan as version 1, 2, … and moves participants to proposed / not-funded', () => {
    const s = scenario('round');
    const { db } = ledgerWithRound('R1', s.budgets);
    addApplications(db, 'R1', [...s.applications, { id: 'S8', category: 'sme-cloud', score: 60, requested: 10, state: 'in-notice' }]);
    const p = planFor(db);
    const before = storedStates(db);
    const stored = db.transaction(() => storeAllocation(db, 'R1', p, '2022-06-01T00:00:00.000Z', 'officer'))();
    expect(stored.version).toBe(1);
    // The rows are not rewritten: the version's lines make the participants' states.
    expect(storedStates(db)).toEqual(before);
    const st = states(db);
    expect(st).toMatchObject({ S1: 'proposed', S2: 'not-funded', S3: 'proposed', C2: 'not-funded', P1: 'not-funded', T1: 'proposed' });
    // non-participants keep their state (S4's is its status); a state after the notice is never moved back
    expect(st).toMatchObject({ S4: 'ineligible', S6: 'eligible', O1: 'eligible', S8: 'in-notice' });
    expect(stored.stateChanges.proposed + stored.stateChanges.notFunded).toBe(p.lines.filter((l) => l.rank !== null && l.app.applicationId !== 'S8').length);

    const lines = allocationLines(db, 'R1', 1);
    expect(lines).toHaveLength(p.lines.length);
    expect(lines.find((l) => l.application_id === 'B1')).toMatchObject({ rank: 1, cap_fen: 100_000_000, award_fen: 100_000_000, reason: 'funded', binding: 'per-project-cap', score_display: '88.00' });
    expect(lines.find((l) => l.application_id === 'B2')).toMatchObject({ cap_fen: 50_000_000 });
    expect(lines.find((l) => l.application_id === 'S4')).toMatchObject({ rank: null, award_fen: 0, reason: 'ineligible', binding: null });

    const again = db.transaction(() => storeAllocation(db, 'R1', planFor(db, { ...s.budgets, 'sme-cloud': 200_000_000 }), '2022-06-02T00:00:00.000Z', 'officer'))();
    expect(again.version).toBe(2);
    expect(latestVersion(db, 'R1')).toBe(2);
    expect(states(db).S2).toBe('proposed');
    // Only S2 moved (not-funded → proposed); S8 is funded but in-notice, which no version moves.
    expect(again.stateChanges).toEqual({ proposed: 1, notFunded: 0 });
    const list = listAllocations(db, 'R1');
    expect(list.map((v) => [v.version, v.method, v.shortfall, v.tieBreak.join(',')])).toEqual([
      [1, 'ranked', 'skip', 'score-desc,submitted-on-asc,application-id-asc'],
      [2, 'ranked', 'skip', 'score-desc,submitted-on-asc,application-id-asc'],
    ]);
    expect(list[0].ties).toEqual([['S2', 'S3']]);
    expect(list[1].ties).toEqual([]);
    // S2's 500,000 now fits, and S8's 10 (not funded in version 1, so not kept)
    expect(list[1].awardedFen - list[0].awardedFen).toBe(50_001_000);
  });

  it('a later version keeps awards on notice and leaves withdrawn ones out', () => {
    const { db } = ledgerWithRound('R1', { 'sme-cloud': 100_000_000 });
    addApplications(db, 'R1', [
      { id: 'A', score: 90, requested: 600_000 },
      { id: 'B', score: 85, requested: 300_000 },
      { id: 'C', score: 80, requested: 500_000 },
      { id: 'D', score: 75, requested: 100_000 },
    ]);
    db.transaction(() => storeAllocation(db, 'R1', planFor(db), '2022-06-01T00:00:00.000Z', 'o'))();
    db.prepare(`UPDATE applications SET state = 'in-notice' WHERE application_id IN ('A', 'D')`).run();
    db.prepare(`UPDATE applications SET state = 'withdrawn' WHERE application_id = 'B'`).run();
    const { kept, excluded } = lockedAwards(db, 'R1');
    expect([...kept.keys()].sort()).toEqual(['A', 'D']);
    expect([...excluded]).toEqual(['B']);
    const p = planFor(db);
    expect(Object.fromEntries(p.lines.map((l) => [l.app.applicationId, [l.awardFen / 100, l.reason]]))).toEqual({
      A: [600_000, 'funded'],
      C: [0, 'did-not-fit'], // 500k > the 300k freed
      D: [100_000, 'funded'],
      B: [0, 'withdrawn'],
    });
    db.transaction(() => storeAllocation(db, 'R1', p, '2022-06-02T00:00:00.000Z', 'o'))();
    expect(states(db)).toEqual({ A: 'in-notice', B: 'withdrawn', C: 'not-funded', D: 'in-notice' });
  });

  it('stores every line of a large plan in application_id order, blocks of lines and the rest alike, with progress', () => {
    // A quote in the round's id: it is written into the statement.
    const { db } = ledgerWithRound("R'1", { 'sme-cloud': 30_000_000, 'cluster-pilot': 20_000_000 });
    const n = 2 * 256 + 88;
    addApplications(
      db,
      "R'1",
      Array.from({ length: n }, (_, i) => ({
        id: `A${String((i * 7) % n).padStart(4, '0')}`,
        category: i % 3 === 0 ? 'cluster-pilot' : 'sme-cloud',
        cluster: i % 3 === 0 ? 'motorcycle' : null,
        score: i % 10 === 0 ? null : 60 + (i % 40),
        eligibility: i % 13 === 0 ? ('ineligible' as const) : ('eligible' as const),
        requested: 10_000 + i * 10,
      })),
    );
    const round = getRound(db, "R'1")!;
    const p = plan(roundCandidates(db, "R'1"), round.policy, { budgets: round.budgets, method: 'ranked', shortfall: 'partial', tieBreak: round.policy.allocation.tieBreak });
    const progress: number[] = [];
    db.transaction(() => storeAllocation(db, "R'1", p, '2022-06-01T00:00:00.000Z', 'o', (done, total) => progress.push(done, total)))();
    expect(progress).toEqual([0, n]);
    const rows = db.prepare('SELECT * FROM allocation_lines ORDER BY rowid').raw().all();
    const want = Array.from({ length: n }, (_, i) => [
      "R'1",
      1,
      p.apps.applicationId[i],
      p.apps.categoryAt(i),
      p.apps.clusterAt(i),
      p.rank[i] === 0 ? null : p.rank[i],
      p.apps.scoreDisplay[i],
      p.capFen[i],
      p.entitledFen[i],
      p.awardFen[i],
      reasonAt(p, i),
      bindingAt(p, i),
    ]);
    expect(rows).toEqual(want);
    expect(want.map((r) => r[2])).toEqual([...want.map((r) => r[2] as string)].sort());
    expect(new Set(want.map((r) => r[10])).size).toBeGreaterThan(3);
  });

  it('the schema refuses a line that breaks its checks', () => {
    const { db } = ledgerWithRound('R1', {});
    addApplications(db, 'R1', [{ id: 'A' }]);
    db.prepare(`INSERT INTO allocations (round_id, version, method, shortfall, tie_break, budgets_json, created_at, created_by) VALUES ('R1', 1, 'ranked', 'skip', 'score-desc', '{}', 'x', 'y')`).run();
    const line = db.prepare(`INSERT INTO allocation_lines (round_id, version, application_id, category, cap_fen, entitled_fen, award_fen, reason) VALUES ('R1', ?, 'A', 'sme-cloud', 100, 100, ?, ?)`);
    expect(() => line.run(1, 200, 'funded')).toThrow(/CHECK/);
    expect(() => line.run(1, 100, 'lucky')).toThrow(/CHECK/);
    expect(() => line.run(2, 100, 'funded')).toThrow(/FOREIGN KEY/);
  });
});
