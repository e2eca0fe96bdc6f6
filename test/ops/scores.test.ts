// ops/scores called directly: results and refusals, without a process.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/domain/errors.js';
import type { Db } from '../../src/ledger/open.js';
import type { OpContext } from '../../src/ops/context.js';
import { aggregateScores, expertsSummary, importScores, showScores } from '../../src/ops/scores.js';
import { FIXTURES, ledgerWithRound, tempDir } from '../helpers.js';
import { appendEvent } from '../../src/ledger/events.js';
import { inTransaction } from '../../src/ledger/open.js';
import { runChecks } from '../../src/ledger/verify/index.js';
import { roundScoresForAggregation } from '../../src/ledger/scores.repo.js';
import { aggregateRound, rankAggregates, scoringRules, type RankedAggregate } from '../../src/domain/scoring.js';
import type { Policy } from '../../src/domain/policy.js';

const F = join(FIXTURES, 'scores');
const APPS = ['JM-0001', 'JM-0002', 'JM-0003', 'JM-0004', 'JM-0005'];

/** Applications written directly: the applications importer is not what is tested here. */
function ledger(): { op: OpContext; db: Db } {
  const { db } = ledgerWithRound('R1');
  const ins = db.prepare(
    `INSERT INTO applications (application_id, round_id, enterprise_name, uscc, district, established_on, independent_legal_person, category, project_name, total_investment_fen, requested_amount_fen, other_fiscal_support, past_projects_compliant, credit_good, major_accident, ready_to_implement, submitted_on, source_file, source_line, source_sha256, content_hash, created_at, updated_at)
     VALUES (?, 'R1', ?, ?, '蓬江区', '2015-01-01', 1, 'sme-cloud', ?, 100000000, 50000000, 0, 1, 1, 0, 1, '2022-03-10', 'apps.csv', ?, 'x', ?, '2022-03-01T00:00:00.000Z', '2022-03-01T00:00:00.000Z')`,
  );
  APPS.forEach((id, i) => ins.run(id, `企业${id}`, `91440703MA${String(i).padStart(7, '0')}X`, `项目${id}`, i + 2, id));
  return { db, op: { db, officer: 'test', now: () => '2022-05-01T08:00:00.000Z', today: () => '2022-05-01' } };
}

const count = (db: Db, sql: string): number => db.prepare(sql).pluck().get() as number;

