// jmfund scores import | aggregate | show | experts, through the built binary.
import { beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { FIXTURES, importBothWays, ledgerWithRound, runCli, tempDir } from '../helpers.js';
import { appendEvent } from '../../src/ledger/events.js';
import { inTransaction, type Db } from '../../src/ledger/open.js';
import { insertRound } from '../../src/ledger/rounds.repo.js';
import { loadPolicy, policyHash } from '../../src/io/policies.js';
import type { Policy } from '../../src/domain/policy.js';

const F = join(FIXTURES, 'scores');
const APPS = ['JM-0001', 'JM-0002', 'JM-0003', 'JM-0004', 'JM-0005'];

/** Applications inserted directly: the applications importer is not what is tested here. */
function insertApplications(db: Db, roundId: string, ids: string[]): void {
  const ins = db.prepare(
    `INSERT INTO applications (application_id, round_id, enterprise_name, uscc, district, established_on, independent_legal_person, category, project_name, total_investment_fen, requested_amount_fen, other_fiscal_support, past_projects_compliant, credit_good, major_accident, ready_to_implement, submitted_on, source_file, source_line, source_sha256, content_hash, created_at, updated_at)
     VALUES (?, ?, ?, ?, '蓬江区', '2015-01-01', 1, 'sme-cloud', ?, 100000000, 50000000, 0, 1, 1, 0, 1, '2022-03-10', 'apps.csv', ?, 'x', ?, '2022-03-01T00:00:00.000Z', '2022-03-01T00:00:00.000Z')`,
  );
  ids.forEach((id, i) => ins.run(id, roundId, `企业${id}`, `91440703MA${String(i).padStart(7, '0')}X`, `项目${id}`, i + 2, id));
}

function setup(ids = APPS, extra?: (db: Db) => void): string {
  const { db, path } = ledgerWithRound('R1');
  insertApplications(db, 'R1', ids);
  extra?.(db);
  db.close();
  return path;
}

function query<T>(path: string, sql: string, ...params: unknown[]): T {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).pluck().get(...params) as T;
  } finally {
    db.close();
  }
}

const scoreCount = (path: string) => query<number>(path, 'SELECT count(*) FROM scores');
const eventCount = (path: string, command: string) => query<number>(path, 'SELECT count(*) FROM events WHERE command = ?', command);

interface ImportJson {
  round: string;
  file: string;
  sha256: string;
  dry_run: boolean;
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  updates: { application_id: string; expert_id: string; old: { score: string }; new: { score: string } }[];
  errors: { line: number; column: string; value: string; message: string }[];
}

interface AggregateJson {
  round: string;
  method: string;
  applications: { application_id: string; score: string | null; status: string; experts: number; recused: number; outliers: string[] }[];
}

const imp = (path: string, file: string, ...more: string[]) => runCli(['scores', 'import', file, '--round', 'R1', ...more], { db: path });

