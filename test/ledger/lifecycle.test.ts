// The lifecycle tables on a real ledger file: what a re-allocation must keep,
// the award as it stands in each state, filing hashes, append-only entries.
import { describe, expect, it } from 'vitest';
import { plan } from '../../src/domain/allocation.js';
import { applicationMoney, currentAward } from '../../src/domain/money-stages.js';
import { lockedAwards, roundCandidates } from '../../src/ledger/allocations.repo.js';
import { setState } from '../../src/ledger/applications.repo.js';
import { roundMoneyFacts } from '../../src/ledger/awards.repo.js';
import { insertClawback } from '../../src/ledger/clawbacks.repo.js';
import { checkFilings, filingHash, insertFiling } from '../../src/ledger/filings.repo.js';
import { insertNotice } from '../../src/ledger/notices.repo.js';
import { insertObjection, resolveObjection } from '../../src/ledger/objections.repo.js';
import { insertPayment } from '../../src/ledger/payments.repo.js';
import type { Db } from '../../src/ledger/open.js';
import { getRound } from '../../src/ledger/rounds.repo.js';
import { fen, lifecycleLedger, storeVersion } from '../../fixtures/lifecycle/seed.js';

const AT = '2022-06-01T00:00:00.000Z';

function publicize(db: Db, ids: string[], amounts: Record<string, number>): number {
  const id = insertNotice(
    db,
    { round_id: 'R1', allocation_version: 1, starts_on: '2022-05-30', days: 7, ends_on: '2022-06-05', out_file: null, created_at: AT, created_by: 't' },
    ids.map((a) => ({ application_id: a, award_fen: fen(amounts[a]), source: 'allocation' as const })),
  );
  for (const a of ids) setState(db, a, 'in-notice', AT);
  return id;
}

describe('lockedAwards (SPEC §8 reserve list)', () => {
  it('keeps nothing before the notice, then keeps every award on notice and not withdrawn and excludes the withdrawn', () => {
    const { db } = lifecycleLedger();
    expect(lockedAwards(db, 'R1')).toEqual({ kept: new Map(), excluded: new Set() });
    storeVersion(db, 'R1', { A1: 300_000, A2: 200_000, A3: 100_000, T1: 800_000 });
    expect(lockedAwards(db, 'R1')).toEqual({ kept: new Map(), excluded: new Set() });
    publicize(db, ['A1', 'A2', 'A3', 'T1'], { A1: 300_000, A2: 200_000, A3: 100_000, T1: 800_000 });
    setState(db, 'A2', 'withdrawn', AT);
    const r = lockedAwards(db, 'R1');
    expect([...r.kept].map(([id, k]) => [id, k.awardFen]).sort()).toEqual([
      ['A1', fen(300_000)],
      ['A3', fen(100_000)],
      ['T1', fen(800_000)],
    ]);
    expect([...r.excluded]).toEqual(['A2']);
    // Acceptance failed before payment frees the money too.
    setState(db, 'T1', 'rejected-at-acceptance', AT);
    expect([...lockedAwards(db, 'R1').excluded].sort()).toEqual(['A2', 'T1']);
  });

  it('lets the allocation plan give only the freed money to the reserve list, in rank order', () => {
    const { db } = lifecycleLedger();
    const round = getRound(db, 'R1')!;
    const opts = { budgets: round.budgets, method: 'ranked' as const, shortfall: 'skip' as const, tieBreak: round.policy.allocation.tieBreak };
    const v1 = plan(roundCandidates(db, 'R1'), round.policy, opts);
    const award = (p: typeof v1, id: string) => p.lines.find((l) => l.app.applicationId === id)!;
    // Budget 600,000: A1 300,000 + A2 200,000 + A3 100,000; A4 and A5 on the reserve list.
    expect(['A1', 'A2', 'A3', 'A4', 'A5'].map((id) => award(v1, id).awardFen)).toEqual([fen(300_000), fen(200_000), fen(100_000), 0, 0]);
    expect(v1.reserve['sme-cloud']).toEqual(['A4', 'A5']);

    storeVersion(db, 'R1', { A1: 300_000, A2: 200_000, A3: 100_000, T1: 800_000 });
    publicize(db, ['A1', 'A2', 'A3', 'T1'], { A1: 300_000, A2: 200_000, A3: 100_000, T1: 800_000 });
    setState(db, 'A2', 'withdrawn', AT);
    const { kept, excluded } = lockedAwards(db, 'R1');
    const v2 = plan(roundCandidates(db, 'R1'), round.policy, { ...opts, kept, excluded });
    // A2's 200,000 goes to A4 (150,000, next in rank); A5 (120,000) no longer fits the 50,000 left.
    expect(['A1', 'A2', 'A3', 'A4', 'A5'].map((id) => award(v2, id).awardFen)).toEqual([fen(300_000), 0, fen(100_000), fen(150_000), 0]);
    expect(award(v2, 'A2').reason).toBe('withdrawn');
    expect(award(v2, 'A5').reason).toBe('did-not-fit');
    expect(award(v2, 'T1').awardFen).toBe(fen(800_000));
  });
});

