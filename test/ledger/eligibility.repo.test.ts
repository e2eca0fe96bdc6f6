// Integration: domain + repo on a real ledger file.
import { afterEach, describe, expect, it } from 'vitest';
import { appendEvent, verifyChain } from '../../src/ledger/events.js';
import { eligibilitySection, openReviewItems, recordDecision, roundResults } from '../../src/ledger/eligibility.repo.js';
import { inTransaction, type Db } from '../../src/ledger/open.js';
import { eligibilitySql, stateSql } from '../../src/ledger/states.js';
import { check, type CheckResult } from '../../src/ops/check.js';
import { makeApp, uscc } from '../../fixtures/check/builders.js';
import { insertAccident, insertApplication, insertCreditListing, insertPriorFunding, insertViolation } from '../../fixtures/check/ledger.js';
import { ledgerWithRound } from '../helpers.js';

let open: Db[] = [];
afterEach(() => {
  for (const db of open) db.close();
  open = [];
});

function ledger() {
  const l = ledgerWithRound('R1');
  open.push(l.db);
  return l.db;
}

let clock = 0;
const at = () => new Date(Date.UTC(2022, 4, 1, 0, 0, clock++)).toISOString();

/** `jmfund check`, the operation itself. */
function runCheck(db: Db, asOf?: string): CheckResult {
  return check({ db, officer: 'tester', now: at, today: () => '2022-05-01' }, { roundId: 'R1', asOf });
}

function decide(db: Db, applicationId: string, rule: 'region' | 'duplicate' | 'no-other-funding' | 'legal-person', outcome: 'pass' | 'fail', reason: string) {
  return inTransaction(db, () => {
    const when = at();
    const ev = appendEvent(db, { at: when, officer: '李工', command: 'decide', roundId: 'R1', appIds: [applicationId] });
    return recordDecision(db, { applicationId, rule, outcome, reason, decidedBy: '李工', decidedAt: when, eventSeq: ev.seq });
  });
}

/** The state as read (ledger/states.ts) and the status. */
const stateOf = (db: Db, id: string) =>
  db.prepare(`SELECT ${stateSql(db, 'a')} AS state, ${eligibilitySql(db, 'a')} AS eligibility FROM applications a WHERE a.application_id = ?`).get(id) as { state: string; eligibility: string | null };
const outcomeOf = (db: Db, id: string, rule: string) => roundResults(db, 'R1').find((a) => a.applicationId === id)?.results.find((r) => r.rule === rule);

