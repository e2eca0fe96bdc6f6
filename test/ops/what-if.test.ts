// allocate --what-if as an operation on a ledger file: other budgets against
// the stored version, nothing written.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { plan } from '../../src/domain/allocation.js';
import { UserError } from '../../src/domain/errors.js';
import { roundCandidates, storeAllocation } from '../../src/ledger/allocations.repo.js';
import type { Db } from '../../src/ledger/open.js';
import { getRound } from '../../src/ledger/rounds.repo.js';
import type { OpContext } from '../../src/ops/context.js';
import { allocateWhatIf } from '../../src/ops/what-if.js';
import { fen, lifecycleLedger } from '../../fixtures/lifecycle/seed.js';

const opened: Db[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

const op = (db: Db): OpContext => ({ db, officer: 'test', now: () => '2022-05-20T00:00:00.000Z', today: () => '2022-05-20' });
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/**
 * sme-cloud A1..A5 with caps 300,000 / 200,000 / 100,000 / 150,000 / 120,000
 * yuan and a budget of 600,000: version 1 funds A1, A2, A3 (skip).
 */
function allocated(): { db: Db; path: string } {
  const l = lifecycleLedger();
  opened.push(l.db);
  const r = getRound(l.db, 'R1')!;
  l.db.transaction(() => {
    const p = plan(roundCandidates(l.db, 'R1'), r.policy, { budgets: r.budgets, method: 'ranked', shortfall: 'skip', tieBreak: r.policy.allocation.tieBreak });
    storeAllocation(l.db, 'R1', p, '2022-05-10T00:00:00.000Z', 'test');
  })();
  return l;
}

const ids = (cs: { applicationId: string }[]) => cs.map((c) => c.applicationId);

describe('allocateWhatIf', () => {
  it('names who comes in with more money and who drops out with less, writing nothing', () => {
    const l = allocated();
    const before = sha(l.path);
    const events = l.db.prepare('SELECT count(*) FROM events').pluck().get();

    const more = allocateWhatIf(op(l.db), { roundId: 'R1', budgets: ['sme-cloud=750000'] });
    expect(more.version).toBe(1);
    expect(more.scenarios).toHaveLength(1);
    const m = more.scenarios[0];
    expect(ids(m.comesIn)).toEqual(['A4']);
    expect(m.comesIn[0].awardFen).toBe(fen(150_000));
    expect(m.dropsOut).toEqual([]);
    expect(m.categories.find((c) => c.category === 'sme-cloud')).toMatchObject({
      budgetFen: fen(750_000),
      awardedFen: fen(750_000),
      leftFen: 0,
      funded: 4,
      storedBudgetFen: fen(600_000),
      storedAwardedFen: fen(600_000),
      storedFunded: 3,
    });
    expect(m.refused).toBeNull();

    // 400,000: A1 (300,000), then A2 does not fit and A3 does.
    const less = allocateWhatIf(op(l.db), { roundId: 'R1', budgets: ['中小企业上云上平台=40万'] });
    expect(ids(less.scenarios[0].dropsOut)).toEqual(['A2']);
    expect(less.scenarios[0].comesIn).toEqual([]);

    expect(sha(l.path)).toBe(before);
    expect(l.db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(events);
    expect(l.db.prepare('SELECT max(version) FROM allocations').pluck().get()).toBe(1);
  });

  it('plans once per step of --budget-steps', () => {
    const l = allocated();
    const r = allocateWhatIf(op(l.db), { roundId: 'R1', budgetSteps: 'sme-cloud=500000:800000:100000' });
    expect(r.steps).toBe('sme-cloud');
    expect(r.scenarios.map((s) => s.budgets['sme-cloud'])).toEqual([500_000, 600_000, 700_000, 800_000].map(fen));
    expect(r.scenarios.map((s) => s.categories.find((c) => c.category === 'sme-cloud')!.funded)).toEqual([2, 3, 3, 4]);
    // At the stored budget, nothing changes.
    const same = r.scenarios[1];
    expect([same.comesIn, same.dropsOut, same.awardChanges]).toEqual([[], [], []]);
    // The other categories keep the round's budgets.
    expect(r.scenarios.every((s) => s.budgets['talent-training'] === fen(1_000_000))).toBe(true);
  });

  it('says when allocate would refuse the plan: awards on notice over the budget', () => {
    const l = allocated();
    l.db.prepare("UPDATE applications SET state = 'in-notice' WHERE application_id IN ('A1', 'A2')").run();
    const r = allocateWhatIf(op(l.db), { roundId: 'R1', budgets: ['sme-cloud=400000'] });
    expect(r.scenarios[0].refused?.en).toMatch(/kept awards add up to more than its budget/);
  });

  it('needs a budget to try and a version to compare with', () => {
    const l = allocated();
    expect(() => allocateWhatIf(op(l.db), { roundId: 'R1' })).toThrow(UserError);
    expect(() => allocateWhatIf(op(l.db), { roundId: 'R1', budgets: ['sme-cloud=1'], budgetSteps: 'sme-cloud=1:2:1' })).toThrow(/both/);
    expect(() => allocateWhatIf(op(l.db), { roundId: 'R1', budgetSteps: 'sme-cloud=2:1:1' })).toThrow(UserError);
    const fresh = lifecycleLedger();
    opened.push(fresh.db);
    expect(() => allocateWhatIf(op(fresh.db), { roundId: 'R1', budgets: ['sme-cloud=1'] })).toThrow(/no allocation yet/);
  });
});
