// Each verify check alone, on a ledger changed with plain SQL behind
// jmfund's back: every change is reported, naming the row or the event.
import { describe, expect, it } from 'vitest';
import { capInCategory } from '../../src/domain/caps.js';
import { categoryOf } from '../../src/domain/policy.js';
import { appendEvent } from '../../src/ledger/events.js';
import { insertAcceptance } from '../../src/ledger/acceptances.repo.js';
import { insertClawback, insertRecovery } from '../../src/ledger/clawbacks.repo.js';
import { insertFiling } from '../../src/ledger/filings.repo.js';
import { insertNotice } from '../../src/ledger/notices.repo.js';
import { insertPayment } from '../../src/ledger/payments.repo.js';
import { inTransaction, type Db } from '../../src/ledger/open.js';
import { getRound } from '../../src/ledger/rounds.repo.js';
import { CHECKS, claimUnits, refLabel, runChecks, type Check, type Problem } from '../../src/ledger/verify/index.js';
import { ledgerWithRound } from '../helpers.js';
import { addApplications } from './allocation-fixtures.js';

const AT = '2022-05-10T00:00:00.000Z';
const U1 = '91440785MA2000115W';
const U2 = '91440784MA20001314';
const yuan = (y: number) => y * 100;

/** Stores an allocation version the way allocate does: the version, one line per application, an allocate event with the totals. */
function storeAllocation(db: Db, roundId: string, awards: Record<string, number>): number {
  const round = getRound(db, roundId)!;
  const version = ((db.prepare('SELECT max(version) FROM allocations WHERE round_id = ?').pluck().get(roundId) as number | null) ?? 0) + 1;
  const apps = db.prepare('SELECT application_id, category, cluster, requested_amount_fen, total_investment_fen FROM applications WHERE round_id = ? ORDER BY application_id').all(roundId) as {
    application_id: string;
    category: string;
    cluster: string | null;
    requested_amount_fen: number;
    total_investment_fen: number;
  }[];
  const totals = new Map<string, number>();
  inTransaction(db, () => {
    db.prepare(`INSERT INTO allocations (round_id, version, method, shortfall, tie_break, budgets_json, ties_json, created_at, created_by) VALUES (?, ?, 'ranked', 'skip', 'score-desc', ?, '[]', ?, 'test')`).run(
      roundId,
      version,
      JSON.stringify(round.budgets),
      AT,
    );
    for (const a of apps) {
      const cap = capInCategory({ category: a.category, requestedAmountFen: a.requested_amount_fen, totalInvestmentFen: a.total_investment_fen }, categoryOf(round.policy, a.category), round.policy.unitFen);
      const award = yuan(awards[a.application_id] ?? 0);
      totals.set(a.category, (totals.get(a.category) ?? 0) + award);
      db.prepare(
        `INSERT INTO allocation_lines (round_id, version, application_id, category, cluster, rank, score_display, cap_fen, entitled_fen, award_fen, reason, binding)
         VALUES (?, ?, ?, ?, ?, NULL, '80.00', ?, ?, ?, ?, NULL)`,
      ).run(roundId, version, a.application_id, a.category, a.cluster, cap.capFen, cap.capFen, award, award > 0 ? 'funded' : 'did-not-fit');
    }
    appendEvent(db, {
      at: AT,
      officer: 'test',
      command: 'allocate',
      roundId,
      details: { version, categories: [...totals].map(([category, awarded_fen]) => ({ category, awarded_fen })) },
    });
  });
  return version;
}

function smeLedger() {
  const l = ledgerWithRound('R1', { 'sme-cloud': yuan(600_000) });
  addApplications(l.db, 'R1', [
    { id: 'A1', category: 'sme-cloud', requested: 300_000, investment: 1_000_000, uscc: U1 },
    { id: 'A2', category: 'sme-cloud', requested: 200_000, investment: 500_000, uscc: U1 },
    { id: 'A3', category: 'sme-cloud', requested: 150_000, investment: 200_000, uscc: U2 },
    { id: 'A4', category: 'sme-cloud', requested: 200_000, investment: 500_000, uscc: U1 },
  ]);
  inTransaction(l.db, () => appendEvent(l.db, { at: AT, officer: 'test', command: 'import', roundId: 'R1', appIds: ['A1', 'A2', 'A3', 'A4'] }));
  storeAllocation(l.db, 'R1', { A1: 300_000, A2: 200_000 });
  return l;
}