describe('check on a ledger', () => {
  it('stores the status, the state and the results that did not pass; every result reads back', () => {
    const db = ledger();
    const ok = makeApp({ applicationId: 'OK' });
    const bad = makeApp({ applicationId: 'BAD', readyToImplement: false });
    const rev = makeApp({ applicationId: 'REV', district: '台山市', uscc: uscc('91440703', '77777777') });
    for (const a of [ok, bad, rev]) insertApplication(db, a);
    runCheck(db);
    expect(db.prepare('SELECT application_id, rule, outcome FROM eligibility_results ORDER BY application_id').all()).toEqual([
      { application_id: 'BAD', rule: 'ready', outcome: 'fail' },
      { application_id: 'REV', rule: 'region', outcome: 'needs-review' },
    ]);
    expect(roundResults(db, 'R1').map((a) => [a.applicationId, a.results.length, a.results.filter((r) => r.outcome === 'pass').length])).toEqual([
      ['BAD', 12, 11],
      ['OK', 12, 12],
      ['REV', 12, 11],
    ]);
    expect(stateOf(db, 'OK')).toEqual({ state: 'eligible', eligibility: 'eligible' });
    expect(stateOf(db, 'BAD')).toEqual({ state: 'ineligible', eligibility: 'ineligible' });
    expect(stateOf(db, 'REV')).toEqual({ state: 'needs-review', eligibility: 'needs-review' });
    expect(openReviewItems(db, 'R1').map((i) => [i.applicationId, i.result.rule])).toEqual([['REV', 'region']]);
    expect(verifyChain(db).problems).toEqual([]);
  });

  it('reads every side list from the ledger, matching rows of the same credit code only', () => {
    const db = ledger();
    const a = makeApp({ applicationId: 'A', projectName: '注塑车间联网' });
    const b = makeApp({ applicationId: 'B', projectName: '仓储系统' });
    insertApplication(db, a);
    insertApplication(db, b, 3);
    insertPriorFunding(db, { uscc: a.uscc, projectName: '注塑车间联网', year: 2012, line: 9 });
    insertCreditListing(db, { uscc: a.uscc, list: 'serious-dishonesty', listedOn: '2020-01-01', removedOn: '2020-12-31' });
    insertViolation(db, { uscc: a.uscc, occurredOn: '2021-03-03' });
    insertAccident(db, { uscc: a.uscc, occurredOn: '2018-01-01' }); // outside the window
    insertAccident(db, { uscc: b.uscc, occurredOn: '2022-04-30', kind: 'quality' }); // the as-of date itself
    runCheck(db);
    const A = (r: string) => outcomeOf(db, 'A', r);
    const B = (r: string) => outcomeOf(db, 'B', r);
    expect(A('no-other-funding')?.outcome).toBe('fail');
    expect(A('no-other-funding')?.checkReason.en).toContain('prior.csv line 9');
    expect(A('credit')?.outcome).toBe('fail');
    expect(A('past-compliance')?.outcome).toBe('fail');
    expect(A('accident')?.outcome).toBe('pass');
    expect(B('accident')?.outcome).toBe('fail');
    expect(B('no-other-funding')?.outcome).toBe('pass');
    expect(B('credit')?.outcome).toBe('pass');
  });

  it('a re-check rewrites only the results that changed', () => {
    const db = ledger();
    insertApplication(db, makeApp({ applicationId: 'S1', readyToImplement: false }));
    insertApplication(db, makeApp({ applicationId: 'S2' }), 3);
    const seqs = () =>
      Object.fromEntries(
        (db.prepare('SELECT application_id, max(event_seq) AS s FROM eligibility_results GROUP BY application_id').all() as { application_id: string; s: number }[]).map((r) => [r.application_id, r.s]),
      );
    runCheck(db);
    const first = seqs();
    expect(Object.keys(first)).toEqual(['S1']);
    runCheck(db);
    expect(seqs()).toEqual(first);
    db.prepare("UPDATE applications SET ready_to_implement = 0 WHERE application_id = 'S2'").run();
    runCheck(db);
    const third = seqs();
    expect(third.S1).toBe(first.S1);
    expect(third.S2).toBeGreaterThan(first.S1);
    expect(outcomeOf(db, 'S2', 'ready')?.outcome).toBe('fail');
    expect(stateOf(db, 'S2').eligibility).toBe('ineligible');
    // Passing again: the row goes, the pass reads back.
    db.prepare("UPDATE applications SET ready_to_implement = 1 WHERE application_id = 'S2'").run();
    runCheck(db);
    expect(Object.keys(seqs())).toEqual(['S1']);
    expect(outcomeOf(db, 'S2', 'ready')).toMatchObject({ outcome: 'pass', checkReason: { en: 'declared ready to implement' } });
  });

  it('leaves the lifecycle state alone after allocation but records the status', () => {
    const db = ledger();
    insertApplication(db, makeApp({ applicationId: 'P', readyToImplement: false }));
    db.prepare("UPDATE applications SET state = 'proposed'").run();
    runCheck(db);
    expect(stateOf(db, 'P')).toEqual({ state: 'proposed', eligibility: 'ineligible' });
  });
});