describe('importScores', () => {
  it('imports a sheet with a title row and Chinese headers in one event; again adds nothing', async () => {
    const { op, db } = ledger();
    const r = await importScores(op, { file: join(F, 'scores.csv'), round: 'R1' });
    expect(r).toMatchObject({ round: 'R1', file: 'scores.csv', rows: 12, inserted: 12, updated: 0, unchanged: 0, written: true, errors: [] });
    expect(count(db, 'SELECT count(*) FROM scores')).toBe(12);
    expect(count(db, "SELECT count(*) FROM events WHERE command = 'scores import'")).toBe(1);
    const again = await importScores(op, { file: join(F, 'scores.csv'), round: 'R1' });
    expect(again).toMatchObject({ inserted: 0, unchanged: 12, written: false });
    expect(count(db, "SELECT count(*) FROM events WHERE command = 'scores import'")).toBe(1);
  });

  it('seals every new score, noted from the staging table in one statement; the insert trigger is back for later writers', async () => {
    const { op, db } = ledger();
    const trigger = () => count(db, "SELECT count(*) FROM temp.sqlite_master WHERE name = 'jm_seal_scores_i'");
    const r = await importScores(op, { file: join(F, 'scores.csv'), round: 'R1' });
    expect(r.inserted).toBe(12);
    expect(trigger()).toBe(1);
    expect(count(db, "SELECT count(*) FROM sqlite_temp_master WHERE name = 'score_stage'")).toBe(0);
    const seq = count(db, "SELECT max(seq) FROM events WHERE command = 'scores import'");
    expect(count(db, `SELECT count(*) FROM row_seals WHERE tbl = 'scores' AND seq = ${seq}`)).toBe(12);
    // The applications of this test were written without an event; the scores are what is checked.
    const scoreProblems = () => runChecks(db).problems.filter((p) => p.ref.table === 'scores');
    expect(scoreProblems()).toEqual([]);
    inTransaction(db, () => {
      db.exec("INSERT INTO scores SELECT application_id, round_id, 'E-extra', score_centi, criteria_json, recused, comment, source_file, source_line, source_sha256, imported_at FROM scores LIMIT 1");
      appendEvent(db, { at: '2022-05-02T08:00:00.000Z', officer: 'test', command: 'scores import', roundId: 'R1' });
    });
    expect(count(db, "SELECT count(*) FROM row_seals WHERE tbl = 'scores' AND key LIKE '%E-extra%'")).toBe(1);
    expect(scoreProblems()).toEqual([]);
  });

  it('indexes every application an import wrote under its event: named in the event up to 1,000, linked in SQL beyond, never those left unchanged', async () => {
    const { op, db } = ledger();
    const ins = db.prepare(
      `INSERT INTO applications (application_id, round_id, enterprise_name, uscc, district, established_on, independent_legal_person, category, project_name, total_investment_fen, requested_amount_fen, other_fiscal_support, past_projects_compliant, credit_good, major_accident, ready_to_implement, submitted_on, source_file, source_line, source_sha256, content_hash, created_at, updated_at)
       VALUES (?, 'R1', ?, ?, '蓬江区', '2015-01-01', 1, 'sme-cloud', ?, 100000000, 50000000, 0, 1, 1, 0, 1, '2022-03-10', 'apps.csv', ?, 'x', ?, '2022-03-01T00:00:00.000Z', '2022-03-01T00:00:00.000Z')`,
    );
    const ids = Array.from({ length: 1100 }, (_, i) => `BIG-${String(i).padStart(4, '0')}`);
    ids.forEach((id, i) => ins.run(id, `企业${id}`, `91440703MB${String(i).padStart(7, '0')}X`, `项目${id}`, i + 10, id));
    const dir = tempDir();
    const file = (name: string, score: (i: number) => number, only = ids) => {
      const path = join(dir, name);
      writeFileSync(path, ['application_id,expert_id,score,recused', ...only.map((id, i) => `${id},E1,${score(i)},no`)].join('\n'));
      return path;
    };
    const linked = (seq: number) => db.prepare('SELECT application_id FROM event_apps WHERE seq = ? ORDER BY application_id').pluck().all(seq) as string[];
    const events = () => db.prepare("SELECT seq, app_ids FROM events WHERE command = 'scores import' ORDER BY seq").all() as { seq: number; app_ids: string }[];

    expect((await importScores(op, { file: file('all.csv', () => 80), round: 'R1' })).inserted).toBe(1100);
    // The same clock for both imports: only the file's hash tells their rows apart.
    const changed = await importScores(op, { file: file('most.csv', (i) => (i < 1050 ? 81 : 80)), round: 'R1', update: true });
    expect(changed).toMatchObject({ updated: 1050, unchanged: 50 });
    const few = await importScores(op, { file: file('few.csv', () => 82, [ids[7], ids[3], 'JM-0001']), round: 'R1', update: true });
    expect(few).toMatchObject({ inserted: 1, updated: 2 });
    const [first, second, third] = events();
    expect(first.app_ids).toBe('[]');
    expect(linked(first.seq)).toEqual(ids);
    expect(second.app_ids).toBe('[]');
    expect(linked(second.seq)).toEqual(ids.slice(0, 1050));
    expect(JSON.parse(third.app_ids)).toEqual([ids[7], ids[3], 'JM-0001']);
    expect(linked(third.seq)).toEqual(['BIG-0003', 'BIG-0007', 'JM-0001']);
  });

  it('a score for an application not in the round is a row error naming line and column; nothing is written', async () => {
    const { op, db } = ledger();
    const r = await importScores(op, { file: join(F, 'errors.csv'), round: 'R1' });
    expect(r.written).toBe(false);
    expect(r.inserted).toBe(0);
    expect(r.errors.map((e) => [e.line, e.column, e.value])).toEqual([
      [3, 'expert_id', 'E01'],
      [4, 'application_id', 'JM-9999'],
      [5, 'score', '101'],
      [6, 'score', '85.555'],
      [7, 'score', ''],
      [8, 'recused', 'maybe'],
      [9, 'expert_id', ''],
      [10, 'score', '八十'],
    ]);
    expect(r.errors[1].message.en).toBe('no such application in round R1; expected the ID of an application imported in this round');
    expect(count(db, 'SELECT count(*) FROM scores')).toBe(0);
    expect(count(db, 'SELECT count(*) FROM events')).toBe(0);
  });

  it('--skip-invalid: writes the good rows, never a stored score changed without --update, and the rest to the rejects file', async () => {
    const { op, db } = ledger();
    await importScores(op, { file: join(F, 'scores.csv'), round: 'R1' });
    const stored = count(db, 'SELECT count(*) FROM scores');
    const dir = tempDir('jmfund-scores-skip-');
    const sheet = join(dir, 'again.csv');
    // JM-0001/E01 is stored as 88: 70 here is a change; JM-0005/E09 is new; JM-7777 is not in the round.
    writeFileSync(sheet, 'application_id,expert_id,score,recused,comment\nJM-0001,E01,70,no,\nJM-0005,E09,77,no,\nJM-7777,E01,80,no,\n');
    const rejects = join(dir, 'rejects.csv');
    const r = await importScores(op, { file: sheet, round: 'R1', skipInvalid: true, rejects, lang: 'zh' });
    expect(r).toMatchObject({ written: true, inserted: 1, updated: 0, rejected: 2, rejectsFile: rejects });
    expect(count(db, 'SELECT count(*) FROM scores')).toBe(stored + 1);
    expect(count(db, "SELECT score_centi FROM scores WHERE application_id = 'JM-0001' AND expert_id = 'E01'")).toBe(8800);
    const lines = readFileSync(rejects, 'utf8').trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^JM-0001,E01,70,no,,score：该专家对 JM-0001 已有不同的评分（88\.00/);
    expect(lines[2]).toMatch(/^JM-7777,E01,80,no,,application_id：本批次 R1 中没有该申报/);
  });

  it('finds the header as an applications import does: the first row holding the required columns', async () => {
    const { op } = ledger();
    const dir = tempDir();
    const titled = join(dir, 'titled.csv');
    writeFileSync(titled, '评分汇总表,,,\n\n专家编号,Score (0-100),申报编号,是否回避【是/否】\nE01,80,JM-0001,否\n');
    expect(await importScores(op, { file: titled, round: 'R1' })).toMatchObject({ rows: 1, inserted: 1, errors: [] });
    const noHeader = join(dir, 'no-header.csv');
    writeFileSync(noHeader, '申报编号,专家编号,得分\nJM-0001,E01,80\n');
    await expect(importScores(op, { file: noHeader, round: 'R1' })).rejects.toMatchObject({
      exitCode: 2,
      text: { en: `${noHeader}: no header row of a score sheet found (needs columns: application_id (申报编号), expert_id (专家编号), score (评分), recused (是否回避)); the closest, line 1, lacks: score (评分), recused (是否回避)` },
    });
    const twice = join(dir, 'twice.csv');
    writeFileSync(twice, '申报编号,application_id,expert_id,score,recused\n');
    await expect(importScores(op, { file: twice, round: 'R1' })).rejects.toThrow(/line 1 has repeated columns: application_id \(申报编号\)/);
  });

  it('refuses an unknown round and a missing file (exit 2)', async () => {
    const { op } = ledger();
    await expect(importScores(op, { file: join(F, 'scores.csv'), round: 'NOPE' })).rejects.toMatchObject({ exitCode: 2, text: { en: 'no round NOPE.' } });
    await expect(importScores(op, { file: join(tempDir(), 'missing.csv'), round: 'R1' })).rejects.toBeInstanceOf(UserError);
  });
});

