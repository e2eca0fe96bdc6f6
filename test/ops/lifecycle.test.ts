// The lifecycle operations called directly on a ledger file, without a
// process: what each returns, what it writes, and what it refuses (exit 2 for
// a usage error, 3 for a refusal) without changing anything.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/domain/errors.js';
import { insertPayment } from '../../src/ledger/payments.repo.js';
import type { Db } from '../../src/ledger/open.js';
import { stateSql } from '../../src/ledger/states.js';
import { accept } from '../../src/ops/acceptance.js';
import { orderClawback, recover } from '../../src/ops/clawbacks.js';
import type { OpContext } from '../../src/ops/context.js';
import { finalize, setAward } from '../../src/ops/filing.js';
import { addObjection, listObjections, publicize, resolveObjection } from '../../src/ops/notice.js';
import { disburse } from '../../src/ops/payments.js';
import { drawSpotCheck, recordFinding } from '../../src/ops/spot-checks.js';
import { roundStatus } from '../../src/ops/status.js';
import { verifyLedger } from '../../src/ops/verify.js';
import { APPS, fen, lifecycleLedger, storeVersion } from '../../fixtures/lifecycle/seed.js';

/** An operation context whose day the test moves forward. */
function opsOn(db: Db): OpContext & { day: string } {
  const op = { db, officer: 'tester', day: '2022-05-30', now: () => `${op.day}T08:00:00.000Z`, today: () => op.day };
  return op;
}

/** The UserError (or RefusedError) the call throws; fails the test if it returns. */
async function refusal(fn: () => unknown): Promise<UserError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a refusal, the operation succeeded');
}

// As every command reads it (ledger/states.ts): notice items and filed awards make in-notice and filed.
const stateOf = (db: Db, id: string): string => db.prepare(`SELECT ${stateSql(db, 'a')} FROM applications a WHERE a.application_id = ?`).pluck().get(id) as string;
const events = (db: Db): string[] => db.prepare('SELECT command FROM events ORDER BY seq').pluck().all() as string[];
const noList = null;

/** Version 1 of the fixture on notice from 2022-05-30 for 7 days (through 2022-06-05). */
async function onNotice() {
  const l = lifecycleLedger();
  storeVersion(l.db, 'R1', { A1: 300_000, A2: 200_000, A3: 100_000, T1: 800_000 });
  const op = opsOn(l.db);
  const notice = await publicize(op, { roundId: 'R1', from: '2022-05-30', days: 7, listFile: noList });
  return { ...l, op, notice };
}

/** The same, filed on 2022-06-06. */
async function filed() {
  const l = await onNotice();
  l.op.day = '2022-06-06';
  finalize(l.op, { roundId: 'R1', filedOn: '2022-06-06' });
  return l;
}

