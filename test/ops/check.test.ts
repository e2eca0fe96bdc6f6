// check, decide and review's list on a real ledger file, called directly: the
// results and counts, one event per run, and the refusals that write nothing.
import { describe, expect, it } from 'vitest';
import { RefusedError, UserError } from '../../src/domain/errors.js';
import { check, decide, reviewItems } from '../../src/ops/check.js';
import { makeApp, uscc } from '../../fixtures/check/builders.js';
import { insertApplication } from '../../fixtures/check/ledger.js';
import { ledgerWithRound } from '../helpers.js';
import { appendEvent } from '../../src/ledger/events.js';
import { inTransaction } from '../../src/ledger/open.js';
import { runChecks } from '../../src/ledger/verify/index.js';
import { stateSql } from '../../src/ledger/states.js';
import { eventsOf, opContextFor, thrown } from './op-context.js';

/** OK-1 eligible; BAD-1 fails legal-person; REV-1 needs review (region); DUP-1/2 need review (duplicate). */
function round() {
  const l = ledgerWithRound('R1');
  const dup = uscc('91440704', '31415926');
  [
    makeApp({ applicationId: 'OK-1' }),
    makeApp({ applicationId: 'BAD-1', readyToImplement: false, uscc: uscc('92440703', '10000001') }),
    makeApp({ applicationId: 'REV-1', district: '台山市', uscc: uscc('91440703', '77777777') }),
    makeApp({ applicationId: 'DUP-1', uscc: dup, district: '江海区', projectName: '云平台建设' }),
    makeApp({ applicationId: 'DUP-2', uscc: dup, district: '江海区', projectName: '云平台建设二期' }),
  ].forEach((a, i) => insertApplication(l.db, a, i + 2));
  return { ...l, op: opContextFor(l.db) };
}

describe('check', () => {
  it('stores every result with one event and counts them by status and by rule', () => {
    const { db, op } = round();
    const r = check(op, { roundId: 'R1' });
    expect(r.asOf).toBe('2022-04-30');
    expect([...r.results()].map((a) => [a.applicationId, a.status])).toEqual([
      ['BAD-1', 'ineligible'],
      ['DUP-1', 'needs-review'],
      ['DUP-2', 'needs-review'],
      ['OK-1', 'eligible'],
      ['REV-1', 'needs-review'],
    ]);
    expect(r.byStatus).toEqual({ eligible: 1, ineligible: 1, 'needs-review': 3 });
    expect(r.byRule.find((c) => c.rule === 'duplicate')).toEqual({ rule: 'duplicate', articles: ['10'], fail: 0, review: 2, decided: 0 });
    expect(r.byRule.find((c) => c.rule === 'legal-person')).toMatchObject({ fail: 1, review: 0 });
    expect(r.kept).toBe(0);
    expect(r.reopened).toEqual([]);
    const [ev, ...more] = eventsOf(db, 'check');
    expect(more).toEqual([]);
    expect(ev).toMatchObject({ officer: 'tester', round_id: 'R1', details: { as_of: '2022-04-30', applications: 5, by_status: { eligible: 1, ineligible: 1, 'needs-review': 3 } } });
    expect((db.prepare("SELECT eligibility FROM application_eligibility WHERE application_id = 'BAD-1'").get() as { eligibility: string }).eligibility).toBe('ineligible');
  });

  it('takes another as-of date; an unknown round is a usage error that writes nothing', () => {
    const { db, op } = round();
    expect(check(op, { roundId: 'R1', asOf: '2022-05-31' }).asOf).toBe('2022-05-31');
    const e = thrown(() => check(op, { roundId: 'NOPE' }));
    expect(e).toBeInstanceOf(UserError);
    expect(e.exitCode).toBe(2);
    expect(eventsOf(db, 'check')).toHaveLength(1);
  });

  it('keeps decisions whose evidence is unchanged, and sets aside one whose evidence changed', () => {
    const { db, op } = round();
    check(op, { roundId: 'R1' });
    decide(op, { applicationId: 'REV-1', rule: 'region', outcome: 'pass', reason: 'licence address in Taishan' });
    decide(op, { applicationId: 'DUP-1', rule: 'duplicate', outcome: 'pass', reason: 'another build' });
    const again = check(op, { roundId: 'R1' });
    expect(again.kept).toBe(2);
    expect(again.byRule.find((c) => c.rule === 'duplicate')).toMatchObject({ review: 1, decided: 1 });
    db.prepare("UPDATE applications SET district = '开平市' WHERE application_id = 'REV-1'").run();
    const third = check(op, { roundId: 'R1' });
    expect(third.kept).toBe(1);
    expect(third.reopened.map((x) => [x.applicationId, x.rule, x.kind, x.decision.reason])).toEqual([['REV-1', 'region', 'evidence-changed', 'licence address in Taishan']]);
    expect([...third.results()].find((a) => a.applicationId === 'REV-1')!.status).toBe('needs-review');
  });
});