describe('roundMoneyFacts', () => {
  const moneyOf = (db: Db, id: string) => {
    const [a] = roundMoneyFacts(db, 'R1', { applicationId: id });
    const m = applicationMoney(a.facts);
    return { state: a.facts.state, award: currentAward(a.facts, m), ...m };
  };
  it('follows the money through proposal, notice, filing, acceptance, payment and clawback', () => {
    const { db } = lifecycleLedger();
    expect(roundMoneyFacts(db, 'R1', { applicationId: 'NOPE' })).toEqual([]);
    const none = { allocated: 0, filed: 0, final: 0, paid: 0, clawback_due: 0, recovered: 0, outstanding: 0, net_paid: 0 };
    expect(moneyOf(db, 'A1')).toEqual({ state: 'scored', award: 0, ...none });
    storeVersion(db, 'R1', { A1: 300_000 });
    expect(moneyOf(db, 'A1')).toEqual({ state: 'proposed', award: fen(300_000), ...none, allocated: fen(300_000) });
    publicize(db, ['A1'], { A1: 300_000 });
    expect(moneyOf(db, 'A1')).toMatchObject({ state: 'in-notice', award: fen(300_000) });
    insertFiling(db, { round_id: 'R1', filed_on: '2022-06-06', created_at: AT, created_by: 't' }, [{ application_id: 'A1', amount_fen: fen(300_000) }]);
    setState(db, 'A1', 'filed', AT);
    expect(moneyOf(db, 'A1')).toMatchObject({ state: 'filed', award: fen(300_000), filed: fen(300_000), final: fen(300_000) });
    db.prepare(
      `INSERT INTO acceptances (application_id, accepted_on, claimed_result, result, reason, actual_investment_fen, cap_fen, filed_award_fen, final_award_fen, created_at, created_by)
       VALUES ('A1', '2022-09-01', 'pass', 'pass', 'lowered-to-cap', ?, ?, ?, ?, ?, 't')`,
    ).run(fen(300_000), fen(240_000), fen(300_000), fen(240_000), AT);
    setState(db, 'A1', 'accepted', AT);
    insertPayment(db, { application_id: 'A1', amount_fen: fen(200_000), paid_on: '2022-09-10', voucher: null, created_at: AT, created_by: 't' });
    setState(db, 'A1', 'disbursed', AT);
    expect(moneyOf(db, 'A1')).toEqual({ state: 'disbursed', award: fen(240_000), ...none, allocated: fen(300_000), filed: fen(300_000), final: fen(240_000), paid: fen(200_000), net_paid: fen(200_000) });
    insertClawback(db, { application_id: 'A1', amount_fen: fen(50_000), source: 'audit', reason: 'x', ordered_on: '2022-10-01', created_at: AT, created_by: 't' });
    setState(db, 'A1', 'clawback-due', AT);
    // A clawback is an entry of its own: the final award stays; what is owed back is clawback_due − recovered.
    expect(moneyOf(db, 'A1')).toMatchObject({ state: 'clawback-due', award: fen(240_000), final: fen(240_000), clawback_due: fen(50_000), outstanding: fen(50_000), net_paid: fen(200_000) });
    expect(roundMoneyFacts(db, 'R1').map((a) => a.applicationId)).toEqual(['A1', 'A2', 'A3', 'A4', 'A5', 'O1', 'T1']);
  });
});

