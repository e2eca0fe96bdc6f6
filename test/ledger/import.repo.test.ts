import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ImportedApplication } from '../../src/domain/import-row.js';
import { computeCheckChar, computeOrgCheckChar } from '../../src/domain/uscc.js';
import {
  ApplicationImportSession,
  applicationEvents,
  applicationRecord,
  contentHash,
  countApplications,
  generatedId,
  iterateApplications,
  nextGeneratedNumber,
  withContentHash,
} from '../../src/ledger/import.repo.js';
import { SideListImportSession, listSideList, sideListInsertRow, sideListRowHash } from '../../src/ledger/side-lists.repo.js';
import { appendEvent } from '../../src/ledger/events.js';
import { inTransaction, type Db } from '../../src/ledger/open.js';
import { runChecks } from '../../src/ledger/verify/index.js';
import { insertRound } from '../../src/ledger/rounds.repo.js';
import { loadPolicy } from '../../src/io/policies.js';
import { ledgerWithRound } from '../helpers.js';

const usccFor = (n: number): string => {
  const body = `MA${String(n).padStart(6, '0')}`;
  const first17 = `91440703${body}${computeOrgCheckChar(body)}`;
  return first17 + computeCheckChar(first17);
};

const app = (over: Partial<ImportedApplication> = {}): ImportedApplication => ({
  applicationId: null,
  roundId: 'R1',
  enterpriseName: '江门市某某有限公司',
  uscc: usccFor(1),
  district: '蓬江区',
  establishedOn: '2015-01-01',
  independentLegalPerson: true,
  category: 'sme-cloud',
  cluster: null,
  projectName: '设备上云',
  totalInvestmentFen: 50_000_000,
  requestedAmountFen: 40_000_000,
  employees: 100,
  annualRevenueFen: 1_000_000_000,
  otherFiscalSupport: false,
  pastProjectsCompliant: true,
  creditGood: true,
  majorAccident: false,
  readyToImplement: true,
  trainingEvents: null,
  trainees: null,
  submittedOn: '2022-03-10',
  extra: {},
  ...over,
});

const src = (line: number) => ({ file: 'a.csv', line, sha256: 'f'.repeat(64) });

let db: Db;
afterEach(() => db?.close());

function session(opts: { update?: boolean; round?: string } = {}): ApplicationImportSession {
  return new ApplicationImportSession(db, opts.round ?? 'R1', { update: !!opts.update, now: '2022-03-20T00:00:00.000Z' });
}
const count = () => (db.prepare('SELECT count(*) AS n FROM applications').get() as { n: number }).n;