describe('check and the row seals', () => {
  it('a re-check that settles a result deletes its stored row, and the deletion verifies (a deleted row’s seal entry)', () => {
    const { db, op } = round();
    check(op, { roundId: 'R1' });
    expect(db.prepare("SELECT count(*) FROM eligibility_results WHERE application_id = 'REV-1'").pluck().get()).toBe(1);
    // The district corrected by a command of its own (sealed), then checked again: the region rule now passes.
    inTransaction(db, () => {
      db.prepare("UPDATE applications SET district = '蓬江区' WHERE application_id = 'REV-1'").run();
      appendEvent(db, { at: '2022-06-01T08:00:00.000Z', officer: 'tester', command: 'import', roundId: 'R1' });
    });
    check(op, { roundId: 'R1' });
    expect(db.prepare("SELECT count(*) FROM eligibility_results WHERE application_id = 'REV-1'").pluck().get()).toBe(0);
    const seq = db.prepare("SELECT max(seq) FROM events WHERE command = 'check'").pluck().get();
    expect(db.prepare("SELECT key, hash IS NULL FROM row_seals WHERE tbl = 'eligibility_results' AND seq = ?").raw().all(seq)).toEqual([['["REV-1","region"]', 1]]);
    // The applications of this test were written without an event; the eligibility tables are what is checked.
    expect(runChecks(db).problems.filter((p) => p.ref.table?.startsWith('eligibility'))).toEqual([]);
  });

  it('a re-check that deletes the newest stored row before it adds another seals the new row (no rowid taken over)', () => {
    const { db, op } = round();
    const sealedCommand = (sql: string) =>
      inTransaction(db, () => {
        db.exec(sql);
        appendEvent(db, { at: '2022-06-01T08:00:00.000Z', officer: 'tester', command: 'import', roundId: 'R1' });
      });
    check(op, { roundId: 'R1' });
    // OK-1 (the first group: applications are checked in credit-code order) gets a row, the newest.
    sealedCommand("UPDATE applications SET district = '台山市' WHERE application_id = 'OK-1'");
    check(op, { roundId: 'R1' });
    expect(db.prepare('SELECT application_id, rule FROM eligibility_results ORDER BY rowid DESC LIMIT 1').raw().get()).toEqual(['OK-1', 'region']);
    // Then OK-1's row is settled (deleted) and REV-1, checked after it, gets a new row.
    sealedCommand("UPDATE applications SET district = '蓬江区' WHERE application_id = 'OK-1'; UPDATE applications SET ready_to_implement = 0 WHERE application_id = 'REV-1'");
    check(op, { roundId: 'R1' });
    const seq = db.prepare("SELECT max(seq) FROM events WHERE command = 'check'").pluck().get();
    expect(db.prepare("SELECT key, hash IS NULL FROM row_seals WHERE tbl = 'eligibility_results' AND seq = ? ORDER BY key").raw().all(seq)).toEqual([
      ['["OK-1","region"]', 1],
      ['["REV-1","ready"]', 0],
    ]);
    expect(runChecks(db).problems.filter((p) => p.ref.table?.startsWith('eligibility'))).toEqual([]);
  });

  it('writes each status in application_eligibility and never the application rows; a check that changes no status seals none', () => {
    const { db, op } = round();
    inTransaction(db, () => {
      db.exec("UPDATE applications SET updated_at = '2022-05-01T00:00:00.000Z'");
      appendEvent(db, { at: '2022-05-01T08:00:00.000Z', officer: 'tester', command: 'import', roundId: 'R1' });
    });
    const rows = () => db.prepare('SELECT * FROM applications ORDER BY application_id').all();
    const before = rows();
    const statuses = () => db.prepare('SELECT application_id, eligibility FROM application_eligibility ORDER BY 1').raw().all();
    const sealsOf = (command: string) =>
      db.prepare(`SELECT tbl, count(*) FROM row_seals WHERE seq = (SELECT max(seq) FROM events WHERE command = ?) GROUP BY 1 ORDER BY 1`).raw().all(command);
    check(op, { roundId: 'R1' });
    expect(rows()).toEqual(before);
    expect(statuses()).toEqual([
      ['BAD-1', 'ineligible'],
      ['DUP-1', 'needs-review'],
      ['DUP-2', 'needs-review'],
      ['OK-1', 'eligible'],
      ['REV-1', 'needs-review'],
    ]);
    // The states before allocation read as the statuses.
    expect(db.prepare(`SELECT application_id, ${stateSql(db, 'a')} FROM applications a ORDER BY 1`).raw().all()).toEqual(statuses());
    expect(sealsOf('check')).toEqual([
      ['application_eligibility', 5],
      ['eligibility_checks', 1],
      ['eligibility_results', 5],
    ]);
    // Again, nothing changed: the check's own row only, and no empty digest of a table it wrote nothing to.
    check(op, { roundId: 'R1' });
    expect(sealsOf('check')).toEqual([['eligibility_checks', 1]]);
    const sealed = db.prepare("SELECT sealed FROM events WHERE command = 'check' ORDER BY seq DESC LIMIT 1").pluck().get() as string;
    expect(Object.keys(JSON.parse(sealed) as object)).toEqual(['eligibility_checks']);
    // A decision moves one status, and only it.
    decide(op, { applicationId: 'REV-1', rule: 'region', outcome: 'pass', reason: 'licence address in Taishan' });
    expect(sealsOf('decide')).toEqual([
      ['application_eligibility', 1],
      ['eligibility_decisions', 1],
      ['eligibility_results', 1],
    ]);
    expect(rows()).toEqual(before);
    expect(runChecks(db).problems.filter((p) => p.ref.table !== 'applications')).toEqual([]);
  });
});