describe('ledger entries are append-only', () => {
  it('refuses to change or delete a filed award, a payment or a clawback, and to resolve an objection twice', () => {
    const { db } = lifecycleLedger();
    storeVersion(db, 'R1', { A1: 300_000 });
    publicize(db, ['A1'], { A1: 300_000 });
    insertFiling(db, { round_id: 'R1', filed_on: '2022-06-06', created_at: AT, created_by: 't' }, [{ application_id: 'A1', amount_fen: fen(300_000) }]);
    insertPayment(db, { application_id: 'A1', amount_fen: 100, paid_on: '2022-09-10', voucher: null, created_at: AT, created_by: 't' });
    insertClawback(db, { application_id: 'A1', amount_fen: 100, source: 'audit', reason: 'x', ordered_on: '2022-10-01', created_at: AT, created_by: 't' });
    expect(() => db.prepare('UPDATE filed_awards SET amount_fen = 1').run()).toThrow(/immutable/);
    expect(() => db.prepare('DELETE FROM filed_awards').run()).toThrow(/immutable/);
    expect(() => db.prepare('UPDATE filings SET total_fen = 1').run()).toThrow(/immutable/);
    expect(() => db.prepare('UPDATE payments SET amount_fen = 1').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM clawbacks').run()).toThrow(/append-only/);
    expect(() => db.prepare('UPDATE notice_items SET award_fen = 1').run()).toThrow(/append-only/);
    const id = insertObjection(db, {
      round_id: 'R1', application_id: 'A1', notice_id: 1, received_on: '2022-06-01', from_name: '张三', text: 'x',
      status: 'open', not_accepted_reason: null, created_at: AT, created_by: 't',
    });
    resolveObjection(db, id, { status: 'dismissed', note: 'n', on: '2022-06-02', at: AT, by: 't' });
    expect(() => db.prepare("UPDATE objections SET status = 'upheld'").run()).toThrow(/resolved once/);
  });

  it('stores a hash of the filed amounts that verify can recompute, and sees a change made behind its back', () => {
    const { db } = lifecycleLedger();
    storeVersion(db, 'R1', { A1: 300_000, A3: 100_000 });
    publicize(db, ['A1', 'A3'], { A1: 300_000, A3: 100_000 });
    const items = [
      { application_id: 'A3', amount_fen: fen(100_000) },
      { application_id: 'A1', amount_fen: fen(300_000) },
    ];
    const f = insertFiling(db, { round_id: 'R1', filed_on: '2022-06-06', created_at: AT, created_by: 't' }, items);
    expect(f.hash).toBe(filingHash('R1', '2022-06-06', [...items].reverse()));
    expect(f).toMatchObject({ award_count: 2, total_fen: fen(400_000) });
    expect(checkFilings(db)).toEqual([{ filing_id: f.filing_id, round_id: 'R1', stored: f.hash, recomputed: f.hash, ok: true }]);
    db.exec('DROP TRIGGER filed_awards_no_update');
    db.prepare("UPDATE filed_awards SET amount_fen = amount_fen + 100 WHERE application_id = 'A1'").run();
    expect(checkFilings(db)[0].ok).toBe(false);
  });
});