const byCheck = (problems: Problem[], id: string) => problems.filter((p) => p.check === id);
const run = (db: Db, id: string) => {
  const c = CHECKS.find((x) => x.id === id)!;
  return c.run(db);
};

describe('a ledger jmfund wrote', () => {
  it('passes every check', () => {
    const { db } = smeLedger();
    const v = runChecks(db);
    expect(v.problems).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.checks.every((c) => c.status === 'ok')).toBe(true);
    expect(v.events).toBe(2);
    expect(v.lastHash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('application checks', () => {
  it('names every application whose state is not one of the states, byte for byte, in id order', () => {
    const { db } = smeLedger();
    db.prepare("UPDATE applications SET state = 'Eligible' WHERE application_id = 'A3'").run();
    db.prepare("UPDATE applications SET state = 'eligible ' WHERE application_id = 'A1'").run();
    db.prepare("UPDATE applications SET state = 'withdrawn' WHERE application_id = 'A2'").run();
    expect(run(db, 'applications.state').map((p) => p.message.en)).toEqual(['A1 has an unknown state "eligible "', 'A3 has an unknown state "Eligible"']);
  });
});

describe('allocation checks', () => {
  it('names an award that is not a multiple of the unit', () => {
    const { db } = smeLedger();
    db.prepare("UPDATE allocation_lines SET award_fen = award_fen - 50 WHERE application_id = 'A1'").run();
    const p = run(db, 'allocation.unit');
    expect(p).toHaveLength(1);
    expect(refLabel(p[0].ref)).toBe('allocation_lines[round_id=R1, version=1, application_id=A1]');
    expect(p[0].message.en).toContain('299,999.50');
  });

  it('names a cap raised with its award', () => {
    const { db } = smeLedger();
    db.prepare("UPDATE allocation_lines SET cap_fen = 40000000, award_fen = 40000000 WHERE application_id = 'A1'").run();
    const p = run(db, 'allocation.cap');
    expect(p.map((x) => x.ref.key?.application_id)).toEqual(['A1', 'A1']);
    expect(p[0].message.en).toContain('differs from the cap its application and policy give, 300,000.00 yuan');
    expect(p[1].message.zh).toContain('超过按申报计算的上限');
  });

  it('names a category over its budget', () => {
    const { db } = smeLedger();
    db.prepare("UPDATE allocation_lines SET award_fen = cap_fen WHERE application_id = 'A3'").run();
    const p = run(db, 'allocation.budget');
    expect(p).toHaveLength(1);
    expect(p[0].ref).toEqual({ table: 'allocation_lines', key: { round_id: 'R1', version: 1, category: 'sme-cloud' } });
    expect(p[0].message.en).toContain('650,000.00 yuan, above the budget of 600,000.00 yuan');
  });

  it('names an enterprise over its per-enterprise cap', () => {
    const { db } = smeLedger();
    db.prepare("UPDATE allocation_lines SET award_fen = 20000000 WHERE application_id = 'A4'").run();
    const p = run(db, 'allocation.enterprise-cap');
    expect(p).toHaveLength(1);
    expect(p[0].ref.key).toMatchObject({ uscc: U1, category: 'sme-cloud' });
    expect(p[0].message.en).toContain('700,000.00 yuan in sme-cloud (A1, A2, A4)');
  });

  it('names a cluster over its pool', () => {
    const l = ledgerWithRound('R1', { 'cluster-pilot': yuan(6_000_000) });
    const apps = Array.from({ length: 11 }, (_, i) => ({ id: `C${String(i).padStart(2, '0')}`, category: 'cluster-pilot', cluster: 'motorcycle', requested: 500_000, investment: 1_000_000 }));
    addApplications(l.db, 'R1', apps);
    storeAllocation(l.db, 'R1', Object.fromEntries(apps.slice(0, 10).map((a) => [a.id, 500_000])));
    expect(run(l.db, 'allocation.cluster-pool')).toEqual([]);
    l.db.prepare("UPDATE allocation_lines SET award_fen = 50000000 WHERE application_id = 'C10'").run();
    const p = run(l.db, 'allocation.cluster-pool');
    expect(p).toHaveLength(1);
    expect(p[0].ref.key).toMatchObject({ cluster: 'motorcycle' });
    expect(p[0].message.en).toContain('5,500,000.00 yuan, above its pool of 5,000,000.00 yuan');
  });

  it('sees an award changed within every limit, by the total the allocate event remembers', () => {
    const { db } = smeLedger();
    db.prepare("UPDATE allocation_lines SET award_fen = 10000000 WHERE application_id = 'A2'").run();
    for (const id of ['allocation.unit', 'allocation.cap', 'allocation.budget', 'allocation.enterprise-cap']) expect(run(db, id)).toEqual([]);
    const p = run(db, 'allocation.log');
    expect(p).toHaveLength(1);
    expect(p[0].ref).toMatchObject({ table: 'allocation_lines', key: { round_id: 'R1', version: 1, category: 'sme-cloud' }, seq: 2 });
    expect(p[0].message.en).toContain('now total 400,000.00 yuan, event #2 recorded 500,000.00 yuan');
  });

  it('names a version that no event wrote', () => {
    const { db } = smeLedger();
    db.prepare(`INSERT INTO allocations (round_id, version, method, shortfall, tie_break, budgets_json, created_at, created_by) VALUES ('R1', 2, 'ranked', 'skip', 'x', '{}', ?, 'mallory')`).run(AT);
    const p = run(db, 'allocation.log');
    expect(p.map((x) => refLabel(x.ref))).toEqual(['allocations[round_id=R1, version=2]']);
  });
});

describe('event chain checks', () => {
  it('names an event whose details were edited', () => {
    const { db } = smeLedger();
    db.prepare(`UPDATE events SET details = '{"version":1}' WHERE seq = 2`).run();
    const p = run(db, 'chain.hash');
    expect(p.map((x) => x.ref.seq)).toEqual([2]);
    expect(p[0].message.en).toBe('event #2 was changed after it was written (hash mismatch)');
  });

  it('names the gap an event deleted in the middle leaves', () => {
    const { db } = smeLedger();
    inTransaction(db, () => appendEvent(db, { at: AT, officer: 'test', command: 'publicize', roundId: 'R1' }));
    db.pragma('foreign_keys = OFF');
    db.prepare('DELETE FROM event_apps WHERE seq = 2').run();
    db.prepare('DELETE FROM events WHERE seq = 2').run();
    const p = run(db, 'chain.hash');
    expect(p.map((x) => [x.ref.seq, x.message.en])).toEqual([
      [3, 'events are missing before event #3: events 2..2 are missing'],
      [3, 'event #3 no longer links to the event before it (that event was changed or deleted)'],
    ]);
  });

  it('names events deleted at the end', () => {
    const { db } = smeLedger();
    db.prepare('DELETE FROM events WHERE seq = 2').run();
    const p = run(db, 'chain.hash');
    expect(p).toHaveLength(1);
    expect(p[0].ref).toEqual({ table: 'ledger_meta', seq: 2 });
  });

  it('names an index row that no longer matches its event', () => {
    const { db } = smeLedger();
    db.prepare("DELETE FROM event_apps WHERE seq = 1 AND application_id = 'A3'").run();
    const p = run(db, 'chain.event-apps');
    expect(p).toHaveLength(1);
    expect(p[0].message.en).toBe('event #1 names A3, missing from the index');
  });
});

describe('the chain walked once per run', () => {
  it('a second run on the same connection sees an event added and an event changed since the first', () => {
    const { db } = smeLedger();
    const first = runChecks(db);
    expect([first.ok, first.events]).toEqual([true, 2]);
    inTransaction(db, () => appendEvent(db, { at: AT, officer: 'test', command: 'round budget', roundId: 'R1' }));
    const second = runChecks(db);
    expect([second.ok, second.events]).toEqual([true, 3]);
    expect(second.lastHash).toBe(db.prepare('SELECT hash FROM events WHERE seq = 3').pluck().get());
    expect(second.lastHash).not.toBe(first.lastHash);
    db.prepare("UPDATE events SET officer = 'mallory' WHERE seq = 2").run();
    expect(byCheck(runChecks(db).problems, 'chain.hash').map((p) => p.ref.seq)).toEqual([2]);
  });
});

describe('SQLite checks', () => {
  it('names a row that refers to a missing one', () => {
    const { db } = smeLedger();
    db.pragma('foreign_keys = OFF');
    db.prepare("UPDATE allocation_lines SET application_id = 'GONE' WHERE application_id = 'A4'").run();
    const p = run(db, 'sqlite.foreign-keys');
    expect(p).toHaveLength(1);
    expect(p[0].message.en).toBe('a row of allocation_lines refers to a missing row of applications (application_id=GONE)');
    expect(refLabel(p[0].ref)).toMatch(/^allocation_lines\[.*application_id=GONE\]$/);
    expect(run(db, 'sqlite.integrity')).toEqual([]);
  });
});

describe('lifecycle checks', () => {
  function filed() {
    const l = smeLedger();
    const { db } = l;
    inTransaction(db, () => {
      insertNotice(db, { round_id: 'R1', allocation_version: 1, starts_on: '2022-05-10', days: 7, ends_on: '2022-05-16', out_file: null, created_at: AT, created_by: 'test' }, [
        { application_id: 'A1', award_fen: yuan(300_000), source: 'allocation' },
        { application_id: 'A2', award_fen: yuan(200_000), source: 'allocation' },
      ]);
      insertFiling(db, { round_id: 'R1', filed_on: '2022-05-17', created_at: AT, created_by: 'test' }, [
        { application_id: 'A1', amount_fen: yuan(300_000) },
        { application_id: 'A2', amount_fen: yuan(200_000) },
      ]);
      // As finalize does: the rows are sealed to the transaction's event.
      appendEvent(db, { at: AT, officer: 'test', command: 'finalize', roundId: 'R1' });
    });
    return l;
  }

  it('passes on a filed round', () => {
    expect(runChecks(filed().db).problems).toEqual([]);
  });

  it('names a filed award changed after its guard was dropped, and the dropped guard', () => {
    const { db } = filed();
    db.exec('DROP TRIGGER filed_awards_no_update');
    db.prepare("UPDATE filed_awards SET amount_fen = 25000000 WHERE application_id = 'A1'").run();
    const v = runChecks(db);
    expect(byCheck(v.problems, 'lifecycle.filing-hash').map((p) => refLabel(p.ref))).toEqual(['filings[filing_id=1, round_id=R1]', 'filings[filing_id=1, round_id=R1]']);
    expect(byCheck(v.problems, 'lifecycle.filed-unchanged').map((p) => p.message.en)).toEqual([
      'A1 is filed at 250,000.00 yuan but was on notice at 300,000.00 yuan',
      'A1: the award in the current allocation (version 1), 300,000.00 yuan, differs from the filed award of 250,000.00 yuan (filed awards are immutable)',
    ]);
    expect(byCheck(v.problems, 'lifecycle.guards').map((p) => p.message.en)).toEqual(['the trigger that refuses UPDATE on filed_awards has been removed']);
  });

  it('names an allocation line changed after filing', () => {
    const { db } = filed();
    db.prepare("UPDATE allocation_lines SET award_fen = 10000000 WHERE application_id = 'A2'").run();
    const p = run(db, 'lifecycle.filed-unchanged');
    expect(p.map((x) => refLabel(x.ref))).toEqual(['allocation_lines[round_id=R1, version=1, application_id=A2]']);
  });

  it('names a filed award whose notice item is gone, beside one whose line changed, in id order', () => {
    const { db } = filed();
    db.exec('DROP TRIGGER notice_items_no_delete');
    db.prepare("DELETE FROM notice_items WHERE application_id = 'A2'").run();
    db.prepare("UPDATE allocation_lines SET award_fen = 10000000 WHERE application_id = 'A1'").run();
    expect(run(db, 'lifecycle.filed-unchanged').map((p) => p.message.en)).toEqual([
      'A1: the award in the current allocation (version 1), 100,000.00 yuan, differs from the filed award of 300,000.00 yuan (filed awards are immutable)',
      'A2 is filed at 200,000.00 yuan but was never on notice',
    ]);
  });

  it('names payments above the final award, and payments with no acceptance', () => {
    const { db } = filed();
    const acc = { accepted_on: '2022-08-01', claimed_result: 'pass', result: 'pass', reason: 'ok', actual_investment_fen: yuan(1_000_000), training_events: null, trainees: null, cap_fen: yuan(300_000), note: null, created_at: AT, created_by: 'test' } as const;
    insertAcceptance(db, { ...acc, application_id: 'A1', filed_award_fen: yuan(300_000), final_award_fen: yuan(250_000) });
    insertPayment(db, { application_id: 'A1', amount_fen: yuan(200_000), paid_on: '2022-08-02', voucher: null, created_at: AT, created_by: 'test' });
    expect(run(db, 'lifecycle.payments')).toEqual([]);
    insertPayment(db, { application_id: 'A1', amount_fen: yuan(60_000), paid_on: '2022-08-03', voucher: null, created_at: AT, created_by: 'test' });
    insertPayment(db, { application_id: 'A2', amount_fen: yuan(1_000), paid_on: '2022-08-03', voucher: null, created_at: AT, created_by: 'test' });
    expect(run(db, 'lifecycle.payments').map((p) => p.message.en)).toEqual([
      'A1 was paid 260,000.00 yuan in all, above its final award of 250,000.00 yuan (Art. 13)',
      'A2 was paid 1,000.00 yuan without an acceptance (Art. 13, 14)',
    ]);
  });

  it('names a final above the filed amount, and a filed amount above what was allocated when it was filed (money.stages)', () => {
    const { db } = filed();
    expect(run(db, 'money.stages')).toEqual([]);
    const acc = { accepted_on: '2022-08-01', claimed_result: 'pass', result: 'pass', reason: 'ok', actual_investment_fen: yuan(1_000_000), training_events: null, trainees: null, cap_fen: null, note: null, created_at: AT, created_by: 'test' } as const;
    // The acceptance row's own copy of the filed award says 400,000; the filing holds 300,000.
    insertAcceptance(db, { ...acc, application_id: 'A1', filed_award_fen: yuan(400_000), final_award_fen: yuan(350_000) });
    // The line of the version in force at filing lowered behind the ledger's back.
    db.prepare("UPDATE allocation_lines SET award_fen = 15000000 WHERE application_id = 'A2'").run();
    const p = run(db, 'money.stages');
    expect(p.map((x) => [refLabel(x.ref), x.message.en])).toEqual([
      ['acceptances[application_id=A1]', 'A1: final 350,000.00 yuan exceeds filed 300,000.00 yuan'],
      ['filed_awards[application_id=A2]', 'A2: filed 200,000.00 yuan exceeds the 150,000.00 yuan allocated when it was filed'],
    ]);
    // A version made after the filing does not count.
    const later = '2022-06-01T00:00:00.000Z';
    db.prepare(`INSERT INTO allocations (round_id, version, method, shortfall, tie_break, budgets_json, created_at, created_by) VALUES ('R1', 2, 'ranked', 'skip', 'x', '{}', ?, 'test')`).run(later);
    expect(run(db, 'money.stages')).toHaveLength(2);
  });

  it('names recoveries above what is due and clawbacks above what was paid', () => {
    const { db } = filed();
    insertPayment(db, { application_id: 'A1', amount_fen: yuan(100_000), paid_on: '2022-08-02', voucher: null, created_at: AT, created_by: 'test' });
    insertClawback(db, { application_id: 'A1', amount_fen: yuan(150_000), source: 'audit', reason: 'x', ordered_on: '2022-09-01', created_at: AT, created_by: 'test' });
    insertRecovery(db, { application_id: 'A1', amount_fen: yuan(160_000), recovered_on: '2022-09-02', voucher: null, created_at: AT, created_by: 'test' });
    expect(run(db, 'lifecycle.recoveries').map((p) => p.message.en)).toEqual([
      'A1: 160,000.00 yuan recovered, above the 150,000.00 yuan due',
      'A1: 150,000.00 yuan ordered back, above the 100,000.00 yuan paid (Art. 10(4))',
    ]);
  });
});

describe('the runner', () => {
  it('reports every problem of every check, not just the first', () => {
    const { db } = smeLedger();
    db.prepare("UPDATE allocation_lines SET award_fen = cap_fen WHERE application_id IN ('A3', 'A4')").run();
    db.prepare(`UPDATE events SET officer = 'mallory' WHERE seq = 1`).run();
    const v = runChecks(db);
    expect(v.ok).toBe(false);
    expect([...new Set(v.problems.map((p) => p.check))].sort()).toEqual(['allocation.budget', 'allocation.enterprise-cap', 'allocation.log', 'chain.hash', 'chain.rows']);
    expect(v.checks.find((c) => c.id === 'chain.hash')).toMatchObject({ status: 'problems', problems: 1 });
    expect(v.checks.find((c) => c.id === 'allocation.log')).toMatchObject({ status: 'problems', problems: 1 });
  });

  it('chain.rows shared by two threads: each table claimed once, and the findings joined in the order of one thread', () => {
    const { db } = smeLedger();
    db.prepare("UPDATE allocation_lines SET award_fen = cap_fen WHERE application_id IN ('A3', 'A4')").run();
    db.prepare("UPDATE applications SET enterprise_name = 'x' WHERE application_id = 'A2'").run();
    db.prepare("INSERT INTO row_seals (tbl, key, seq, hash) SELECT 'no_such_table', key, seq, hash FROM row_seals WHERE tbl = 'applications' LIMIT 1").run();
    const rows = CHECKS.find((c) => c.id === 'chain.rows')!;
    const shared = { checks: ['chain.rows'], claimed: new SharedArrayBuffer(4) };
    // Two claimants on the same count, taking turns (as the verify thread and its worker do at once).
    const a = claimUnits(db, shared);
    const b = claimUnits(db, shared);
    const got = new Map<number, Problem[]>();
    for (let turn = 0, done = 0; done < 2; turn++) {
      const next = (turn % 2 ? b : a).next();
      if (next.done) done++;
      else {
        expect(got.has(next.value[0])).toBe(false);
        got.set(next.value[0], next.value[1].problems);
      }
    }
    expect([...got.keys()].sort((x, y) => x - y)).toEqual(rows.units!.map((_, i) => i));
    const joined = rows.joinUnits!(new Map(rows.units!.map((u, i) => [u, got.get(i)!])));
    expect(joined).toEqual(rows.run(db));
    expect(joined.map((p) => p.ref.table)).toEqual(['applications', 'allocation_lines', 'allocation_lines', 'no_such_table']);
  });

  it('chain.rows that cannot read row_seals at all: one finding, not one per table', () => {
    const { db } = smeLedger();
    db.exec('DROP TABLE row_seals');
    // Every read of it fails (malformed JSON), in every unit.
    db.exec("CREATE VIEW row_seals AS SELECT json('not json') AS tbl, '[1]' AS key, 1 AS seq, NULL AS hash");
    const rows = CHECKS.find((c) => c.id === 'chain.rows')!;
    const v = runChecks(db, [rows]);
    expect(v.checks[0]).toMatchObject({ id: 'chain.rows', status: 'error', problems: 1 });
    expect(v.problems).toHaveLength(1);
    expect(v.problems[0].message.en).toMatch(/^check could not run: .*JSON/);
  });

  it('skips a check whose tables do not exist, and reports one that fails as a problem', () => {
    const { db } = smeLedger();
    const missing: Check = { id: 'x.missing', title: { zh: '缺', en: 'missing' }, needs: { no_such_table: [] }, run: () => [] };
    const noColumn: Check = { id: 'x.column', title: { zh: '缺', en: 'missing' }, needs: { events: ['no_such_column'] }, run: () => [] };
    const broken: Check = { id: 'x.broken', title: { zh: '坏', en: 'broken' }, needs: {}, run: () => { throw new Error('boom'); } };
    const v = runChecks(db, [missing, noColumn, broken]);
    expect(v.checks.map((c) => [c.id, c.status, c.note])).toEqual([
      ['x.missing', 'skipped', 'missing no_such_table'],
      ['x.column', 'skipped', 'missing events.no_such_column'],
      ['x.broken', 'error', 'boom'],
    ]);
    expect(v.problems.map((p) => p.message.en)).toEqual(['check could not run: boom']);
  });
});
