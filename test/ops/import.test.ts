// ops/import, ops/side-lists and ops/applications called directly: results and
// refusals, without a process.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/domain/errors.js';
import type { Db } from '../../src/ledger/open.js';
import type { OpContext } from '../../src/ops/context.js';
import { firstApplications, listApplications, showApplication } from '../../src/ops/applications.js';
import { type ImportProblem, importApplications } from '../../src/ops/import.js';
import { importSideList, showSideList } from '../../src/ops/side-lists.js';
import { runChecks } from '../../src/ledger/verify/index.js';
import { appendEvent } from '../../src/ledger/events.js';
import { inTransaction } from '../../src/ledger/open.js';
import { FIXTURES, ledgerWithRound } from '../helpers.js';

const IMPORT = join(FIXTURES, 'import');

function ledger(): { op: OpContext; db: Db; path: string; dir: string } {
  const { db, path, dir } = ledgerWithRound('R1');
  return { op: { db, officer: 'test', now: () => '2022-05-01T08:00:00.000Z', today: () => '2022-05-01' }, db, path, dir };
}

const count = (db: Db, sql: string): number => db.prepare(sql).pluck().get() as number;
const fileHash = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('importApplications', () => {
  it('imports every row in one transaction with one event; the same file again adds nothing', async () => {
    const { op, db } = ledger();
    const r = await importApplications(op, { file: join(IMPORT, 'applications.csv'), round: 'R1', lang: 'en' });
    expect(r).toMatchObject({ round: 'R1', headerLine: 1, rejected: 0, unchanged: 0, written: true, problems: false, errors: [] });
    expect(r.new).toBeGreaterThan(0);
    expect(r.rows).toBe(r.new);
    expect(count(db, "SELECT count(*) FROM applications WHERE round_id = 'R1'")).toBe(r.new);
    expect(count(db, "SELECT count(*) FROM events WHERE command = 'import'")).toBe(1);

    const again = await importApplications(op, { file: join(IMPORT, 'applications.csv'), round: 'R1', lang: 'en' });
    expect(again).toMatchObject({ new: 0, unchanged: r.new, written: false, problems: false });
    expect(count(db, "SELECT count(*) FROM events WHERE command = 'import'")).toBe(1);
  });

  it('a bad row names file:line:column, is heard as it is found, and leaves the ledger file unchanged', async () => {
    const { op, db, path } = ledger();
    const before = fileHash(path);
    const heard: ImportProblem[] = [];
    const file = join(IMPORT, 'bad', 'amount-not-number.csv');
    const r = await importApplications(op, { file, round: 'R1', lang: 'en' }, { problem: (kind, p) => kind === 'error' && heard.push(p) });
    expect(r).toMatchObject({ rows: 3, new: 2, rejected: 1, written: false, problems: true });
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ file, line: 4, column: 'total_investment', label: '项目总投入', value: '12,34' });
    expect(r.errors[0].message.en).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4: column total_investment \\(项目总投入\\): `));
    expect(heard).toEqual(r.errors);
    // The two good rows were inserted inside the transaction, then rolled back.
    expect(count(db, 'SELECT count(*) FROM applications')).toBe(0);
    expect(count(db, 'SELECT count(*) FROM events')).toBe(0);
    expect(db.inTransaction).toBe(false);
    expect(fileHash(path)).toBe(before);
  });

  it('seals every new row by its rowid at the end; a rolled-back import leaves the insert trigger, so later rows are sealed too', async () => {
    const { op, db } = ledger();
    const trigger = () => count(db, "SELECT count(*) FROM temp.sqlite_master WHERE name = 'jm_seal_applications_i'");
    // Rolled back (a bad row): the trigger the import dropped is back with the rollback.
    const bad = await importApplications(op, { file: join(IMPORT, 'bad', 'amount-not-number.csv'), round: 'R1', lang: 'en' });
    expect(bad.written).toBe(false);
    expect(trigger()).toBe(1);
    const r = await importApplications(op, { file: join(IMPORT, 'applications.csv'), round: 'R1', lang: 'en' });
    expect(trigger()).toBe(1);
    const seq = count(db, "SELECT seq FROM events WHERE command = 'import'");
    expect(count(db, `SELECT count(*) FROM row_seals WHERE tbl = 'applications' AND seq = ${seq}`)).toBe(r.new);
    expect(runChecks(db).problems).toEqual([]);
    // A row inserted after the import by another statement of a command is noted by the trigger again, and sealed.
    inTransaction(db, () => {
      db.exec(`INSERT INTO applications SELECT 'R1-extra', round_id, enterprise_name, uscc, district, established_on, independent_legal_person, category, cluster, 'another project',
        total_investment_fen, requested_amount_fen, employees, annual_revenue_fen, other_fiscal_support, past_projects_compliant, credit_good, major_accident, ready_to_implement,
        training_events, trainees, submitted_on, extra_json, source_file, source_line, source_sha256, content_hash, state, created_at, updated_at FROM applications LIMIT 1`);
      appendEvent(db, { at: '2022-05-02T08:00:00.000Z', officer: 'test', command: 'import', roundId: 'R1' });
    });
    expect(count(db, "SELECT count(*) FROM row_seals WHERE tbl = 'applications' AND key = '[\"R1-extra\"]'")).toBe(1);
    expect(runChecks(db).problems).toEqual([]);
  });

  it('keeps no problems when asked not to, and still counts them', async () => {
    const { op } = ledger();
    const r = await importApplications(op, { file: join(IMPORT, 'bad', 'amount-not-number.csv'), round: 'R1', lang: 'en', keepProblems: 0 });
    expect(r).toMatchObject({ errors: [], errorCount: 1, rejected: 1, problems: true });
  });

  it('a header without a required column imports nothing and says which', async () => {
    const { op, db } = ledger();
    const r = await importApplications(op, { file: join(IMPORT, 'bad', 'missing-column.csv'), round: 'R1', lang: 'en' });
    expect(r).toMatchObject({ headerLine: 1, rows: 0, written: false, problems: true });
    expect(r.headerProblem?.en).toContain('missing required column: project_name (项目名称)');
    expect(count(db, 'SELECT count(*) FROM applications')).toBe(0);
  });

  it('skipInvalid writes the good rows and the rejects file, its error column in the language asked for', async () => {
    const { op, db, dir } = ledger();
    const rejects = join(dir, 'rejects.csv');
    const r = await importApplications(op, { file: join(IMPORT, 'bad', 'amount-not-number.csv'), round: 'R1', lang: 'zh', skipInvalid: true, rejects });
    expect(r).toMatchObject({ new: 2, rejected: 1, written: true, rejectsFile: rejects, problems: true });
    expect(count(db, 'SELECT count(*) FROM applications')).toBe(2);
    const lines = readFileSync(rejects, 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(lines).toHaveLength(2);
    expect(lines[0].endsWith(',error')).toBe(true);
    expect(lines[1]).toContain('total_investment（项目总投入）：金额「12,34」无法识别');
  });

  it('a dry run reads everything and writes nothing', async () => {
    const { op, db, path } = ledger();
    const before = fileHash(path);
    const r = await importApplications(op, { file: join(IMPORT, 'applications.csv'), round: 'R1', lang: 'en', dryRun: true });
    expect(r.dryRun).toBe(true);
    expect(r.new).toBeGreaterThan(0);
    expect(r.written).toBe(false);
    expect(count(db, 'SELECT count(*) FROM applications')).toBe(0);
    expect(fileHash(path)).toBe(before);
  });

  it('refuses an unknown round, a missing file, and skipInvalid without a rejects file', async () => {
    const { op, dir } = ledger();
    const file = join(IMPORT, 'applications.csv');
    await expect(importApplications(op, { file, round: 'NOPE', lang: 'en' })).rejects.toMatchObject({ exitCode: 2, text: { en: 'no round NOPE.' } });
    await expect(importApplications(op, { file: join(dir, 'missing.csv'), round: 'R1', lang: 'en' })).rejects.toBeInstanceOf(UserError);
    await expect(importApplications(op, { file, round: 'R1', lang: 'en', skipInvalid: true })).rejects.toMatchObject({ exitCode: 2 });
    const taken = join(dir, 'taken.csv');
    writeFileSync(taken, 'x');
    await expect(importApplications(op, { file, round: 'R1', lang: 'en', skipInvalid: true, rejects: taken })).rejects.toMatchObject({ text: { en: `${taken} exists; use --force to overwrite. Nothing was changed.` } });
    expect(existsSync(taken)).toBe(true);
  });

  it('a file of blank lines is a usage error (exit 2)', async () => {
    const { op, dir } = ledger();
    const blank = join(dir, 'blank.csv');
    writeFileSync(blank, '\n,,,\n\n');
    await expect(importApplications(op, { file: blank, round: 'R1', lang: 'en' })).rejects.toMatchObject({ exitCode: 2, text: { en: `${blank} has no rows (only blank lines)` } });
  });
});

describe('applications and side lists', () => {
  it('lists, filters and shows the imported applications', async () => {
    const { op } = ledger();
    const r = await importApplications(op, { file: join(IMPORT, 'applications.csv'), round: 'R1', lang: 'en' });
    const all = listApplications(op, { round: 'R1' });
    expect(all).toHaveLength(r.new);
    expect(listApplications(op, { round: 'R1', district: '蓬江' }).every((a) => a.district === '蓬江区')).toBe(true);
    expect(listApplications(op, { status: 'eligible' })).toEqual([]);
    expect(() => listApplications(op, { status: 'approved' })).toThrow(/unknown state "approved"/);
    // What a terminal shows: the first rows as listed, and how many match, the district given as an officer writes it.
    const pengjiang = listApplications(op, { round: 'R1', district: '蓬江' });
    expect(pengjiang.length).toBeGreaterThan(1);
    expect(firstApplications(op, { round: 'R1', district: '蓬江' }, 1)).toEqual({ rows: pengjiang.slice(0, 1), total: pengjiang.length });
    expect(firstApplications(op, {}, 1000)).toEqual({ rows: all, total: all.length });
    expect(() => firstApplications(op, { status: 'approved' }, 10)).toThrow(/unknown state "approved"/);
    const shown = showApplication(op, { id: ` ${all[0].application_id} ` });
    expect(shown.row).toEqual(all[0]);
    expect(shown.events.map((e) => e.command)).toEqual(['import']);
    expect(shown.eligibility?.status ?? null).toBeNull();
    // Nothing allocated yet: every amount 0, and an application has no budget of its own.
    expect(shown.award_fen).toBe(0);
    expect(shown.money).toEqual({ budget_fen: null, allocated_fen: 0, filed_fen: 0, final_fen: 0, paid_fen: 0, clawback_due_fen: 0, recovered_fen: 0, outstanding_fen: 0, net_paid_fen: 0 });
    expect(() => showApplication(op, { id: 'NOPE' })).toThrow(UserError);
  });

  it('imports a side list once; the same rows again add nothing', async () => {
    const { op, db } = ledger();
    const file = join(IMPORT, 'credit.csv');
    const r = await importSideList(op, { kind: 'credit', file, lang: 'en' });
    expect(r).toMatchObject({ kind: 'credit', rejected: 0, written: true, problems: false });
    expect(r.new).toBeGreaterThan(0);
    expect(showSideList(op, { kind: 'credit' })).toHaveLength(r.new);
    const again = await importSideList(op, { kind: 'credit', file, lang: 'en' });
    expect(again).toMatchObject({ new: 0, unchanged: r.new, written: false });
    expect(count(db, "SELECT count(*) FROM events WHERE command = 'lists import'")).toBe(1);
  });
});