describe('decide', () => {
  it('settles a needs-review item with one event, names the officer and the new status, and replaces an earlier decision', () => {
    const { db, op } = round();
    check(op, { roundId: 'R1' });
    const d = decide(op, { applicationId: ' REV-1 ', rule: 'region', outcome: 'pass', reason: '  licence address in Taishan ' });
    expect(d).toMatchObject({ applicationId: 'REV-1', rule: 'region', outcome: 'pass', reason: 'licence address in Taishan', decidedBy: 'tester', status: 'eligible', replaces: null });
    const again = decide(opContextFor(db, '李工'), { applicationId: 'REV-1', rule: 'region', outcome: 'fail', reason: 'address is a mailbox' });
    expect(again).toMatchObject({ status: 'ineligible', replaces: { decidedBy: 'tester', outcome: 'pass', reason: 'licence address in Taishan' } });
    const ev = eventsOf(db, 'decide');
    expect(ev.map((e) => [e.officer, e.details.outcome])).toEqual([
      ['tester', 'pass'],
      ['李工', 'fail'],
    ]);
  });

  it('stores the reason exactly as typed: full-width punctuation is not folded to ASCII', () => {
    const { db, op } = round();
    check(op, { roundId: 'R1' });
    const typed = '分公司，非独立法人：应由总公司申报（见营业执照）';
    expect(decide(op, { applicationId: 'REV-1', rule: 'region', outcome: 'fail', reason: ` ${typed}　` }).reason).toBe(typed);
    expect(eventsOf(db, 'decide')[0].details.reason).toBe(typed);
  });

  it('refuses without a reason, an unknown rule or application (exit 2), and a rule that is not needs-review or not checked (exit 3); nothing is logged', () => {
    const { db, op } = round();
    const before = thrown(() => decide(op, { applicationId: 'REV-1', rule: 'region', outcome: 'pass', reason: 'x' }));
    expect(before).toBeInstanceOf(RefusedError);
    expect(before.text!.en).toContain('has not been checked');
    check(op, { roundId: 'R1' });
    const cases: [Parameters<typeof decide>[1], number, string][] = [
      [{ applicationId: 'REV-1', rule: 'region', outcome: 'pass', reason: '  ' }, 2, 'needs a reason'],
      [{ applicationId: 'REV-1', rule: 'regio', outcome: 'pass', reason: 'x' }, 2, 'unknown rule "regio"'],
      [{ applicationId: 'NOPE', rule: 'region', outcome: 'pass', reason: 'x' }, 2, 'no application NOPE'],
      [{ applicationId: 'OK-1', rule: 'region', outcome: 'fail', reason: 'x' }, 3, 'not needs-review'],
      [{ applicationId: 'REV-1', rule: 'region', outcome: 'pass', reason: 'x', expectedHash: 'stale' }, 3, 'checked again while you were reviewing'],
    ];
    for (const [input, code, words] of cases) {
      const e = thrown(() => decide(op, input));
      expect(e.exitCode, words).toBe(code);
      expect(e.text!.en).toContain(words);
    }
    expect(eventsOf(db, 'decide')).toEqual([]);
  });
});

describe('reviewItems', () => {
  it('lists the open needs-review items in application and rule order, fewer as they are decided; refused before a check', () => {
    const { op } = round();
    const e = thrown(() => reviewItems(op, { roundId: 'R1' }));
    expect(e).toBeInstanceOf(RefusedError);
    expect(e.exitCode).toBe(3);
    check(op, { roundId: 'R1' });
    const { items } = reviewItems(op, { roundId: 'R1' });
    expect(items.map((i) => [i.applicationId, i.result.rule])).toEqual([
      ['DUP-1', 'duplicate'],
      ['DUP-2', 'duplicate'],
      ['REV-1', 'region'],
    ]);
    // The evidence the officer saw is the evidence the decision is recorded on.
    const first = items[0];
    decide(op, { applicationId: first.applicationId, rule: first.result.rule, outcome: 'pass', reason: 'seen', expectedHash: first.result.evidenceHash });
    expect(reviewItems(op, { roundId: 'R1' }).items).toHaveLength(2);
  });
});