describe('decisions', () => {
  function reviewLedger() {
    const db = ledger();
    insertApplication(db, makeApp({ applicationId: 'REV', district: '台山市', uscc: uscc('91440703', '77777777') }));
    runCheck(db);
    return db;
  }

  it('settle a needs-review item and the status follows', () => {
    const db = reviewLedger();
    const r = decide(db, 'REV', 'region', 'pass', '营业执照住所在台山市');
    expect(r.status).toBe('eligible');
    expect(stateOf(db, 'REV')).toEqual({ state: 'eligible', eligibility: 'eligible' });
    const v = outcomeOf(db, 'REV', 'region');
    expect(v?.outcome).toBe('pass');
    expect(v?.checkOutcome).toBe('needs-review');
    expect(v?.decision?.decidedBy).toBe('李工');
    expect(openReviewItems(db, 'R1')).toEqual([]);
  });

  it('a fail decision makes the application ineligible', () => {
    const db = reviewLedger();
    expect(decide(db, 'REV', 'region', 'fail', '实际注册地在蓬江区，申报有误').status).toBe('ineligible');
  });

  it('survive a re-check while the evidence is unchanged', () => {
    const db = reviewLedger();
    decide(db, 'REV', 'region', 'pass', '营业执照住所在台山市');
    const plan = runCheck(db);
    expect(plan.kept).toBe(1);
    expect(plan.reopened).toEqual([]);
    expect(stateOf(db, 'REV').eligibility).toBe('eligible');
    // a new as-of date does not touch the region evidence
    runCheck(db, '2022-05-31');
    expect(outcomeOf(db, 'REV', 'region')?.decision?.reason).toBe('营业执照住所在台山市');
  });

  it('go back to review when the application changes, saying what changed', () => {
    const db = reviewLedger();
    decide(db, 'REV', 'region', 'pass', '营业执照住所在台山市');
    db.prepare("UPDATE applications SET district = '开平市' WHERE application_id = 'REV'").run();
    const plan = runCheck(db);
    expect(plan.reopened).toHaveLength(1);
    expect(plan.reopened[0]).toMatchObject({ applicationId: 'REV', rule: 'region', kind: 'evidence-changed' });
    expect(plan.reopened[0].why.en).toContain('台山市 → 开平市');
    expect(stateOf(db, 'REV').eligibility).toBe('needs-review');
    const v = outcomeOf(db, 'REV', 'region');
    expect(v?.decision).toBeNull();
    expect(v?.reopened?.decidedBy).toBe('李工');
    // still open on the next check, still showing the old decision
    runCheck(db);
    expect(openReviewItems(db, 'R1')[0].result.reopened?.reason).toBe('营业执照住所在台山市');
  });

  it('go back to review when a side list gets a different row', () => {
    const db = ledger();
    const a = makeApp({ applicationId: 'PF', projectName: '注塑车间联网改造' });
    insertApplication(db, a);
    insertPriorFunding(db, { uscc: a.uscc, projectName: '注塑车间联网改造一期' });
    runCheck(db);
    expect(outcomeOf(db, 'PF', 'no-other-funding')?.outcome).toBe('needs-review');
    decide(db, 'PF', 'no-other-funding', 'pass', '一期为不同项目，已核对验收报告');
    // an unrelated row changes nothing
    insertPriorFunding(db, { uscc: a.uscc, projectName: '仓储物流系统', line: 3 });
    expect(runCheck(db).kept).toBe(1);
    // another similar row is new evidence
    insertPriorFunding(db, { uscc: a.uscc, projectName: '注塑车间联网改造二期', line: 4 });
    const plan = runCheck(db);
    expect(plan.reopened.map((r) => r.why.en)).toEqual(['the evidence changed: matching prior-funding rows changed']);
    expect(stateOf(db, 'PF').eligibility).toBe('needs-review');
  });

  it('no longer apply when the rule now passes by itself', () => {
    const db = reviewLedger();
    decide(db, 'REV', 'region', 'fail', '注册地不符');
    db.prepare("UPDATE applications SET district = '蓬江区' WHERE application_id = 'REV'").run();
    const plan = runCheck(db);
    expect(plan.reopened[0].kind).toBe('no-longer-review');
    expect(stateOf(db, 'REV').eligibility).toBe('eligible');
  });

  it('decide both applications of a duplicate pair independently', () => {
    const db = ledger();
    const u = uscc('91440704', '31415926');
    insertApplication(db, makeApp({ applicationId: 'D1', uscc: u, district: '江海区', projectName: '云平台' }));
    insertApplication(db, makeApp({ applicationId: 'D2', uscc: u, district: '江海区', projectName: '云平台二期' }), 3);
    runCheck(db);
    expect(openReviewItems(db, 'R1').map((i) => i.applicationId)).toEqual(['D1', 'D2']);
    decide(db, 'D1', 'duplicate', 'pass', '两期为不同建设内容');
    decide(db, 'D2', 'duplicate', 'fail', '与 D1 重复申报');
    expect(stateOf(db, 'D1').eligibility).toBe('eligible');
    expect(stateOf(db, 'D2').eligibility).toBe('ineligible');
  });
});

describe('eligibilitySection (for applications show)', () => {
  it('returns results in rule order with reasons and the decision history', () => {
    const db = ledger();
    insertApplication(db, makeApp({ applicationId: 'REV', district: '台山市', uscc: uscc('91440703', '77777777') }));
    expect(eligibilitySection(db, 'REV')).toMatchObject({ status: null, results: [], decisions: [] });
    runCheck(db);
    decide(db, 'REV', 'region', 'pass', '营业执照住所在台山市');
    const s = eligibilitySection(db, 'REV');
    expect(s?.status).toBe('eligible');
    expect(s?.asOf).toBe('2022-04-30');
    expect(s?.results.map((r) => r.rule)[0]).toBe('region');
    expect(s?.results).toHaveLength(12);
    expect(s?.results[0].reason.en).toContain('李工 decided pass');
    expect(s?.results[0].reason.zh).toContain('营业执照住所在台山市');
    expect(s?.decisions).toHaveLength(1);
    expect(eligibilitySection(db, 'NOPE')).toBeUndefined();
  });
});