describe('ApplicationImportSession', () => {
  it('inserts new applications and generates ROUND-NNNN ids after the largest one', () => {
    db = ledgerWithRound('R1').db;
    db.exec('BEGIN');
    const s = session();
    expect(s.accept(app({ applicationId: 'R1-0007', uscc: usccFor(7) }), src(2))).toEqual({ kind: 'new', applicationId: 'R1-0007' });
    db.exec('COMMIT');
    expect(nextGeneratedNumber(db, 'R1')).toBe(8);
    db.exec('BEGIN');
    const s2 = session();
    expect(s2.accept(app(), src(2))).toEqual({ kind: 'new', applicationId: 'R1-0008' });
    expect(s2.accept(app({ projectName: '另一个项目' }), src(3))).toEqual({ kind: 'new', applicationId: 'R1-0009' });
    db.exec('COMMIT');
    expect(generatedId('R1', 12345)).toBe('R1-12345');
  });

  it('skips a generated id that an explicit id already took', () => {
    db = ledgerWithRound('R1').db;
    db.exec('BEGIN');
    const s = session();
    expect(s.accept(app(), src(2))).toMatchObject({ applicationId: 'R1-0001' });
    expect(s.accept(app({ applicationId: 'R1-0002', projectName: 'p2' }), src(3))).toMatchObject({ kind: 'new' });
    expect(s.accept(app({ projectName: 'p3' }), src(4))).toEqual({ kind: 'new', applicationId: 'R1-0003' });
    db.exec('COMMIT');
  });

  it('a repeat with the same content is already there; a repeat by USCC and project keeps its id', () => {
    db = ledgerWithRound('R1').db;
    db.exec('BEGIN');
    session().accept(app({ applicationId: 'A1' }), src(2));
    db.exec('COMMIT');
    db.exec('BEGIN');
    const s = session();
    expect(s.accept(app({ applicationId: 'A1' }), src(2))).toEqual({ kind: 'unchanged', applicationId: 'A1' });
    db.exec('ROLLBACK');
    db.exec('BEGIN');
    expect(session().accept(app(), src(9))).toEqual({ kind: 'unchanged', applicationId: 'A1' });
    db.exec('ROLLBACK');
    expect(count()).toBe(1);
  });

  it('a repeat with other values is an error naming the fields, or an update with --update', () => {
    db = ledgerWithRound('R1').db;
    db.exec('BEGIN');
    session().accept(app({ applicationId: 'A1', extra: { 备注: 'a' } }), src(2));
    db.exec('COMMIT');
    db.exec('BEGIN');
    const changed = app({ applicationId: 'A1', requestedAmountFen: 39_000_000, extra: { 备注: 'b' } });
    const e = session().accept(changed, src(5));
    expect(e.kind).toBe('error');
    if (e.kind === 'error') expect(e.text.en).toBe('application A1 is already in the ledger with different values: requested_amount (400,000.00 → 390,000.00), extra.备注 (a → b); use --update to replace them');
    // In Chinese by the columns' §5 labels, money in yuan.
    if (e.kind === 'error') expect(e.text.zh).toBe('申报 A1 已在账本中，但以下字段不同：申请补贴金额（400,000.00 元 → 390,000.00 元）、备注（a → b）；如要以文件为准，请加 --update');
    const u = session({ update: true }).accept(changed, src(5));
    expect(u).toEqual({
      kind: 'updated',
      applicationId: 'A1',
      stateBefore: 'imported',
      changes: [
        { field: 'requested_amount_fen', old: 40_000_000, new: 39_000_000 },
        { field: 'extra.备注', old: 'a', new: 'b' },
      ],
    });
    db.exec('COMMIT');
    const row = db.prepare('SELECT requested_amount_fen, extra_json, source_line, content_hash FROM applications').get() as Record<string, unknown>;
    expect(row).toEqual({ requested_amount_fen: 39_000_000, extra_json: '{"备注":"b"}', source_line: 5, content_hash: contentHash(changed) });
  });

  it('does not update an application past scoring', () => {
    db = ledgerWithRound('R1').db;
    db.exec('BEGIN');
    session().accept(app({ applicationId: 'A1' }), src(2));
    db.exec("COMMIT; UPDATE applications SET state = 'scored'");
    db.exec('BEGIN');
    const e = session({ update: true }).accept(app({ applicationId: 'A1', employees: 5 }), src(2));
    expect(e.kind === 'error' && e.text.en).toContain('is in state "scored"');
    db.exec('ROLLBACK');
  });

  it('an id used in another round is an error', () => {
    db = ledgerWithRound('R1').db;
    const { policy, hash } = loadPolicy();
    insertRound(db, { roundId: 'R2', opensOn: '2022-03-01', closesOn: '2022-04-30', policyId: policy.id, policyHash: hash, policy, createdAt: 'x', createdBy: 'x', budgets: {} });
    db.exec('BEGIN');
    session().accept(app({ applicationId: 'A1' }), src(2));
    const e = session({ round: 'R2' }).accept(app({ applicationId: 'A1', roundId: 'R2' }), src(2));
    expect(e.kind === 'error' && e.text.en).toBe('application_id A1 is already used in round R1; application ids are unique across the ledger');
    db.exec('ROLLBACK');
  });

  it('a project already in the round under another id is an error', () => {
    db = ledgerWithRound('R1').db;
    db.exec('BEGIN');
    session().accept(app({ applicationId: 'A1' }), src(2));
    db.exec('COMMIT');
    db.exec('BEGIN');
    const e = session().accept(app({ applicationId: 'B7' }), src(2));
    expect(e.kind === 'error' && e.text.en).toContain('already application A1 in this round, but the file gives application_id B7');
    db.exec('ROLLBACK');
  });

  it('the same id or the same project twice in one file with other values is an error on the second, naming the first line', () => {
    db = ledgerWithRound('R1').db;
    db.exec('BEGIN');
    const s = session();
    s.accept(app({ applicationId: 'A1' }), src(2));
    const byId = s.accept(app({ applicationId: 'A1', projectName: 'other' }), src(9));
    // The first line's values are in the ledger: the error says which of them the second row gives otherwise.
    expect(byId.kind === 'error' && byId.text).toEqual({
      zh: '申报编号 A1 在本文件中重复出现（第一次在第 2 行），两行的内容不同（第 2 行 → 本行）：项目名称（设备上云 → other）；请核对，只保留正确的一行',
      en: 'application_id A1 appears twice in this file (first on line 2) with different values (line 2 → this line): project_name (设备上云 → other); keep only the right one of the two rows',
    });
    // The value of the column the error names (the id; the project name), for --json and the errors list.
    expect(byId.kind === 'error' && byId.value).toBe('A1');
    const byProject = s.accept(app({ applicationId: 'A2' }), src(10));
    expect(byProject.kind === 'error' && [byProject.column, byProject.value]).toEqual(['project_name', '设备上云']);
    expect(byProject.kind === 'error' && byProject.text.en).toContain('appear twice in this file (first on line 2, as application A1)');
    const noId = s.accept(app({ requestedAmountFen: 30_000_000, readyToImplement: false, extra: { 备注: '复核' } }), src(11));
    expect(noId.kind === 'error' && noId.text).toEqual({
      zh: `同一企业的同一项目（${usccFor(1)} 设备上云）在本文件中重复出现（第一次在第 2 行），两行的内容不同（第 2 行 → 本行）：申请补贴金额（400,000.00 元 → 300,000.00 元）、具备实施条件（是 → 否）、备注（— → 复核）；请核对，只保留正确的一行`,
      en: `the same enterprise and project (${usccFor(1)} 设备上云) appear twice in this file (first on line 2) with different values (line 2 → this line): requested_amount (400,000.00 → 300,000.00), ready_to_implement (true → false), extra.备注 (— → 复核); keep only the right one of the two rows`,
    });
    expect(count()).toBe(1);
    db.exec('ROLLBACK');
  });

  it('a project given an id after a first line without one names the application that line became, and what differs', () => {
    db = ledgerWithRound('R1').db;
    db.exec('BEGIN');
    const s = session();
    expect(s.accept(app(), src(2))).toEqual({ kind: 'new', applicationId: 'R1-0001' });
    const same = s.accept(app({ applicationId: 'A9' }), src(7));
    expect(same.kind === 'error' && same.text).toEqual({
      zh: `同一企业的同一项目（${usccFor(1)} 设备上云）在本文件中重复出现（第一次在第 2 行，即申报 R1-0001）`,
      en: `the same enterprise and project (${usccFor(1)} 设备上云) appear twice in this file (first on line 2, as application R1-0001)`,
    });
    const other = s.accept(app({ applicationId: 'A9', employees: 120 }), src(8));
    expect(other.kind === 'error' && other.text.en).toBe(
      `the same enterprise and project (${usccFor(1)} 设备上云) appear twice in this file (first on line 2, as application R1-0001) with different values (line 2 → this line): employees (100 → 120); keep only the right one of the two rows`,
    );
    expect(count()).toBe(1);
    db.exec('ROLLBACK');
  });

  it('a row that repeats an earlier row of the file value for value is taken once (SPEC §5: a repeat adds nothing)', () => {
    db = ledgerWithRound('R1').db;
    db.exec('BEGIN');
    const s = session();
    expect(s.accept(app({ applicationId: 'A1' }), src(2)).kind).toBe('new');
    expect(s.accept(app({ applicationId: 'A1' }), src(7))).toEqual({ kind: 'repeated', applicationId: 'A1', firstLine: 2 });
    // Without an id (generated), found by enterprise and project.
    expect(s.accept(app({ projectName: 'p2' }), src(8))).toMatchObject({ kind: 'new', applicationId: 'R1-0001' });
    expect(s.accept(app({ projectName: 'p2' }), src(12))).toEqual({ kind: 'repeated', applicationId: 'R1-0001', firstLine: 8 });
    expect(count()).toBe(2);
    db.exec('ROLLBACK');
  });

  it('a file imported again that repeats a row within itself adds nothing again; a copy of a refused row stays refused', () => {
    db = ledgerWithRound('R1').db;
    db.exec('BEGIN');
    session().accept(app({ applicationId: 'A1' }), src(2));
    session().accept(app({ applicationId: 'B1', projectName: 'b' }), src(3));
    db.exec('COMMIT');
    db.exec('BEGIN');
    const s = session();
    expect(s.accept(app({ applicationId: 'A1' }), src(2)).kind).toBe('unchanged');
    expect(s.accept(app({ applicationId: 'A1' }), src(5))).toEqual({ kind: 'repeated', applicationId: 'A1', firstLine: 2 });
    // B1 with other values (no --update): refused; a later copy with the ledger's values is not a copy of line 3.
    expect(s.accept(app({ applicationId: 'B1', projectName: 'b', requestedAmountFen: 1 }), src(3)).kind).toBe('error');
    const late = s.accept(app({ applicationId: 'B1', projectName: 'b' }), src(6));
    expect(late.kind === 'error' && late.text.en).toContain('(first on line 3)');
    db.exec('ROLLBACK');
  });

  it('with --update, a copy of the updating row is taken once; a copy with the old values is an error', () => {
    db = ledgerWithRound('R1').db;
    db.exec('BEGIN');
    session().accept(app({ applicationId: 'A1' }), src(2));
    db.exec('COMMIT');
    db.exec('BEGIN');
    const s = session({ update: true });
    expect(s.accept(app({ applicationId: 'A1', requestedAmountFen: 1 }), src(2)).kind).toBe('updated');
    expect(s.accept(app({ applicationId: 'A1', requestedAmountFen: 1 }), src(3))).toEqual({ kind: 'repeated', applicationId: 'A1', firstLine: 2 });
    const old = s.accept(app({ applicationId: 'A1' }), src(4));
    expect(old.kind === 'error' && old.text.en).toContain('(first on line 2)');
    db.exec('ROLLBACK');
  });

  it('remembers repeats and bad rows, so a later copy is still caught', () => {
    db = ledgerWithRound('R1').db;
    db.exec('BEGIN');
    session().accept(app({ applicationId: 'A1' }), src(2));
    db.exec('COMMIT');
    db.exec('BEGIN');
    const s = session();
    expect(s.accept(app({ applicationId: 'A1' }), src(2)).kind).toBe('unchanged');
    const again = s.accept(app({ applicationId: 'A1', requestedAmountFen: 1 }), src(3));
    expect(again.kind === 'error' && again.text.en).toContain('(first on line 2)');
    // A bad row on line 4 holds id B1; the good row on line 5 with B1 is its repeat.
    expect(s.duplicateInFile({ applicationId: 'B1', uscc: null, projectName: null }, 4)).toBeNull();
    s.noteSeen({ applicationId: 'B1', uscc: null, projectName: null }, 4);
    const late = s.accept(app({ applicationId: 'B1', projectName: 'p' }), src(5));
    expect(late.kind === 'error' && late.text.en).toContain('(first on line 4)');
    db.exec('ROLLBACK');
  });

  it('keeps the content hash of earlier ledgers: SHA-256 of the JSON array of the values, extra with sorted keys', () => {
    const formula = (a: ImportedApplication): string =>
      createHash('sha256')
        .update(
          JSON.stringify([
            a.enterpriseName, a.uscc, a.district, a.establishedOn, a.independentLegalPerson ? 1 : 0, a.category, a.cluster, a.projectName,
            a.totalInvestmentFen, a.requestedAmountFen, a.employees, a.annualRevenueFen, a.otherFiscalSupport ? 1 : 0, a.pastProjectsCompliant ? 1 : 0,
            a.creditGood ? 1 : 0, a.majorAccident ? 1 : 0, a.readyToImplement ? 1 : 0, a.trainingEvents, a.trainees, a.submittedOn,
            JSON.stringify(a.extra, Object.keys(a.extra).sort()),
          ]),
        )
        .digest('hex');
    db = ledgerWithRound('R1').db;
    let n = 0;
    for (const extra of [{}, { 备注: '无' }, { 备注: 'a', '10': 'x', '9': 'y', b: '' }] as Record<string, string>[]) {
      const a = app({ applicationId: `H${++n}`, uscc: usccFor(n), extra, cluster: 'x', employees: null });
      expect(contentHash(a)).toBe(formula(a));
      // The hash is left to the import worker (withContentHash) or to acceptRecord, which stores it.
      const rec = applicationRecord(a, 7);
      expect(rec).toHaveLength(24);
      expect([rec[0], rec[22], rec[23]]).toEqual([`H${n}`, 7, null]);
      expect(withContentHash([...rec])[23]).toBe(formula(a));
      db.exec('BEGIN');
      expect(session().acceptRecord(rec, src(7)).kind).toBe('new');
      db.exec('COMMIT');
      expect(db.prepare('SELECT content_hash FROM applications WHERE application_id = ?').pluck().get(`H${n}`)).toBe(formula(a));
    }
  });

  it('links exactly the new rows, whether the ledger held fewer or more rows before', () => {
    db = ledgerWithRound('R1').db;
    for (const [before, added] of [
      [0, 1001],
      [1500, 1001],
    ]) {
      db.exec("DELETE FROM event_apps; DELETE FROM events; DELETE FROM ledger_meta; DELETE FROM applications");
      db.exec('BEGIN');
      const old = session();
      for (let i = 0; i < before; i++) old.accept(app({ projectName: `old${i}` }), src(i + 2));
      db.exec('COMMIT');
      db.exec('BEGIN');
      const s = session();
      // Out of id order, as a file may be: the links do not depend on it.
      for (let i = added - 1; i >= 0; i--) s.accept(app({ applicationId: `N${String(i).padStart(5, '0')}`, projectName: `new${i}` }), src(i + 2));
      const ev = appendEvent(db, { at: 'x', officer: 'o', command: 'import', roundId: 'R1', appIds: [] });
      s.linkNewRows(ev);
      db.exec('COMMIT');
      const linked = db.prepare('SELECT application_id FROM event_apps WHERE seq = ? ORDER BY application_id').pluck().all(ev.seq) as string[];
      expect(linked, `${before} before`).toEqual(Array.from({ length: added }, (_, i) => `N${String(i).padStart(5, '0')}`));
    }
  });

  it('links more than 1,000 new rows to the event through SQL', () => {
    db = ledgerWithRound('R1').db;
    db.exec('BEGIN');
    const s = session();
    for (let i = 0; i < 1001; i++) s.accept(app({ projectName: `p${i}` }), src(i + 2));
    expect(s.newApplicationIds()).toBeNull();
    const ev = appendEvent(db, { at: 'x', officer: 'o', command: 'import', roundId: 'R1', appIds: [] });
    s.linkNewRows(ev);
    db.exec('COMMIT');
    expect((db.prepare('SELECT count(*) AS n FROM event_apps').get() as { n: number }).n).toBe(1001);
    expect(applicationEvents(db, 'R1-1001').map((e) => e.command)).toEqual(['import']);
    expect([...iterateApplications(db, { roundId: 'R1', category: 'sme-cloud' })]).toHaveLength(1001);
    expect([...iterateApplications(db, { state: 'eligible' })]).toHaveLength(0);
  });

  it('reads rows back whole, the first N of them or all, and counts what it would read, over one round or every one', () => {
    db = ledgerWithRound('R1').db;
    const { policy, hash } = loadPolicy();
    insertRound(db, { roundId: 'R0', opensOn: '2022-03-01', closesOn: '2022-04-30', policyId: policy.id, policyHash: hash, policy, createdAt: 'x', createdBy: 'x', budgets: {} });
    db.exec('BEGIN');
    const r1 = session();
    for (let i = 0; i < 7; i++) r1.accept(app({ projectName: `p${i}`, category: i % 2 ? 'sme-cloud' : 'talent-training', trainingEvents: 12, trainees: 600 }), src(i + 2));
    const r0 = session({ round: 'R0' });
    for (let i = 0; i < 3; i++) r0.accept(app({ projectName: `q${i}` }), src(i + 2));
    db.exec('COMMIT');
    const stored = db.prepare('SELECT * FROM applications ORDER BY round_id, application_id').all();
    // Every column, as SQLite gives the row (the state as read: nothing allocated yet, the stored one).
    expect([...iterateApplications(db, {})]).toEqual(stored);
    for (const f of [{}, { roundId: 'R1' }, { roundId: 'R0' }, { category: 'sme-cloud' }, { roundId: 'R1', category: 'talent-training' }, { state: 'eligible' }, { state: 'imported' }]) {
      const all = [...iterateApplications(db, f)];
      expect(countApplications(db, f), JSON.stringify(f)).toBe(all.length);
      for (const n of [0, 1, 3, 4, 100]) expect([...iterateApplications(db, f, n)], `${JSON.stringify(f)} first ${n}`).toEqual(all.slice(0, n));
    }
    expect(countApplications(db, {})).toBe(10);
    expect(countApplications(db, { category: 'sme-cloud' })).toBe(6);
  });
});