describe('aggregateScores, showScores, expertsSummary', () => {
  it('aggregates, stores one event, and shows an application with its aggregate', async () => {
    const { op, db } = ledger();
    await importScores(op, { file: join(F, 'scores.csv'), round: 'R1' });
    const a = aggregateScores(op, { round: 'R1' });
    expect(a.method).toBe('mean');
    expect([...a.ranked].map((x) => x.applicationId).sort()).toEqual(APPS.slice(0, a.ranked.length).sort());
    expect(a.counts.scored + a.counts['below-threshold'] + a.counts['insufficient-reviews']).toBe(a.ranked.length);
    expect(a.validScores).toBe(count(db, 'SELECT count(*) FROM scores WHERE recused = 0'));
    expect(a.validScores).toBeGreaterThan(0);
    expect(count(db, "SELECT count(*) FROM events WHERE command = 'scores aggregate'")).toBe(1);

    const s = showScores(op, { application: 'JM-0001' });
    expect(s).toMatchObject({ applicationId: 'JM-0001', round: 'R1', stale: false });
    expect(s.scores.length).toBeGreaterThan(0);
    expect(s.aggregate?.applicationId).toBe('JM-0001');
    expect(s.aggregate?.computedAt).toBe('2022-05-01T08:00:00.000Z');

    const e = expertsSummary(op, { round: 'R1' });
    expect(e.round).toBe('R1');
    expect(e.experts.map((x) => x.expertId)).toContain('E01');
  });

  it('aggregates a round with no score at all: every application unranked, and validScores 0 for the command to warn on', () => {
    const { op } = ledger();
    const a = aggregateScores(op, { round: 'R1' });
    expect(a.validScores).toBe(0);
    expect(a.ranked.length).toBe(APPS.length);
    expect(a.counts['insufficient-reviews']).toBe(APPS.length);
  });

  it('a re-aggregation rewrites (and seals) only the aggregates that changed; every one still reads as computed by it, none stale', async () => {
    const { op, db } = ledger();
    const at = (t: string): OpContext => ({ ...op, now: () => t });
    await importScores(at('2022-05-01T08:00:00.000Z'), { file: join(F, 'scores.csv'), round: 'R1' });
    const first = aggregateScores(at('2022-05-01T09:00:00.000Z'), { round: 'R1' });
    // The ranking is read from the ledger as it is iterated: what the first aggregation stored, read before the second.
    const byId = (ranked: Iterable<RankedAggregate>) => Object.fromEntries(Array.from(ranked, (a) => [a.applicationId, a.display]));
    const firstById = byId(first.ranked);
    // A first aggregation inserts in bulk: every aggregate sealed to its event, and the insert trigger back.
    const firstSeq = count(db, "SELECT max(seq) FROM events WHERE command = 'scores aggregate'");
    expect(count(db, `SELECT count(*) FROM row_seals WHERE tbl = 'score_aggregates' AND seq = ${firstSeq}`)).toBe(first.ranked.length);
    expect(count(db, "SELECT count(*) FROM temp.sqlite_master WHERE name = 'jm_seal_score_aggregates_i'")).toBe(1);
    expect(runChecks(db).problems.filter((p) => p.ref.table === 'score_aggregates')).toEqual([]);
    const fix = join(tempDir(), 'fix.csv');
    writeFileSync(fix, 'application_id,expert_id,score,recused\nJM-0001,E01,60,no\n');
    expect((await importScores(at('2022-05-02T08:00:00.000Z'), { file: fix, round: 'R1', update: true })).updated).toBe(1);
    expect(showScores(op, { application: 'JM-0002' }).stale).toBe(true);
    const again = aggregateScores(at('2022-05-02T09:00:00.000Z'), { round: 'R1' });
    const againById = byId(again.ranked);
    expect(againById).toEqual({ ...firstById, 'JM-0001': againById['JM-0001'] });
    expect(againById['JM-0001']).not.toBe(firstById['JM-0001']);
    // One row rewritten, and sealed to the second aggregation's event.
    expect(db.prepare('SELECT application_id FROM score_aggregates WHERE computed_at = ?').pluck().all('2022-05-02T09:00:00.000Z')).toEqual(['JM-0001']);
    const seq = count(db, "SELECT max(seq) FROM events WHERE command = 'scores aggregate'");
    expect(db.prepare("SELECT key FROM row_seals WHERE tbl = 'score_aggregates' AND seq = ?").pluck().all(seq)).toEqual(['["JM-0001"]']);
    // What scores show says is as if every row had been rewritten.
    for (const id of ['JM-0001', 'JM-0002']) {
      const s = showScores(op, { application: id });
      expect(s.stale).toBe(false);
      expect(s.aggregate?.computedAt).toBe('2022-05-02T09:00:00.000Z');
    }
    // Nothing changed: nothing rewritten.
    aggregateScores(at('2022-05-03T09:00:00.000Z'), { round: 'R1' });
    expect(count(db, "SELECT count(*) FROM score_aggregates WHERE computed_at = '2022-05-03T09:00:00.000Z'")).toBe(0);
    expect(showScores(op, { application: 'JM-0003' }).aggregate?.computedAt).toBe('2022-05-03T09:00:00.000Z');
  });

  it('stores each aggregate as it is computed: for every method, its ranking held or read back, the stored rows and details and the ranking are those of the whole round aggregated in memory; no ranked aggregate carries details', async () => {
    const { op, db } = ledger();
    await importScores(op, { file: join(F, 'scores.csv'), round: 'R1' });
    const policy = JSON.parse(db.prepare("SELECT policy_json FROM rounds WHERE round_id = 'R1'").pluck().get() as string) as Policy;
    // Held in memory (a round this size), and read back from the ledger (a large round's way): the same.
    for (const [method, heldAtMost] of (['mean', 'trimmed-mean', 'median', 'z-score'] as const).flatMap((m) => [[m, undefined], [m, 0]] as const)) {
      const r = aggregateScores(op, { round: 'R1', method, heldAtMost });
      const rules = scoringRules(policy, method);
      const whole = aggregateRound(roundScoresForAggregation(db, 'R1', rules), rules);
      const { details: _, ...first } = rankAggregates(whole)[0];
      const ranked = [...r.ranked];
      expect(ranked[0]).toEqual(first);
      expect(r.ranked.first(1)).toEqual([first]);
      expect(r.ranked.first(0)).toEqual([]);
      const displays = whole.map((a) => a.display).filter((d): d is string => d !== null);
      expect(r.ranked.sharedDisplays()).toEqual(new Set(displays.filter((d, i) => displays.indexOf(d) !== i)));
      expect(ranked.map((a) => [a.applicationId, a.display, a.status, a.experts, a.recused, a.outliers])).toEqual(
        rankAggregates(whole).map((a) => [a.applicationId, a.display, a.status, a.experts, a.recused, a.outliers]),
      );
      expect(ranked.some((a) => 'details' in a)).toBe(false);
      // Every application of the round, those without a score too.
      expect(ranked).toHaveLength(r.ranked.length);
      expect(ranked).toHaveLength(count(db, "SELECT count(*) FROM applications WHERE round_id = 'R1'"));
      const stored = Object.fromEntries(db.prepare("SELECT application_id, details_json FROM score_aggregates WHERE round_id = 'R1'").raw().all() as [string, string][]);
      expect(stored).toEqual(Object.fromEntries(whole.map((a) => [a.applicationId, JSON.stringify(a.details)])));
    }
    expect(runChecks(db).problems).toEqual([]);
  });

  it('refuses scores of an unknown application', () => {
    const { op } = ledger();
    expect(() => showScores(op, { application: 'JM-9999' })).toThrow(UserError);
    expect(() => showScores(op, { application: 'JM-9999' })).toThrow('no application JM-9999.');
    expect(() => aggregateScores(op, { round: undefined })).toThrow('name the round with --round ID.');
  });
});