describe('jmfund scores import', () => {
  it('imports a sheet with a title row and Chinese headers, then is idempotent', () => {
    const path = setup();
    const r = imp(path, join(F, 'scores.csv'), '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.json<ImportJson>()).toMatchObject({ round: 'R1', file: 'scores.csv', rows: 12, inserted: 12, unchanged: 0, errors: [] });
    expect(scoreCount(path)).toBe(12);
    expect(query(path, "SELECT recused || '|' || ifnull(score_centi, 'null') || '|' || comment || '|' || source_line FROM scores WHERE application_id = 'JM-0002' AND expert_id = 'E02'")).toBe('1|null|与申报单位有关联|7');
    expect(query(path, "SELECT score_centi FROM scores WHERE application_id = 'JM-0002' AND expert_id = 'E03'")).toBe(7525);
    expect(eventCount(path, 'scores import')).toBe(1);

    const again = imp(path, join(F, 'scores.csv'));
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('0 new, 0 updated, 12 already there');
    expect(eventCount(path, 'scores import')).toBe(1);
  });

  it('a row pasted twice is taken once with a warning naming both lines; a copy of a refused row stays refused', () => {
    const path = setup();
    const r = imp(path, join(F, 'scores-pasted.csv'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = r.json<ImportJson & { repeated_in_file: number; warnings: { line: number; message: string }[] }>();
    expect(j).toMatchObject({ rows: 13, inserted: 12, unchanged: 0, repeated_in_file: 1, errors: [] });
    expect(j.warnings.map((w) => [w.line, w.message])).toEqual([[15, 'the same as line 4, value for value (application JM-0001, expert E02): taken once']]);
    expect(scoreCount(path)).toBe(12);
    // Again: already there, the repeat said again.
    const again = imp(path, join(F, 'scores-pasted.csv'));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('13 rows; 0 new, 0 updated, 12 already there, 1 repeated in the file');
    expect(again.stderr).toContain(`warning: ${join(F, 'scores-pasted.csv')}:15: column "专家编号", value "E02": the same as line 4`);
    // Another score for a stored pair is refused (no --update); its copy is refused too, not taken as a repeat.
    const changed = join(tempDir(), 'changed.csv');
    writeFileSync(changed, 'application_id,expert_id,score,recused,comment\nJM-0001,E02,70,no,\nJM-0001,E02,70,no,\n');
    const refused = imp(path, changed, '--json');
    expect(refused.code).toBe(1);
    expect(refused.json<ImportJson>().errors.map((e) => e.line)).toEqual([2, 3]);
  });

  it('notes under the sheet (注：…, 评审专家签名：…) are left out with a warning, not refused as rows without a score', () => {
    const path = setup();
    const file = join(tempDir(), '评分表.csv');
    writeFileSync(file, `${readFileSync(join(F, 'scores.csv'), 'utf8').replace(/\r?\n$/, '')}\n注：满分 100 分,,,,\n评审专家签名：张三、李四,,,,\n`);
    const r = imp(path, file, '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = r.json<ImportJson & { not_scores: number; warnings: { line: number; message: string }[] }>();
    expect(j).toMatchObject({ rows: 14, inserted: 12, not_scores: 2, errors: [] });
    expect(j.warnings.map((w) => w.line)).toEqual([15, 16]);
    expect(j.warnings[0].message).toContain('the row "注：满分 100 分" holds one text only (a note or a group heading), not a score: left out');
    const zh = runCli(['scores', 'import', file, '--round', 'R1', '--lang', 'zh'], { db: path });
    expect(zh.stdout).toContain('14 行；新增 0，更新 0，已存在 12，说明行 2（未导入）');
  });

  it('reads GB18030 (what Chinese Excel writes) like UTF-8', () => {
    const path = setup();
    const r = imp(path, join(F, 'scores-gb18030.csv'), '--json');
    expect(r.code).toBe(0);
    expect(r.json<ImportJson>().inserted).toBe(12);
    expect(query(path, "SELECT comment FROM scores WHERE application_id = 'JM-0002' AND expert_id = 'E02'")).toBe('与申报单位有关联');
    // The same content from the UTF-8 file is already there.
    expect(imp(path, join(F, 'scores.csv'), '--json').json<ImportJson>()).toMatchObject({ inserted: 0, unchanged: 12 });
  });

  it('lists every row error with file, line, column, value and what is accepted; writes nothing; exit 1', () => {
    const path = setup();
    const r = imp(path, join(F, 'errors.csv'), '--json');
    expect(r.code).toBe(1);
    const j = r.json<ImportJson>();
    expect(j.inserted).toBe(0);
    expect(j.errors.map((e) => [e.line, e.column, e.value])).toEqual([
      [3, 'expert_id', 'E01'],
      [4, 'application_id', 'JM-9999'],
      [5, 'score', '101'],
      [6, 'score', '85.555'],
      [7, 'score', ''],
      [8, 'recused', 'maybe'],
      [9, 'expert_id', ''],
      [10, 'score', '八十'],
    ]);
    expect(j.errors[0].message).toContain('line 2');
    expect(j.errors[1].message).toContain('no such application in round R1');
    expect(j.errors[2].message).toContain('outside 0-100');
    expect(j.errors[2].message).toContain('accepted: a number from 0 to 100 with at most 2 decimals');
    expect(j.errors[3].message).toContain('more than 2 decimals');
    expect(j.errors[4].message).toContain('required unless the expert recused');
    expect(j.errors[5].message).toContain('是/否, yes/no, y/n, true/false, 1/0');
    expect(scoreCount(path)).toBe(0);
    expect(eventCount(path, 'scores import')).toBe(0);

    const human = imp(path, join(F, 'errors.csv'));
    expect(human.code).toBe(1);
    expect(human.stderr).toContain(`${join(F, 'errors.csv')}:5: column "score", value "101": is outside 0-100`);
    expect(human.stdout).toContain('8 error(s) in 8 rows (listed above); nothing was written. Fix them and import again, or use --skip-invalid --rejects FILE');

    const zh = runCli(['scores', 'import', join(F, 'errors.csv'), '--round', 'R1', '--lang', 'zh'], { db: path });
    expect(zh.stderr).toContain('第 5 行，列“score”，值「101」：超出 0 至 100 的范围');
  });

  it('--skip-invalid --rejects: the good rows go in with one event, the bad ones to the rejects file with their errors; exit 1', () => {
    const path = setup();
    const dir = tempDir('jmfund-scores-skip-');
    const rejects = join(dir, 'rejects.csv');
    const src = join(F, 'errors.csv');
    // --skip-invalid alone, and --rejects alone, are usage errors; nothing written.
    expect(imp(path, src, '--skip-invalid').code).toBe(2);
    expect(imp(path, src, '--rejects', rejects).code).toBe(2);
    // A dry run writes neither.
    expect(imp(path, src, '--skip-invalid', '--rejects', rejects, '--dry-run').code).toBe(1);
    expect(existsSync(rejects)).toBe(false);
    expect(scoreCount(path)).toBe(0);

    const r = imp(path, src, '--skip-invalid', '--rejects', rejects, '--json');
    expect(r.code).toBe(1);
    const j = r.json<ImportJson & { rejected: number; rejects_file: string }>();
    // Line 2 is the one good row (line 3 names the same pair again with another score).
    expect(j).toMatchObject({ inserted: 1, rejected: 8, rejects_file: rejects, written: true });
    expect(j.errors).toHaveLength(8);
    expect(query(path, "SELECT score_centi FROM scores WHERE application_id = 'JM-0001' AND expert_id = 'E01'")).toBe(8800);
    expect(scoreCount(path)).toBe(1);
    expect(eventCount(path, 'scores import')).toBe(1);
    expect(JSON.parse(query<string>(path, "SELECT details FROM events WHERE command = 'scores import'"))).toMatchObject({ inserted: 1, rejected: 8, rejects_file: rejects });
    const lines = readFileSync(rejects, 'utf8').split('\r\n');
    expect(lines[0]).toBe('\uFEFFapplication_id,expert_id,score,recused,comment,error');
    expect(lines[1]).toMatch(/^JM-0001,E01,87,no,same expert twice,expert_id: the same application JM-0001 and expert already appear on line 2/);
    expect(lines[2]).toMatch(/^JM-9999,E01,80,no,unknown application,application_id: no such application in round R1/);
    expect(lines.filter((l) => l !== '')).toHaveLength(9);
    // The file exists now: refused without --force, the ledger unchanged.
    const before = readFileSync(path);
    expect(imp(path, src, '--skip-invalid', '--rejects', rejects).code).toBe(2);
    expect(readFileSync(path).equals(before)).toBe(true);

    // In Chinese: the summary counts the rows left out and names the file; the error column is in Chinese.
    const zhPath = setup();
    const zhRejects = join(dir, 'zh.csv');
    const zh = runCli(['scores', 'import', src, '--round', 'R1', '--lang', 'zh', '--skip-invalid', '--rejects', zhRejects], { db: zhPath });
    expect(zh.code).toBe(1);
    expect(zh.stdout).toContain('9 行；新增 1，更新 0，已存在 0，出错跳过 8');
    expect(zh.stdout).toContain(`出错的行已写入 ${zhRejects}（含 error 列）`);
    expect(readFileSync(zhRejects, 'utf8')).toContain('JM-9999,E01,80,no,unknown application,application_id：本批次 R1 中没有该申报');
  });

  it('more than 20 errors of one column: the first 10, a count, and every one in NAME.errors.csv; 20 are all listed', () => {
    const path = setup();
    const dir = tempDir('jmfund-scores-many-');
    const sheet = (n: number) => {
      const file = join(dir, `s${n}.csv`);
      // Application ids of no application of the round: an error each, in the application_id column.
      const rows = Array.from({ length: n }, (_, i) => `JM-9${String(i).padStart(3, '0')},E01,88,no,`);
      writeFileSync(file, `application_id,expert_id,score,recused,comment\n${rows.join('\n')}\n`);
      return file;
    };
    const many = sheet(30);
    const r = runCli(['scores', 'import', many, '--round', 'R1'], { db: path });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.filter((l) => /s30\.csv:\d+: column "application_id"/.test(l))).toHaveLength(10);
    const listed = join(dir, 's30.errors.csv');
    expect(lines).toContain(`error: 30 rows: application_id; first 10 above; all in ${listed}`);
    expect(readFileSync(listed, 'utf8').trim().split(/\r?\n/)).toHaveLength(31);
    expect(scoreCount(path)).toBe(0);
    // --json still lists them all.
    expect(runCli(['scores', 'import', many, '--round', 'R1', '--json'], { db: path }).json<ImportJson>().errors).toHaveLength(30);
    const few = runCli(['scores', 'import', sheet(20), '--round', 'R1'], { db: path });
    expect(few.stderr.trim().split('\n').filter((l) => /s20\.csv:\d+: column "application_id"/.test(l))).toHaveLength(20);
    expect(existsSync(join(dir, 's20.errors.csv'))).toBe(false);
  });

  it('names the round an application of another round belongs to', () => {
    const path = setup(APPS, (db) => {
      const { policy, hash } = loadPolicy();
      insertRound(db, { roundId: 'R0', opensOn: '2021-06-01', closesOn: '2021-07-31', policyId: policy.id, policyHash: hash, policy, createdAt: '2021-06-01T00:00:00.000Z', createdBy: 'test', budgets: {} });
      insertApplications(db, 'R0', ['OLD-1']);
    });
    const file = join(tempDir(), 'other.csv');
    writeFileSync(file, 'application_id,expert_id,score,recused\nOLD-1,E01,80,否\n');
    const r = imp(path, file, '--json');
    expect(r.code).toBe(1);
    expect(r.json<ImportJson>().errors[0].message).toContain('belongs to round R0, not R1');
  });

  it('a repeat with a different score is an error without --update, and is logged old → new with it', () => {
    const path = setup();
    imp(path, join(F, 'scores.csv'));
    const refused = imp(path, join(F, 'update.csv'), '--json');
    expect(refused.code).toBe(1);
    const e = refused.json<ImportJson>().errors;
    expect(e).toHaveLength(1);
    expect(e[0]).toMatchObject({ line: 2, column: 'score', value: '89' });
    expect(e[0].message).toContain('already scored JM-0001 differently (88.00, from scores.csv line 3); give --update');
    expect(query(path, "SELECT score_centi FROM scores WHERE application_id = 'JM-0001' AND expert_id = 'E01'")).toBe(8800);

    const dry = imp(path, join(F, 'update.csv'), '--update', '--dry-run', '--json');
    expect(dry.code).toBe(0);
    expect(dry.json<ImportJson>()).toMatchObject({ dry_run: true, updated: 1, unchanged: 1 });
    expect(query(path, "SELECT score_centi FROM scores WHERE application_id = 'JM-0001' AND expert_id = 'E01'")).toBe(8800);

    const ok = imp(path, join(F, 'update.csv'), '--update', '--json');
    expect(ok.code).toBe(0);
    const j = ok.json<ImportJson>();
    expect(j).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 });
    expect(j.updates[0]).toMatchObject({ application_id: 'JM-0001', expert_id: 'E01', old: { score: '88.00' }, new: { score: '89.00' } });
    expect(query(path, "SELECT score_centi || ' ' || source_file || ':' || source_line FROM scores WHERE application_id = 'JM-0001' AND expert_id = 'E01'")).toBe('8900 update.csv:2');
    const details = JSON.parse(query<string>(path, "SELECT details FROM events WHERE command = 'scores import' ORDER BY seq DESC LIMIT 1")) as { updates: { old: { score: string }; new: { score: string } }[] };
    expect(details.updates[0].old.score).toBe('88.00');
    expect(details.updates[0].new.score).toBe('89.00');
    expect(query(path, "SELECT count(*) FROM event_apps WHERE application_id = 'JM-0001'")).toBe(2);
  });

  it('a repeat that differs only in its comment names the comment', () => {
    const path = setup();
    imp(path, join(F, 'scores.csv'));
    const file = join(tempDir(), 'comment.csv');
    writeFileSync(file, '申报编号,专家编号,评分,是否回避,评审意见\nJM-0001,E01,88,否,方案较完整\n');
    const r = imp(path, file, '--json');
    expect(r.code).toBe(1);
    const e = r.json<ImportJson>().errors[0];
    expect(e).toMatchObject({ line: 2, column: '评审意见', value: '方案较完整' });
    expect(e.message).toContain('(88.00, with a different comment (stored: "方案完整"), from scores.csv line 3)');
  });

  it('--dry-run validates and writes nothing', () => {
    const path = setup();
    const r = imp(path, join(F, 'scores.csv'), '--dry-run', '--json');
    expect(r.code).toBe(0);
    expect(r.json<ImportJson>()).toMatchObject({ dry_run: true, inserted: 12 });
    expect(scoreCount(path)).toBe(0);
    expect(eventCount(path, 'scores import')).toBe(0);
  });

  it('input errors exit 2: no header, missing file, unknown round, unknown encoding', () => {
    const path = setup();
    const dir = tempDir();
    const noHeader = join(dir, 'no-header.csv');
    writeFileSync(noHeader, '申报编号,专家编号,得分\nJM-0001,E01,80\n');
    const r = imp(path, noHeader);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no header row of a score sheet found');
    expect(r.stderr).toContain('score (评分), recused (是否回避)');
    expect(imp(path, join(dir, 'missing.csv')).code).toBe(2);
    const badRound = runCli(['scores', 'import', join(F, 'scores.csv'), '--round', 'NOPE'], { db: path });
    expect(badRound.code).toBe(2);
    expect(badRound.stderr).toContain('no round NOPE');
    expect(imp(path, join(F, 'scores.csv'), '--encoding', 'latin9').code).toBe(2);
    expect(scoreCount(path)).toBe(0);
  });

  it('reads .xlsx with typed numbers and booleans', async () => {
    const path = setup();
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('评分');
    ws.addRow(['申报编号', '专家编号', '评分(分)', '是否回避', '评审意见']);
    ws.addRow(['JM-0001', 'E01', 88.5, false, '好']);
    ws.addRow(['JM-0001', 'E02', 90, false, null]);
    ws.addRow(['JM-0001', 'E03', null, true, '回避']);
    const file = join(tempDir(), 'scores.xlsx');
    await wb.xlsx.writeFile(file);
    const r = imp(path, file, '--json');
    expect(r.stderr).toBe('');
    expect(r.json<ImportJson>()).toMatchObject({ inserted: 3, errors: [] });
    expect(query(path, "SELECT score_centi FROM scores WHERE expert_id = 'E01'")).toBe(8850);
    expect(query(path, "SELECT recused FROM scores WHERE expert_id = 'E03'")).toBe(1);
  });
});

describe('scores import in the import worker (JMFUND_IMPORT_WORKER)', () => {
  it('the same outputs, rows, seals, events and rejects file as reading in the main thread; a refused sheet leaves the ledger as it was; verify passes', async () => {
    const dir = tempDir('jmfund-scores-worker-');
    const ids = Array.from({ length: 1000 }, (_, i) => `JM-${String(i + 1).padStart(4, '0')}`);
    // Comments as officers write them, and what a seal's JSON must escape: quotes, backslashes, tabs, line breaks, emoji.
    const comments = ['', '方案完整，建议支持', 'says "yes"', 'C:\\评审\\意见', 'tab\there', 'two\nlines', '👍 好', '  spaces  ', '注意：预算偏高'];
    const big = join(dir, 'big.csv');
    const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
    const lines = ['申报编号,专家编号,评分,是否回避,评审意见'];
    ids.forEach((id, i) => {
      for (let e = 1; e <= 3; e++) {
        const recused = (i + e) % 97 === 0;
        lines.push([id, `E0${e}`, recused ? '' : `${60 + ((i * 7 + e * 13) % 40)}.${(i + e) % 100}`, recused ? '是' : '否', comments[(i + e) % comments.length]].map(csvCell).join(','));
      }
    });
    writeFileSync(big, `\uFEFF${lines.join('\r\n')}\r\n`);
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('评分');
    ws.addRow(['申报编号', '专家编号', '评分(分)', '是否回避', '评审意见']);
    ws.addRow(['JM-0005', 'E04', 88.5, false, '好']);
    ws.addRow(['JM-0006', 'E04', null, true, '回避']);
    const book = join(dir, 'scores.xlsx');
    await wb.xlsx.writeFile(book);
    const runs: string[][] = [
      [join(F, 'errors.csv')],
      [big],
      [join(F, 'scores-pasted.csv')],
      [join(F, 'errors.csv'), '--skip-invalid', '--rejects', 'REJECTS'],
      [join(F, 'update.csv')],
      [join(F, 'update.csv'), '--update'],
      [join(F, 'scores-gb18030.csv')],
      [book],
    ];
    const ledger = () => {
      // The applications under an event of their own, so that verify accounts for them.
      const { db, path } = ledgerWithRound('R1');
      inTransaction(db, () => {
        insertApplications(db, 'R1', ids);
        appendEvent(db, { at: '2022-05-01T00:00:00.000Z', officer: 'o', command: 'import', roundId: 'R1' });
      });
      db.close();
      return path;
    };
    const commands = runs.map(([file, ...args]) => ['scores', 'import', file, '--round', 'R1', ...args]);
    const [w, m] = importBothWays(ledger, commands, dir, { JMFUND_NOW: '2022-05-16T01:00:00.000Z' }, (all) => all('SELECT * FROM scores ORDER BY application_id, expert_id'));
    expect(w.told.map((t) => t.code)).toEqual([1, 0, 1, 1, 1, 0, 1, 0]);
    expect(w.told[2].stderr).toContain("give --update to replace it");
    expect(w.rows).toHaveLength(3002);
    expect(w.rows).toContainEqual(['JM-0010', 'R1', 'E03', expect.any(Number), null, 0, 'C:\\评审\\意见', 'big.csv', 34, expect.any(String), '2022-05-16T01:00:00.000Z']);
    expect(w).toEqual(m);
  });
});

describe('jmfund scores aggregate', () => {
  let path: string;
  beforeAll(() => {
    path = setup();
    expect(imp(path, join(F, 'scores.csv')).code).toBe(0);
  });

  it('uses the policy default (mean) and prints the JSON shape of the issue', () => {
    const r = runCli(['scores', 'aggregate', '--round', 'R1', '--json'], { db: path });
    expect(r.code).toBe(0);
    const j = r.json<AggregateJson>();
    expect(j.round).toBe('R1');
    expect(j.method).toBe('mean');
    expect(j.applications).toEqual([
      { application_id: 'JM-0001', score: '87.83', status: 'scored', experts: 3, recused: 0, outliers: [] },
      { application_id: 'JM-0002', score: '69.08', status: 'scored', experts: 3, recused: 1, outliers: [] },
      { application_id: 'JM-0003', score: '59.67', status: 'below-threshold', experts: 3, recused: 0, outliers: [] },
      { application_id: 'JM-0004', score: null, status: 'insufficient-reviews', experts: 2, recused: 0, outliers: [] },
      { application_id: 'JM-0005', score: null, status: 'insufficient-reviews', experts: 0, recused: 0, outliers: [] },
    ]);
    // Stored exactly: (72 + 75.25 + 60) / 3 = 207.25 / 3 = 829/12.
    expect(query(path, "SELECT method || ' ' || score_num || '/' || score_den || ' ' || score_display || ' ' || score_key FROM score_aggregates WHERE application_id = 'JM-0002'")).toBe(
      `mean 829/12 69.08 069.083333333333333333333333333333`,
    );
    const ev = JSON.parse(query<string>(path, "SELECT details FROM events WHERE command = 'scores aggregate' ORDER BY seq DESC LIMIT 1")) as Record<string, unknown>;
    expect(ev).toMatchObject({ method: 'mean', applications: 5, scored: 2, 'below-threshold': 1, 'insufficient-reviews': 2 });
  });

  it('replaces the previous aggregate with the method given', () => {
    const r = runCli(['scores', 'aggregate', '--round', 'R1', '--method', 'z-score', '--json'], { db: path });
    expect(r.code).toBe(0);
    expect(r.json<AggregateJson>().method).toBe('z-score');
    expect(query(path, "SELECT count(*) FROM score_aggregates WHERE round_id = 'R1'")).toBe(5);
    expect(query(path, "SELECT count(DISTINCT method) || method FROM score_aggregates")).toBe('1z-score');
    expect(query(path, "SELECT length(score_den) FROM score_aggregates WHERE application_id = 'JM-0001'")).toBe(41);
    // SQL ORDER BY score_key gives the ranking.
    const db = new Database(path, { readonly: true });
    const order = db.prepare("SELECT application_id FROM score_aggregates WHERE round_id = 'R1' AND score_key IS NOT NULL ORDER BY score_key DESC").pluck().all();
    db.close();
    expect(order).toEqual(['JM-0001', 'JM-0002', 'JM-0003']);
    expect(eventCount(path, 'scores aggregate')).toBe(2);
  });

  it('refuses an unknown method (exit 2)', () => {
    expect(runCli(['scores', 'aggregate', '--round', 'R1', '--method', 'max'], { db: path }).code).toBe(2);
  });

  it('human output: ranked table and counts', () => {
    const r = runCli(['scores', 'aggregate', '--round', 'R1', '--method', 'median'], { db: path });
    expect(r.code).toBe(0);
    // JM-0003's median is exactly the threshold 60 (58, 60, 61): scored.
    expect(r.stdout).toContain('5 applications aggregated by median (Art. 11): 3 scored, 0 below 60, 2 with fewer than 3 valid reviews');
    expect(r.stdout).toMatch(/JM-0001\t88\.00\tscored\t3\t0/);
    expect(r.stdout).toMatch(/JM-0003\t60\.00\tscored\t3\t0/);
  });
});

describe('jmfund scores show / experts', () => {
  it('show lists each expert and how the trimmed mean was reached', () => {
    const path = setup();
    const file = join(tempDir(), 'five.csv');
    writeFileSync(file, 'application_id,expert_id,score,recused,comment\nJM-0001,E1,50,n,harsh\nJM-0001,E2,70,n,\nJM-0001,E3,80,n,\nJM-0001,E4,90,n,\nJM-0001,E5,100,n,\nJM-0001,E6,,y,conflict\n');
    expect(imp(path, file).code).toBe(0);
    expect(runCli(['scores', 'aggregate', '--round', 'R1', '--method', 'trimmed-mean'], { db: path }).code).toBe(0);
    const r = runCli(['scores', 'show', 'JM-0001', '--json'], { db: path });
    expect(r.code).toBe(0);
    const j = r.json<{ scores: { expert_id: string; score: string | null; recused: boolean; comment: string | null }[]; aggregate: { method: string; score: string; status: string; outliers: string[]; details: { dropped: string[]; used: string[] }; stale: boolean } }>();
    expect(j.scores).toHaveLength(6);
    expect(j.scores[0]).toMatchObject({ expert_id: 'E1', score: '50.00', recused: false, comment: 'harsh' });
    expect(j.scores[5]).toMatchObject({ expert_id: 'E6', score: null, recused: true, comment: 'conflict' });
    expect(j.aggregate).toMatchObject({ method: 'trimmed-mean', score: '80.00', status: 'scored', stale: false, details: { dropped: ['E1', 'E5'], used: ['E2', 'E3', 'E4'] } });
    // 50 against the others' mean 85: 35 > 20; 100 against 72.5: 27.5 > 20.
    expect(j.aggregate.outliers).toEqual(['E1', 'E5']);
    const human = runCli(['scores', 'show', 'JM-0001'], { db: path });
    expect(human.stdout).toContain('dropped the lowest (E1) and the highest (E5); mean of the rest (E2, E3, E4)');
    expect(runCli(['scores', 'show', 'NOPE'], { db: path }).code).toBe(2);
  });

  it('show explains the z-score with each expert’s μ and σ', () => {
    const path = setup();
    imp(path, join(F, 'scores.csv'));
    runCli(['scores', 'aggregate', '--round', 'R1', '--method', 'z-score'], { db: path });
    const r = runCli(['scores', 'show', 'JM-0001'], { db: path });
    expect(r.stdout).toContain('score = μ + σ × mean z; round μ = 76.16, σ = 14.00');
    // E01 scored 88, 72, 58, 95: μ 78.25, σ √206.1875 = 14.359…; z = (88 − 78.25) / 14.359… = 0.6790
    expect(r.stdout).toContain('E01: z = 0.6790 (expert μ = 78.25, σ = 14.36)');
  });

  it('experts: count, mean, population SD and difference from the round mean', () => {
    const path = setup();
    imp(path, join(F, 'scores.csv'));
    const r = runCli(['scores', 'experts', '--round', 'R1', '--json'], { db: path });
    expect(r.code).toBe(0);
    const j = r.json<{ overall: { scores: number; mean: string }; experts: { expert_id: string; scored: number; recused: number; mean: string | null; sd: string | null; difference: string | null }[] }>();
    expect(j.overall.scores).toBe(11);
    expect(j.experts.map((e) => e.expert_id)).toEqual(['E01', 'E02', 'E03', 'E04']);
    expect(j.experts[0]).toMatchObject({ scored: 4, recused: 0, mean: '78.25', sd: '14.36', difference: '+2.09' });
    expect(j.experts[1]).toMatchObject({ scored: 3, recused: 1 });
    expect(j.experts[3]).toMatchObject({ scored: 1, mean: '60.00', sd: '0.00' });
  });
});

describe('per-criterion scores (policy criteria)', () => {
  function criteriaLedger(): string {
    const { db, path } = ledgerWithRound('R0');
    const base = loadPolicy().policy;
    const policy: Policy = {
      ...base,
      scoring: {
        ...base.scoring,
        criteria: [
          { key: 'innovation', zh: '创新性', en: 'Innovation', weightPercent: 40, max: 40 },
          { key: 'benefit', zh: '效益', en: 'Benefit', weightPercent: 60, max: 30 },
        ],
      },
    };
    insertRound(db, { roundId: 'R1', opensOn: '2022-03-01', closesOn: '2022-04-30', policyId: policy.id, policyHash: policyHash(policy), policy, createdAt: '2022-03-01T00:00:00.000Z', createdBy: 'test', budgets: {} });
    insertApplications(db, 'R1', ['C-1', 'C-2']);
    db.close();
    return path;
  }

  it('weighs the criteria, checks a total column against them, and shows each criterion', () => {
    const path = criteriaLedger();
    const bad = join(tempDir(), 'bad.csv');
    writeFileSync(bad, '申报编号,专家编号,创新性（分）,benefit,评分,是否回避\nC-1,E1,30,27,85,否\nC-1,E2,45,20,,否\n');
    const r = imp(path, bad, '--json');
    expect(r.code).toBe(1);
    const errs = r.json<ImportJson>().errors;
    expect(errs[0]).toMatchObject({ line: 2, column: '评分', value: '85' });
    expect(errs[0].message).toContain('weighted sum of the criteria, 84.00');
    expect(errs[1]).toMatchObject({ line: 3, column: '创新性（分）', value: '45' });
    expect(errs[1].message).toContain('outside 0-40');

    const good = join(tempDir(), 'good.csv');
    writeFileSync(good, '申报编号,专家编号,创新性（分）,benefit,评分,是否回避\nC-1,E1,30,27,84,否\nC-1,E2,20,20,,否\nC-1,E3,33.33,10,,否\nC-2,E1,,,,是\n');
    const ok = imp(path, good, '--json');
    expect(ok.stderr).toBe('');
    expect(ok.json<ImportJson>().inserted).toBe(4);
    expect(query(path, "SELECT criteria_json FROM scores WHERE application_id = 'C-1' AND expert_id = 'E3'")).toBe('{"innovation":3333,"benefit":1000}');
    const agg = runCli(['scores', 'aggregate', '--round', 'R1', '--json'], { db: path }).json<AggregateJson>();
    // 84, 60, 53.33 → 197.33 / 3 = 65.776…
    expect(agg.applications[0]).toMatchObject({ application_id: 'C-1', score: '65.78', status: 'scored' });
    expect(query(path, "SELECT score_num || '/' || score_den FROM score_aggregates WHERE application_id = 'C-1'")).toBe('19733/300');
    const show = runCli(['scores', 'show', 'C-1', '--json'], { db: path }).json<{ scores: { criteria: Record<string, string> }[]; aggregate: { details: { criteria: Record<string, string> } } }>();
    expect(show.scores[0].criteria).toEqual({ innovation: '30.00', benefit: '27.00' });
    expect(show.aggregate.details.criteria).toEqual({ innovation: '27.78', benefit: '19.00' });
  });

  it('in the import worker, a sheet of criteria gives the same rows and seals as read in the main thread', () => {
    const good = join(tempDir(), 'good.csv');
    writeFileSync(good, '申报编号,专家编号,创新性（分）,benefit,评分,是否回避,评审意见\nC-1,E1,30,27,84,否,"好, ""很好"""\nC-1,E2,20,20,,否,\nC-1,E3,33.33,10,,否,\nC-2,E1,,,,是,回避\n');
    const [w, m] = (['always', 'never'] as const).map((mode) => {
      const path = criteriaLedger();
      const r = runCli(['scores', 'import', good, '--round', 'R1'], { db: path, env: { JMFUND_IMPORT_WORKER: mode, JMFUND_NOW: '2022-05-16T01:00:00.000Z' } });
      expect(r.code, r.stderr).toBe(0);
      const db = new Database(path, { readonly: true });
      try {
        return [db.prepare('SELECT * FROM scores ORDER BY 1, 3').raw().all(), db.prepare("SELECT key, hex(hash) FROM row_seals WHERE tbl = 'scores' ORDER BY key").raw().all()];
      } finally {
        db.close();
      }
    });
    expect(w[1]).toHaveLength(4);
    expect(w[0]).toContainEqual(['C-1', 'R1', 'E1', null, '{"innovation":3000,"benefit":2700}', 0, '好, "很好"', 'good.csv', 2, expect.any(String), '2022-05-16T01:00:00.000Z']);
    expect(w).toEqual(m);
  });

  it('requires a column per criterion', () => {
    const path = criteriaLedger();
    const file = join(tempDir(), 'plain.csv');
    writeFileSync(file, 'application_id,expert_id,score,recused\nC-1,E1,80,no\n');
    const r = imp(path, file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('innovation (创新性)');
  });
});

describe('the exact aggregate where the rounded one cannot decide (issue 18)', () => {
  it('scores show and aggregate give the exact value of a score that rounds to the threshold or to another application', () => {
    const path = setup(['JM-0001', 'JM-0002', 'JM-0003']);
    const csv = join(tempDir(), 'ties.csv');
    // JM-0001: (60 + 60 + 59.99) / 3 = 59.99666… rounds to 60.00 yet is below the threshold of 60.
    // JM-0002 and JM-0003: 80.875 and 80.8766… both round to 80.88.
    writeFileSync(
      csv,
      ['application_id,expert_id,score,recused', ...['JM-0001,E1,60', 'JM-0001,E2,60', 'JM-0001,E3,59.99', 'JM-0002,E1,80.5', 'JM-0002,E2,81.25', 'JM-0002,E3,80.75', 'JM-0002,E4,81', 'JM-0003,E1,80.88', 'JM-0003,E2,80.88', 'JM-0003,E3,80.87'].map((l) => `${l},no`)].join('\n'),
    );
    const imported = runCli(['scores', 'import', csv, '--round', 'R1'], { db: path });
    expect(imported.code, imported.stderr).toBe(0);
    const agg = runCli(['--lang', 'zh', 'scores', 'aggregate', '--round', 'R1'], { db: path });
    expect(agg.code).toBe(0);
    expect(agg.stdout).toContain('60.00 (= 17999/300 = 59.996666666666…)');
    expect(agg.stdout).toContain('80.88 (= 80.875)');
    expect(agg.stdout).toContain('80.88 (= 24263/300 = 80.876666666666…)');
    const below = runCli(['--lang', 'zh', 'scores', 'show', 'JM-0001'], { db: path }).stdout;
    expect(below).toMatch(/精确得分\s+17999\/300 = 59\.996666666666…（低于入库分数线 60\.00）/);
    expect(below).toContain('低于入库分数线');
    const tie = runCli(['scores', 'show', 'JM-0002'], { db: path }).stdout;
    expect(tie).toMatch(/exact score\s+80\.875 \(rounds to the same as JM-0003\)/);
    // A score that ties nothing shows only its rounded value.
    expect(runCli(['scores', 'show', 'JM-0003', '--json'], { db: path }).json<{ aggregate: { exact: { num: string; den: string } } }>().aggregate.exact).toEqual({ num: '24263', den: '300' });
  });

  it('allocate and allocations show give the exact value beside a tied rounded score, and not when the aggregate changed since', () => {
    // Checked directly: the eligibility rules are not what is tested here.
    const path = setup(['JM-0001', 'JM-0002', 'JM-0003', 'JM-0004'], (db) => db.exec("INSERT INTO application_eligibility SELECT application_id, 'eligible' FROM applications"));
    const csv = join(tempDir(), 'ties.csv');
    writeFileSync(
      csv,
      ['application_id,expert_id,score,recused', ...['JM-0001,E1,60', 'JM-0001,E2,60', 'JM-0001,E3,59.99', 'JM-0002,E1,80.5', 'JM-0002,E2,81.25', 'JM-0002,E3,80.75', 'JM-0002,E4,81', 'JM-0003,E1,80.88', 'JM-0003,E2,80.88', 'JM-0003,E3,80.87', 'JM-0004,E1,70', 'JM-0004,E2,70', 'JM-0004,E3,71'].map((l) => `${l},no`)].join('\n'),
    );
    expect(runCli(['scores', 'import', csv, '--round', 'R1'], { db: path }).code).toBe(0);
    expect(runCli(['scores', 'aggregate', '--round', 'R1'], { db: path }).code).toBe(0);
    const row = (out: string, id: string) => out.split('\n').find((l) => l.includes(`\t${id}\t`)) ?? '';
    for (const args of [['allocate', '--round', 'R1'], ['allocations', 'show', '--round', 'R1']]) {
      const r = runCli(args, { db: path });
      expect(r.code, r.stderr).toBe(0);
      expect(row(r.stdout, 'JM-0001')).toContain('\t60.00 (= 17999/300 = 59.996666666666…)\t');
      expect(row(r.stdout, 'JM-0002')).toContain('\t80.88 (= 80.875)\t');
      expect(row(r.stdout, 'JM-0003')).toContain('\t80.88 (= 24263/300 = 80.876666666666…)\t');
      // 70.33 ties nothing: the rounded value alone.
      expect(row(r.stdout, 'JM-0004')).toContain('\t70.33\t');
    }
    // New scores change JM-0002's aggregate: the stored version keeps its 80.88, without an exact value that is no longer behind it.
    const more = join(tempDir(), 'more.csv');
    writeFileSync(more, 'application_id,expert_id,score,recused\nJM-0002,E5,90,no\n');
    expect(runCli(['scores', 'import', more, '--round', 'R1'], { db: path }).code).toBe(0);
    expect(runCli(['scores', 'aggregate', '--round', 'R1'], { db: path }).code).toBe(0);
    const shown = runCli(['allocations', 'show', '--round', 'R1'], { db: path });
    expect(row(shown.stdout, 'JM-0002')).toMatch(/\t80\.88\t/);
    expect(row(shown.stdout, 'JM-0003')).toContain('\t80.88 (= 24263/300 = 80.876666666666…)\t');
  });
});