describe('SideListImportSession', () => {
  it('adds a row once, whatever file it comes from', () => {
    db = ledgerWithRound('R1').db;
    const rec = { kind: 'accidents' as const, row: { uscc: usccFor(1), occurredOn: '2021-08-10', kind: 'safety' as const, description: 'x' } };
    inTransaction(db, () => {
      const s = new SideListImportSession(db, 'accidents');
      expect(s.accept(sideListInsertRow(rec), 'a.csv', 2)).toBe(true);
      expect(s.accept(sideListInsertRow(rec), 'b.csv', 9)).toBe(false);
      expect(s.accept(sideListInsertRow({ ...rec, row: { ...rec.row, kind: 'quality' } }), 'b.csv', 10)).toBe(true);
      s.noteNewRows();
      appendEvent(db, { at: '2022-03-02T00:00:00.000Z', officer: 'o', command: 'lists import' });
    });
    expect(listSideList(db, 'accidents', usccFor(1))).toEqual([
      { uscc: usccFor(1), date: '2021-08-10', kind: 'safety', description: 'x', source_file: 'a.csv', source_line: 2 },
      { uscc: usccFor(1), date: '2021-08-10', kind: 'quality', description: 'x', source_file: 'b.csv', source_line: 10 },
    ]);
    expect(listSideList(db, 'accidents', usccFor(2))).toEqual([]);
    expect(sideListRowHash(rec)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('seals the rows it inserts in bulk, and the table\'s trigger notes later rows again', () => {
    const l = ledgerWithRound('R1');
    db = l.db;
    const rec = (n: number) => ({ kind: 'credit' as const, row: { uscc: usccFor(n), list: 'serious-dishonesty' as const, listedOn: '2021-06-01', removedOn: null } });
    inTransaction(db, () => {
      const s = new SideListImportSession(db, 'credit');
      for (let n = 1; n <= 50; n++) expect(s.accept(sideListInsertRow(rec(n)), 'credit.csv', n + 1)).toBe(true);
      s.noteNewRows();
      appendEvent(db, { at: '2022-03-02T00:00:00.000Z', officer: 'o', command: 'lists import' });
    });
    const sealed = () => db.prepare("SELECT count(*) FROM row_seals WHERE tbl = 'credit_listings'").pluck().get();
    expect(sealed()).toBe(50);
    // A row written after the import, by another command, is noted by the trigger the import put back.
    inTransaction(db, () => {
      db.prepare("INSERT INTO credit_listings (uscc, list, listed_on, removed_on, source_file, source_line, row_hash) VALUES (?, 'abnormal-operations', '2020-01-01', NULL, 'x.csv', 2, 'h')").run(usccFor(99));
      appendEvent(db, { at: '2022-03-03T00:00:00.000Z', officer: 'o', command: 'lists import' });
    });
    expect(sealed()).toBe(51);
    expect(runChecks(db).problems).toEqual([]);
    // Behind jmfund's back: verify names the row.
    db.exec("UPDATE credit_listings SET list = 'abnormal-operations' WHERE source_line = 7");
    expect(runChecks(db).problems.map((p) => [p.check, p.ref.table])).toEqual([['chain.rows', 'credit_listings']]);
  });

  it('leaves nothing behind when its transaction rolls back: no row, no seal, the trigger in place', () => {
    db = ledgerWithRound('R1').db;
    const rec = { kind: 'violations' as const, row: { uscc: usccFor(3), occurredOn: '2020-11-05', description: '逾期' } };
    expect(() =>
      inTransaction(db, () => {
        new SideListImportSession(db, 'violations').accept(sideListInsertRow(rec), 'v.csv', 2);
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(db.prepare('SELECT count(*) FROM violations').pluck().get()).toBe(0);
    expect(db.prepare("SELECT count(*) FROM sqlite_temp_master WHERE name = 'jm_seal_violations_i'").pluck().get()).toBe(1);
    expect(db.prepare('SELECT count(*) FROM row_seals').pluck().get()).toBe(0);
  });
});