describe('publicize', () => {
  it('puts the proposed awards on a notice of the policy minimum and writes the list built by the caller', async () => {
    const { db, dir } = lifecycleLedger();
    storeVersion(db, 'R1', { A1: 300_000, A2: 200_000, A3: 100_000, T1: 800_000 });
    const path = join(dir, 'list.csv');
    const r = await publicize(opsOn(db), { roundId: 'R1', from: '2022-05-30', days: null, listFile: { path, force: false } });
    expect(r).toMatchObject({ roundId: 'R1', noticeId: 1, allocationVersion: 1, article: '11', out: path, totalFen: fen(1_400_000) });
    expect(r.period).toEqual({ startsOn: '2022-05-30', days: 7, endsOn: '2022-06-05', fileFrom: '2022-06-06' });
    expect(r.items.map((i) => i.application_id)).toEqual(['A1', 'A2', 'A3', 'T1']);
    expect(['A1', 'A2', 'A3', 'T1'].map((id) => stateOf(db, id))).toEqual(['in-notice', 'in-notice', 'in-notice', 'in-notice']);
    const csv = readFileSync(path, 'utf8');
    expect(csv).toMatch(/^\uFEFF/);
    expect(csv).toContain('序号,所属区（市）,企业名称,统一社会信用代码,项目名称,支持类别,拟补助金额（元）');
    expect(csv.split(/\r?\n/).filter((l) => /^\d+,/.test(l))).toHaveLength(4);
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
    expect(events(db).filter((c) => c === 'publicize')).toHaveLength(1);
  });

  it('refuses a notice shorter than the minimum, a round with nothing proposed, and an existing list file, changing nothing', async () => {
    const { db, dir } = lifecycleLedger();
    const op = opsOn(db);
    const path = join(dir, 'list.csv');
    const listFile = { path, force: false };
    const none = await refusal(() => publicize(op, { roundId: 'R1', from: '2022-05-30', days: null, listFile }));
    expect(none.exitCode).toBe(3);
    expect(none.text.en).toMatch(/no proposed award.*scored 6/);
    // The counts by state in the officer's language: labels, not ledger codes.
    expect(none.text.zh).toMatch(/各状态：[^。]*已评分 6/);
    expect(none.text.zh).not.toMatch(/各状态：[^。]*scored/);
    expect(existsSync(path)).toBe(false);
    storeVersion(db, 'R1', { A1: 300_000 });
    const short = await refusal(() => publicize(op, { roundId: 'R1', from: '2022-05-30', days: 6, listFile: noList }));
    expect(short.exitCode).toBe(3);
    expect(short.text.en).toContain('shorter than the minimum of 7 days');
    writeFileSync(path, 'old');
    const exists = await refusal(() => publicize(op, { roundId: 'R1', from: '2022-05-30', days: 7, listFile }));
    expect(exists.exitCode).toBe(2);
    expect(readFileSync(path, 'utf8')).toBe('old');
    const unknown = await refusal(() => publicize(op, { roundId: 'R9', from: '2022-05-30', days: 7, listFile: noList }));
    expect(unknown.exitCode).toBe(2);
    expect(stateOf(db, 'A1')).toBe('proposed');
    expect(events(db)).not.toContain('publicize');
  });

  it('refuses a version that would change an amount already on notice', async () => {
    const { db, op } = await onNotice();
    storeVersion(db, 'R1', { A1: 250_000, A2: 200_000, A3: 100_000, A4: 50_000, T1: 800_000 });
    const e = await refusal(() => publicize(op, { roundId: 'R1', from: '2022-06-01', days: 7, listFile: noList }));
    expect(e.exitCode).toBe(3);
    expect(e.text.en).toContain('an award on notice cannot change');
    expect(stateOf(db, 'A4')).toBe('proposed');
  });
});

describe('objections and filing', () => {
  it('admits a named objection in time, records an anonymous one as not accepted, and lists them', async () => {
    const { op } = await onNotice();
    op.day = '2022-06-01';
    const open = addObjection(op, { applicationId: 'A2', receivedOn: '2022-06-01', fromName: '张三', text: '材料不实' });
    expect(open).toMatchObject({ objection_id: 1, application_id: 'A2', status: 'open', not_accepted_reason: null, notice_id: 1, created_by: 'tester' });
    const anon = addObjection(op, { applicationId: 'A3', receivedOn: '2022-06-01', fromName: null, text: '匿名' });
    expect(anon).toMatchObject({ status: 'not-accepted', not_accepted_reason: 'anonymous' });
    expect(listObjections(op, { roundId: 'R1', status: 'open' }).map((o) => o.objection_id)).toEqual([1]);
    expect((await refusal(() => addObjection(op, { applicationId: 'NOPE', receivedOn: '2022-06-01', fromName: 'x', text: 'y' }))).exitCode).toBe(2);
  });

  it('refuses to file a round with nothing on notice, counting its applications by state in both languages', async () => {
    const { db } = lifecycleLedger();
    const none = await refusal(() => finalize(opsOn(db), { roundId: 'R1', filedOn: '2022-06-06' }));
    expect(none.exitCode).toBe(3);
    expect(none.text.en).toMatch(/nothing in-notice to file\. By state: [^.]*scored 6/);
    expect(none.text.zh).toMatch(/没有公示中（in-notice）的申报可以备案。各状态：[^。]*已评分 6/);
  });

  it('refuses to file before the notice has ended (exit 3) and while an admitted objection is open', async () => {
    const { db, op } = await onNotice();
    op.day = '2022-06-05';
    const early = await refusal(() => finalize(op, { roundId: 'R1', filedOn: '2022-06-05' }));
    expect(early.exitCode).toBe(3);
    expect(early.text.en).toContain('allowed from 2022-06-06');
    addObjection(op, { applicationId: 'A2', receivedOn: '2022-06-05', fromName: '张三', text: 'x' });
    op.day = '2022-06-06';
    const open = await refusal(() => finalize(op, { roundId: 'R1', filedOn: '2022-06-06' }));
    expect(open.exitCode).toBe(3);
    expect(open.text.en).toContain('#1 (A2)');
    expect(stateOf(db, 'A1')).toBe('in-notice');
    expect(events(db)).not.toContain('finalize');
  });

  it('withdraws the award on an upheld objection, once, then files the rest', async () => {
    const { db, op } = await onNotice();
    op.day = '2022-06-02';
    addObjection(op, { applicationId: 'A2', receivedOn: '2022-06-02', fromName: '张三', text: 'x' });
    const r = resolveObjection(op, { objectionId: 1, status: 'upheld', note: '属实', on: '2022-06-02' });
    expect(r).toMatchObject({ before: 'in-notice', after: 'withdrawn', objection: { status: 'upheld', resolution_note: '属实', resolved_on: '2022-06-02' } });
    expect(stateOf(db, 'A2')).toBe('withdrawn');
    expect((await refusal(() => resolveObjection(op, { objectionId: 1, status: 'dismissed', note: 'x', on: '2022-06-02' }))).exitCode).toBe(3);
    expect((await refusal(() => resolveObjection(op, { objectionId: 9, status: 'dismissed', note: 'x', on: '2022-06-02' }))).exitCode).toBe(2);
    op.day = '2022-06-06';
    const f = finalize(op, { roundId: 'R1', filedOn: '2022-06-06' });
    expect(f.filing).toMatchObject({ award_count: 3, total_fen: fen(1_200_000) });
    expect(f.filing.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(f.filed.map((i) => i.application_id)).toEqual(['A1', 'A3', 'T1']);
    expect(f.notOnNotice).toEqual([]);
    expect(stateOf(db, 'A1')).toBe('filed');
  });

  it('reads in-notice and filed from the notice items and the filed awards: no application row is rewritten or sealed again', async () => {
    const { db, path } = lifecycleLedger();
    storeVersion(db, 'R1', { A1: 300_000, A2: 200_000, A3: 100_000, T1: 800_000 });
    const ids = ['A1', 'A2', 'A3', 'T1'];
    const stored = () => db.prepare('SELECT application_id, state, updated_at FROM applications ORDER BY application_id').all();
    const sealedRows = () => db.prepare(`SELECT count(*) FROM row_seals WHERE tbl = 'applications' AND seq = (SELECT max(seq) FROM events)`).pluck().get();
    const before = stored();
    const op = opsOn(db);
    await publicize(op, { roundId: 'R1', from: '2022-05-30', days: 7, listFile: noList });
    expect(stored()).toEqual(before);
    expect(sealedRows()).toBe(0);
    expect(ids.map((id) => stateOf(db, id))).toEqual(['in-notice', 'in-notice', 'in-notice', 'in-notice']);
    expect(roundStatus(op, { roundId: 'R1' }).states['in-notice']).toEqual({ count: 4, amount_fen: fen(1_400_000) });
    op.day = '2022-06-06';
    expect(finalize(op, { roundId: 'R1', filedOn: '2022-06-06' }).filed.map((i) => i.application_id)).toEqual(ids);
    expect(stored()).toEqual(before);
    expect(sealedRows()).toBe(0);
    expect(ids.map((id) => stateOf(db, id))).toEqual(['filed', 'filed', 'filed', 'filed']);
    // A later step writes the row: the stored state then wins.
    op.day = '2022-07-01';
    accept(op, { applicationId: 'A1', on: '2022-07-01', result: 'pass', actualInvestmentFen: fen(300_000), events: null, trainees: null, note: null });
    expect(stateOf(db, 'A1')).toBe('accepted');
    // verify finds the rows as sealed (the fixture's hand-written version stores no budgets: allocation.budget is about that).
    expect((await verifyLedger(path)).problems.filter((p) => p.check !== 'allocation.budget')).toEqual([]);
  });

  it('files a ledger whose publicize stored in-notice in the rows (before notices were read from their items)', async () => {
    const { db, op } = await onNotice();
    db.prepare(`UPDATE applications SET state = 'in-notice' WHERE application_id IN (SELECT application_id FROM notice_items)`).run();
    expect(stateOf(db, 'A1')).toBe('in-notice');
    op.day = '2022-06-06';
    expect(finalize(op, { roundId: 'R1', filedOn: '2022-06-06' }).filing).toMatchObject({ award_count: 4 });
    expect(['A1', 'A2', 'A3', 'T1'].map((id) => stateOf(db, id))).toEqual(['filed', 'filed', 'filed', 'filed']);
  });

  it('refuses an objection received in time against an award already filed', async () => {
    const { db, op } = await filed();
    const e = await refusal(() => addObjection(op, { applicationId: 'A1', receivedOn: '2022-06-03', fromName: '李四', text: 'x' }));
    expect(e.exitCode).toBe(3);
    expect(e.text.en).toContain('a filed award cannot change');
    expect(db.prepare('SELECT count(*) FROM objections').pluck().get()).toBe(0);
    // Received after the notice: recorded as not accepted, the award stays filed.
    expect(addObjection(op, { applicationId: 'A1', receivedOn: '2022-06-06', fromName: '李四', text: 'x' })).toMatchObject({ status: 'not-accepted', not_accepted_reason: 'after-notice' });
    expect(stateOf(db, 'A1')).toBe('filed');
  });
});

describe('award set (category other)', () => {
  it('sets a manual award in whole units with an approving document; refuses a competitive category', async () => {
    const { db } = lifecycleLedger();
    const op = opsOn(db);
    expect(setAward(op, { applicationId: 'O1', amountFen: fen(500_000), basis: ' 江府办〔2022〕12号 ', on: '2022-05-30' })).toEqual({
      applicationId: 'O1',
      amountFen: fen(500_000),
      basis: '江府办〔2022〕12号',
      on: '2022-05-30',
      state: 'proposed',
    });
    expect((await refusal(() => setAward(op, { applicationId: 'O1', amountFen: 50, basis: '江府办〔2022〕12号', on: '2022-05-30' }))).exitCode).toBe(2);
    expect((await refusal(() => setAward(op, { applicationId: 'O1', amountFen: fen(1), basis: '市政府同意', on: '2022-05-30' }))).exitCode).toBe(2);
    const competitive = await refusal(() => setAward(op, { applicationId: 'A5', amountFen: fen(1000), basis: '江府办〔2022〕12号', on: '2022-05-30' }));
    expect(competitive.exitCode).toBe(3);
    expect(competitive.text.en).toContain('competitive allocation (Art. 8)');
    expect(setAward(op, { applicationId: 'O1', amountFen: 0, basis: '江府办〔2022〕13号', on: '2022-05-30' }).state).toBe('not-funded');
    expect(db.prepare('SELECT count(*) FROM manual_awards').pluck().get()).toBe(2);
  });
});

describe('award set: the limits of any award', () => {
  const basis = '江府办〔2022〕12号';
  const money = (db: Db) => db.prepare('SELECT count(*) FROM manual_awards').pluck().get();

  it('refuses above the requested amount (exit 3), naming it, and writes nothing', async () => {
    const { db } = lifecycleLedger();
    const op = opsOn(db);
    const e = await refusal(() => setAward(op, { applicationId: 'O1', amountFen: fen(90_000_000_000_000), basis, on: '2022-05-30' }));
    expect(e.exitCode).toBe(3);
    expect(e.text.en).toContain("above O1's requested amount of 500,000.00 yuan");
    expect(e.text.zh).toContain('申请金额 500,000.00 元');
    expect((await refusal(() => setAward(op, { applicationId: 'O1', amountFen: fen(500_001), basis, on: '2022-05-30' }))).exitCode).toBe(3);
    expect(money(db)).toBe(0);
    expect(stateOf(db, 'O1')).toBe('eligible');
    expect(events(db)).not.toContain('award set');
  });

  it("refuses above what is left of the category's budget once other awards are counted", async () => {
    const apps = [...APPS, { id: 'O2', category: 'other', requested: 400_000, investment: 1_000_000, score: null, state: 'eligible' }];
    const { db } = lifecycleLedger({ 'sme-cloud': fen(600_000), other: fen(700_000) }, apps);
    const op = opsOn(db);
    setAward(op, { applicationId: 'O1', amountFen: fen(500_000), basis, on: '2022-05-30' });
    const e = await refusal(() => setAward(op, { applicationId: 'O2', amountFen: fen(300_000), basis, on: '2022-05-30' }));
    expect(e.exitCode).toBe(3);
    expect(e.text.en).toContain('200,000.00 yuan (budget 700,000.00 yuan, 500,000.00 yuan allocated to other applications');
    expect(setAward(op, { applicationId: 'O2', amountFen: fen(200_000), basis, on: '2022-05-30' }).state).toBe('proposed');
    // Changing one's own award counts only the others against the budget.
    expect(setAward(op, { applicationId: 'O1', amountFen: fen(500_000), basis: '江府办〔2022〕13号', on: '2022-05-31' }).amountFen).toBe(fen(500_000));
    expect(money(db)).toBe(3);
  });

  it('refuses an application that is not eligible', async () => {
    // Checked again after allocation: its state still allows an award, its status does not.
    const apps = APPS.map((a) => (a.id === 'O1' ? { ...a, eligibility: 'needs-review' as const, state: 'not-funded' } : a));
    const { db } = lifecycleLedger(undefined, apps);
    const e = await refusal(() => setAward(opsOn(db), { applicationId: 'O1', amountFen: fen(100_000), basis, on: '2022-05-30' }));
    expect(e.exitCode).toBe(3);
    expect(e.text.en).toContain('O1 is not eligible');
    expect(money(db)).toBe(0);
  });
});

describe('acceptance, payments, spot checks, clawbacks', () => {
  it('lowers the award to the cap on the actual investment, and fails training that fell short', async () => {
    const { db, op } = await filed();
    op.day = '2022-09-01';
    const a1 = accept(op, { applicationId: 'A1', on: '2022-09-01', result: 'pass', actualInvestmentFen: fen(300_000), events: null, trainees: null, note: null });
    expect(a1).toMatchObject({ applicationId: 'A1', filedAwardFen: fen(300_000), clawbackFen: 0, state: 'accepted', outcome: { result: 'pass', reason: 'lowered-to-cap', capFen: fen(240_000), finalAwardFen: fen(240_000) } });
    expect((await refusal(() => accept(op, { applicationId: 'A1', on: '2022-09-01', result: 'pass', actualInvestmentFen: 1, events: null, trainees: null, note: null }))).exitCode).toBe(3);
    const missing = await refusal(() => accept(op, { applicationId: 'T1', on: '2022-09-01', result: 'pass', actualInvestmentFen: fen(1_000_000), events: null, trainees: null, note: null }));
    expect(missing.exitCode).toBe(2);
    expect(missing.text.en).toContain('--events and --trainees');
    const before = await refusal(() => accept(op, { applicationId: 'T1', on: '2022-06-01', result: 'fail', actualInvestmentFen: 0, events: null, trainees: null, note: null }));
    expect(before.exitCode).toBe(2);
    const t1 = accept(op, { applicationId: 'T1', on: '2022-09-01', result: 'pass', actualInvestmentFen: fen(1_000_000), events: 8, trainees: 600, note: null });
    expect(t1).toMatchObject({ state: 'rejected-at-acceptance', clawbackFen: 0, outcome: { result: 'fail', reason: 'training-short', finalAwardFen: 0 } });
    expect(stateOf(db, 'T1')).toBe('rejected-at-acceptance');
  });

  it('turns a failed acceptance into a clawback of anything already paid', async () => {
    const { db, op } = await filed();
    // An advance recorded behind the tool's back: the fail must still order it back.
    insertPayment(db, { application_id: 'A3', amount_fen: fen(30_000), paid_on: '2022-07-01', voucher: null, created_at: '2022-07-01T00:00:00.000Z', created_by: 'x' });
    op.day = '2022-09-01';
    const r = accept(op, { applicationId: 'A3', on: '2022-09-01', result: 'fail', actualInvestmentFen: 0, events: null, trainees: null, note: '未实施' });
    expect(r).toMatchObject({ state: 'clawback-due', clawbackFen: fen(30_000), outcome: { result: 'fail', reason: 'failed', finalAwardFen: 0 } });
    expect(db.prepare("SELECT amount_fen, source FROM clawbacks WHERE application_id = 'A3'").get()).toEqual({ amount_fen: fen(30_000), source: 'acceptance' });
    expect(stateOf(db, 'A3')).toBe('clawback-due');
  });

  it('pays up to the final award and refuses a payment above it (Art. 13)', async () => {
    const { db, op } = await filed();
    op.day = '2022-09-10';
    accept(op, { applicationId: 'A1', on: '2022-09-01', result: 'pass', actualInvestmentFen: fen(300_000), events: null, trainees: null, note: null });
    expect(disburse(op, { applicationId: 'A1', amountFen: fen(200_000), paidOn: '2022-09-10', voucher: 'PZ-1' })).toMatchObject({ applicationId: 'A1', paidFen: fen(200_000), finalAwardFen: fen(240_000) });
    const over = await refusal(() => disburse(op, { applicationId: 'A1', amountFen: fen(50_000), paidOn: '2022-09-10', voucher: null }));
    expect(over.exitCode).toBe(3);
    expect(over.text.en).toContain('Art. 13');
    expect((await refusal(() => disburse(op, { applicationId: 'A1', amountFen: 1, paidOn: '2022-08-01', voucher: null }))).exitCode).toBe(2);
    expect((await refusal(() => disburse(op, { applicationId: 'A3', amountFen: 1, paidOn: '2022-09-10', voucher: null }))).text.en).toContain('A3 is filed');
    expect(db.prepare('SELECT count(*) FROM payments').pluck().get()).toBe(1);
  });

  it('draws a reproducible sample, turns a violation into a clawback of what was paid, and recovers no more than is due', async () => {
    const { db, op } = await filed();
    op.day = '2022-09-10';
    accept(op, { applicationId: 'A1', on: '2022-09-01', result: 'pass', actualInvestmentFen: fen(300_000), events: null, trainees: null, note: null });
    disburse(op, { applicationId: 'A1', amountFen: fen(240_000), paidOn: '2022-09-10', voucher: null });
    op.day = '2022-10-01';
    const draw = { roundId: 'R1', size: { kind: 'percent' as const, basisPoints: 10_000, shown: '100%' }, seed: 'all', stratify: null, alwaysAboveFen: null, drawnOn: '2022-10-01' };
    const d = drawSpotCheck(op, draw);
    expect(d.sample.sample).toEqual(['A1', 'A2', 'A3', 'T1']);
    expect(d.method).toMatchObject({ size: '100%', stratify: null, states: ['filed', 'accepted', 'disbursed', 'clawback-due', 'recovered'] });
    expect(drawSpotCheck(op, draw).sample.sample).toEqual(d.sample.sample);
    const v = recordFinding(op, { applicationId: 'A1', finding: 'violation', note: '挪用', foundOn: '2022-10-01' });
    expect(v).toMatchObject({ applicationId: 'A1', state: 'clawback-due', clawbackFen: fen(240_000) });
    expect((await refusal(() => recordFinding(op, { applicationId: 'A1', finding: 'ok', note: 'x', foundOn: '2022-10-01' }))).exitCode).toBe(3);
    expect(recordFinding(op, { applicationId: 'A3', finding: 'ok', note: '正常', foundOn: '2022-10-01' })).toMatchObject({ state: 'filed', clawbackFen: 0 });
    // Nothing was paid to A2: nothing to claw back.
    expect((await refusal(() => orderClawback(op, { applicationId: 'A2', amountFen: fen(1), reason: '审计', on: '2022-10-01' }))).exitCode).toBe(3);
    expect(recover(op, { applicationId: 'A1', amountFen: fen(100_000), recoveredOn: '2022-10-01', voucher: null })).toMatchObject({ state: 'clawback-due', clawbackDueFen: fen(240_000), outstandingFen: fen(140_000), recoveredFen: fen(100_000) });
    const over = await refusal(() => recover(op, { applicationId: 'A1', amountFen: fen(150_000), recoveredOn: '2022-10-01', voucher: null }));
    expect(over.exitCode).toBe(3);
    expect(over.text.en).toContain('140,000.00');
    expect(recover(op, { applicationId: 'A1', amountFen: fen(140_000), recoveredOn: '2022-10-01', voucher: 'SJ-1' })).toMatchObject({ state: 'recovered', outstandingFen: 0, recoveredFen: fen(240_000) });
  });

  it('orders back part of a payment after an audit', async () => {
    const { op } = await filed();
    op.day = '2022-09-10';
    accept(op, { applicationId: 'A1', on: '2022-09-01', result: 'pass', actualInvestmentFen: fen(1_000_000), events: null, trainees: null, note: null });
    disburse(op, { applicationId: 'A1', amountFen: fen(300_000), paidOn: '2022-09-10', voucher: null });
    expect(orderClawback(op, { applicationId: 'A1', amountFen: fen(100_000), reason: '审计', on: '2022-09-10' })).toMatchObject({ applicationId: 'A1', paidFen: fen(300_000), clawbackDueFen: fen(100_000), outstandingFen: fen(100_000) });
    expect((await refusal(() => orderClawback(op, { applicationId: 'A1', amountFen: fen(200_001), reason: '审计', on: '2022-09-10' }))).exitCode).toBe(3);
  });
});

describe('status', () => {
  it('sums applications and money per state and per category, objections and notices', async () => {
    const { op } = await onNotice();
    op.day = '2022-06-02';
    addObjection(op, { applicationId: 'A2', receivedOn: '2022-06-02', fromName: '张三', text: 'x' });
    addObjection(op, { applicationId: 'A3', receivedOn: '2022-06-02', fromName: null, text: 'x' });
    const s = roundStatus(op, { roundId: 'R1' });
    expect(s).toMatchObject({ round: 'R1', today: '2022-06-02', objections: { open: 1, 'not-accepted': 1 } });
    // Budgets: the policy's defaults (the fixture's hand-written versions store none).
    expect(s.money).toEqual({
      budget_fen: s.categories.reduce((t, c) => t + Number(c.money.budget_fen ?? 0), 0),
      allocated_fen: fen(1_400_000),
      filed_fen: 0,
      final_fen: 0,
      paid_fen: 0,
      clawback_due_fen: 0,
      recovered_fen: 0,
      outstanding_fen: 0,
      net_paid_fen: 0,
    });
    expect(s.categories.map((c) => [c.category, c.money.allocated_fen])).toEqual(
      expect.arrayContaining([
        ['sme-cloud', fen(600_000)],
        ['talent-training', fen(800_000)],
        ['other', 0],
      ]),
    );
    // In the lifecycle's order: O1 (category other) has no award yet, A4 and A5 none in version 1.
    expect(Object.keys(s.states)).toEqual(['eligible', 'not-funded', 'in-notice']);
    expect(s.states['in-notice']).toEqual({ count: 4, amount_fen: fen(1_400_000) });
    expect(s.open_objections).toEqual([{ id: 1, application_id: 'A2', received_on: '2022-06-02' }]);
    expect(s.notices).toEqual([{ notice_id: 1, from: '2022-05-30', through: '2022-06-05', days: 7, applications: 4, total_fen: fen(1_400_000), phase: 'running', days_left: 4 }]);
  });
});
