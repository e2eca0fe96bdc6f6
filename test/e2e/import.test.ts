// End-to-end: the built binary on the fixtures of fixtures/import.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { writeCreditListCsv, writeOfficerCsv } from '../../bench/lib/generate.mjs';
import { FIXTURES, importBothWays, ledgerWithRound, runCli, tempDir } from '../helpers.js';

const FIX = join(FIXTURES, 'import');
const fileSha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

function fresh(rounds: string[] = ['R1']): { path: string; dir: string } {
  const { db, path, dir } = ledgerWithRound(rounds[0]);
  db.close();
  for (const r of rounds.slice(1)) expect(runCli(['round', 'create', r, '--opens', '2022-03-01', '--closes', '2022-04-30'], { db: path }).code).toBe(0);
  return { path, dir };
}
const imp = (db: string, file: string, ...args: string[]) => runCli(['import', file.startsWith('/') ? file : join(FIX, file), '--round', 'R1', ...args], { db });

interface Summary {
  rows: number;
  new: number;
  already_there: number;
  updated: number;
  rejected: number;
  written: boolean;
  errors: { line: number; column: string; message: string }[];
  warnings: { line: number; message: string }[];
}

/** The applications table without provenance and timestamps, which differ by file and by run. */
function content(path: string): unknown[] {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT * FROM applications ORDER BY application_id').all() as Record<string, unknown>[]).map((r) => {
      const { source_file: _f, source_line: _l, source_sha256: _s, created_at: _c, updated_at: _u, ...rest } = r;
      return rest;
    });
  } finally {
    db.close();
  }
}
const query = <T>(path: string, sql: string): T[] => {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
};

describe('import: a clean file', () => {
  it('imports twenty applications across every category and district, and a re-import adds nothing', () => {
    const { path } = fresh();
    const r = imp(path, 'applications.csv', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json<Summary>()).toMatchObject({ rows: 20, new: 20, already_there: 0, updated: 0, rejected: 0, written: true, errors: [] });
    const apps = runCli(['applications', 'list', '--json'], { db: path }).json<{ category: string; district: string }[]>();
    expect(new Set(apps.map((a) => a.category))).toEqual(new Set(['benchmark-enterprise', 'benchmark-platform', 'sme-cloud', 'cluster-pilot', 'talent-training', 'other']));
    expect(new Set(apps.map((a) => a.district))).toEqual(new Set(['蓬江区', '江海区', '新会区', '台山市', '开平市', '鹤山市', '恩平市']));

    const before = fileSha(path);
    const again = imp(path, 'applications.csv');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('20 rows: 0 new, 20 already there, 0 updated, 0 rejected');
    expect(fileSha(path)).toBe(before);
  });

  it('the GB18030 file (Chinese headers, title row, 万元, Chinese dates, full-width digits), the .xlsx and the UTF-8 file give identical ledgers', () => {
    const a = fresh();
    const b = fresh();
    const c = fresh();
    expect(imp(a.path, 'applications.csv').code).toBe(0);
    const gb = imp(b.path, 'applications-gb18030.csv', '--json');
    expect(gb.code, gb.stderr).toBe(0);
    expect(gb.json<{ header_line: number; new: number }>()).toMatchObject({ header_line: 3, new: 20 });
    const x = imp(c.path, 'applications.xlsx', '--json');
    expect(x.code, x.stderr).toBe(0);
    expect(x.json<{ new: number }>().new).toBe(20);
    const utf8 = content(a.path);
    expect(content(b.path)).toEqual(utf8);
    expect(content(c.path)).toEqual(utf8);
    // Characters GB2312 lacks survive.
    expect(JSON.stringify(utf8)).toContain('江门市堃达智能装备有限公司');
    expect(JSON.stringify(utf8)).toContain('台山市燊华电机有限公司');
    expect(JSON.stringify(utf8)).toContain('江门市珺汇精密制造有限公司');
    // Once one is in, the other two are already there.
    expect(imp(a.path, 'applications-gb18030.csv', '--json').json<Summary>()).toMatchObject({ new: 0, already_there: 20 });
    expect(imp(a.path, 'applications.xlsx', '--json').json<Summary>()).toMatchObject({ new: 0, already_there: 20 });
  });

  it('the summary sheet with a totals row (合计) and notes at its foot: they are left out with a warning, in the worker or not', () => {
    const plain = fresh();
    expect(imp(plain.path, 'applications-gb18030.csv').code).toBe(0);
    const sheet = iconv.decode(readFileSync(join(FIX, 'applications-gb18030.csv')), 'gb18030').replace(/\r?\n$/, '');
    const width = sheet.split(/\r?\n/)[2].split(',').length;
    const foot = ['', '合  计', ...Array(width - 2).fill('')];
    foot[7] = '9600';
    const file = join(tempDir(), '申报汇总表.csv');
    const note = (t: string) => [t, ...Array(width - 1).fill('')].join(',');
    writeFileSync(file, iconv.encode(`${sheet}\r\n${foot.join(',')}\r\n${note('注：金额单位为万元。')}\r\n${note('填表人：张三')}\r\n`, 'gb18030'));
    for (const worker of ['always', 'never']) {
      const { path } = fresh();
      const r = runCli(['import', file, '--round', 'R1', '--json'], { db: path, env: { JMFUND_IMPORT_WORKER: worker } });
      expect(r.code, r.stderr).toBe(0);
      const j = r.json<Summary & { not_applications: number }>();
      expect(j).toMatchObject({ rows: 23, new: 20, not_applications: 3, rejected: 0, errors: [] });
      expect(j.warnings.map((w) => [w.line, w.message])).toEqual([
        [24, `${file}:24: the "合  计" row is the sheet's totals row, not an application: left out`],
        [25, `${file}:25: the row "注：金额单位为万元。" holds one text only (a note or a group heading), not an application: left out`],
        [26, `${file}:26: the row "填表人：张三" holds one text only (a note or a group heading), not an application: left out`],
      ]);
      expect(content(path)).toEqual(content(plain.path));
    }
    const zh = runCli(['import', file, '--round', 'R1', '--lang', 'zh', '--dry-run'], { db: fresh().path });
    expect(zh.stdout).toContain('23 行：新增 20，已存在 0，更新 0，出错 0，合计行或说明行 3（未导入）');
    expect(zh.stderr).toContain(`警告：${file}:24：「合  计」行是汇总表的合计行，不是申报，未导入`);
  });

  it('a header of two rows, units under the labels or group labels above them, reads as the one-row header does', () => {
    const plain = fresh();
    expect(imp(plain.path, 'applications-gb18030.csv').code).toBe(0);
    const lines = iconv.decode(readFileSync(join(FIX, 'applications-gb18030.csv')), 'gb18030').replace(/\r?\n$/, '').split(/\r?\n/);
    const header = lines[2].split(',');
    const unitOf = (h: string) => /[（(](万元|元|人)[)）]$/.exec(h)?.[1] ?? '';
    // Units on a row of their own: 项目总投入 over （万元）.
    const units = [...lines.slice(0, 2), header.map((h) => h.replace(/[（(](万元|元|人)[)）]$/, '')).join(','), header.map((h) => (unitOf(h) ? `（${unitOf(h)}）` : '')).join(','), ...lines.slice(3)];
    // Group labels above: 企业名称 merged over both rows (written above only), 项目投资情况 over 项目总投入.
    const upper = header.map((h, i) => (i === 1 ? h : i === 7 ? '项目投资情况' : ''));
    const stacked = [...lines.slice(0, 2), upper.join(','), header.map((h, i) => (i === 1 ? '' : h)).join(','), ...lines.slice(3)];
    for (const [name, rows, headerLine] of [['units.csv', units, 3], ['stacked.csv', stacked, 4]] as const) {
      const file = join(tempDir(), name);
      writeFileSync(file, iconv.encode(`${rows.join('\r\n')}\r\n`, 'gb18030'));
      const { path } = fresh();
      const r = runCli(['import', file, '--round', 'R1', '--json'], { db: path });
      expect(r.code, r.stderr).toBe(0);
      expect(r.json<Summary & { header_line: number }>(), name).toMatchObject({ header_line: headerLine, rows: 20, new: 20, rejected: 0 });
      expect(content(path), name).toEqual(content(plain.path));
    }
  });

  it('a tab-separated file (what many systems export as .xls or .txt) reads as the CSV', () => {
    const plain = fresh();
    expect(imp(plain.path, 'applications.csv').code).toBe(0);
    const rows = readFileSync(join(FIX, 'applications.csv'), 'utf8').replace(/\r?\n$/, '').split(/\r?\n/);
    // The fixture quotes no cell: its commas are all separators.
    const file = join(tempDir(), '申报导出.xls');
    writeFileSync(file, iconv.encode(`${rows.map((r) => r.split(',').join('\t')).join('\r\n')}\r\n`, 'gb18030'));
    const { path } = fresh();
    const r = runCli(['import', file, '--round', 'R1', '--json'], { db: path });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json<Summary>()).toMatchObject({ rows: 20, new: 20, rejected: 0 });
    expect(content(path)).toEqual(content(plain.path));
  });

  it('decodes a UTF-16 file', () => {
    const { path } = fresh();
    const r = imp(path, 'applications-utf16.csv', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json<Summary>().new).toBe(3);
    expect(imp(path, 'applications.csv', '--json').json<Summary>()).toMatchObject({ new: 17, already_there: 3 });
  });

  it('--encoding forces a decoding', () => {
    const { path } = fresh();
    const r = imp(path, 'applications-gb18030.csv', '--encoding', 'gbk', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json<Summary>().new).toBe(20);
    expect(imp(path, 'applications.csv', '--encoding', 'klingon').code).toBe(2);
  });

  it('keeps provenance and the extra columns', () => {
    const { path } = fresh();
    imp(path, 'applications.csv');
    const a = runCli(['applications', 'show', 'A001', '--json'], { db: path }).json<{ source: { file: string; line: number; sha256: string }; extra: Record<string, string> }>();
    expect(a.source).toEqual({ file: 'applications.csv', line: 2, sha256: fileSha(join(FIX, 'applications.csv')) });
    expect(a.extra).toEqual({ 备注: '重点项目' });
  });
});

describe('import: a row number column (序号)', () => {
  it('is not kept: the same applications renumbered, in another order, are already there', () => {
    const { path } = fresh();
    const [head, ...rows] = readFileSync(join(FIX, 'applications.csv'), 'utf8').replace(/\r?\n$/, '').split(/\r?\n/);
    const dir = tempDir();
    const first = join(dir, 'first.csv');
    writeFileSync(first, [`序号,${head}`, ...rows.map((r, i) => `${i + 1},${r}`)].join('\n'));
    const again = join(dir, 'again.csv');
    writeFileSync(again, [`序号,${head}`, ...[...rows].reverse().map((r, i) => `${i + 1},${r}`)].join('\n'));
    expect(imp(path, first).code).toBe(0);
    expect(runCli(['applications', 'show', 'A001', '--json'], { db: path }).json<{ extra: Record<string, string> }>().extra).toEqual({ 备注: '重点项目' });
    const r = imp(path, again, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json<Summary>()).toMatchObject({ new: 0, already_there: 20, updated: 0, rejected: 0 });
  });
});

describe('import: bad input', () => {
  const cases: [file: string, code: number, expected: string[]][] = [
    ['uscc-length.csv', 1, ['uscc-length.csv:3: column uscc (统一社会信用代码): unified social credit code "91440704MA1000025" has 17 characters; 18 are needed']],
    ['uscc-alphabet.csv', 1, ['uscc-alphabet.csv:4: column uscc (统一社会信用代码):', '"O" at position 11', 'never I, O, S, V or Z']],
    ['negative-amount.csv', 1, ['negative-amount.csv:3: column requested_amount (申请补贴金额): amount "-5000.00" is negative']],
    ['amount-not-number.csv', 1, ['amount-not-number.csv:4: column total_investment (项目总投入): amount "12,34" is not a recognised amount; accepted forms: 1234567.89, 1,234,567.89, ¥1,234,567, 1234567元, 123.45万']],
    ['impossible-date.csv', 1, ['impossible-date.csv:3: column established_on (成立日期): date "2022-02-30" is not a real calendar date; accepted forms: 2021-05-16']],
    ['unknown-category.csv', 1, ['unknown-category.csv:2: column category (申报类别): unknown category "smart-city"; accepted: benchmark-enterprise (标杆示范·方向一 工业企业应用标杆)']],
    ['missing-column.csv', 1, ['missing-column.csv:1: missing required column: project_name (项目名称)']],
    ['unclosed-quote.csv', 1, ['unclosed-quote.csv:3: ', 'unclosed quote']],
    ['too-many-fields.csv', 1, ['too-many-fields.csv:3: the row has 23 fields but the header has 22 columns (extra field "surplus" at position 23)']],
    ['empty.csv', 2, ['is empty (0 bytes)']],
    ['binary.csv', 2, ['is not a text file']],
    [
      'duplicate-id.csv',
      1,
      [
        'duplicate-id.csv:4: column application_id (申报编号): application_id A001 appears twice in this file (first on line 2) with different values (line 2 → this line): enterprise_name (江门市堃达智能装备有限公司 → 台山市燊华电机有限公司)',
        'requested_amount (1,000,000.00 → 800,000.00)',
        'extra.备注 (重点项目 → 含5G专网); keep only the right one of the two rows',
      ],
    ],
    ['multiline-note.csv', 1, ['multiline-note.csv:6: column requested_amount (申请补贴金额): amount "twelve"']],
  ];

  for (const [file, code, expected] of cases) {
    it(`${file}: exit ${code}, a clear message, the ledger unchanged`, () => {
      const { path } = fresh();
      const before = fileSha(path);
      const r = imp(path, join('bad', file));
      expect(r.code, r.stderr).toBe(code);
      for (const e of expected) expect(r.stderr).toContain(e);
      expect(fileSha(path)).toBe(before);
      // --json prints only JSON on stdout, even when it fails.
      const j = imp(path, join('bad', file), '--json');
      expect(j.code).toBe(code);
      if (code === 1) expect(j.json<Summary>().errors.length).toBeGreaterThan(0);
      else expect(j.stdout).toBe('');
    });
  }

  it('lists every error of every row, not just the first', () => {
    const { path } = fresh();
    const r = imp(path, 'bad/many-errors.csv', '--json');
    expect(r.code).toBe(1);
    const s = r.json<Summary>();
    expect(s.errors.map((e) => [e.line, e.column])).toEqual([
      [2, 'total_investment'],
      [2, 'submitted_on'],
      [3, 'uscc'],
      [4, 'other_fiscal_support'],
    ]);
    expect(s).toMatchObject({ rows: 3, new: 0, rejected: 3, written: false });
  });

  it('reports a missing column once, before any row', () => {
    const { path } = fresh();
    const r = imp(path, 'bad/missing-column.csv');
    expect(r.stderr.match(/missing required column/g)).toHaveLength(1);
    // One diagnostic, at the header's line; no row is read.
    expect(r.stderr.match(/missing-column\.csv:\d+/g)).toEqual(['missing-column.csv:1']);
  });

  it('a header-only file imports nothing and says so (exit 0)', () => {
    const { path } = fresh();
    const r = imp(path, 'bad/header-only.csv');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no rows after the header (line 1); nothing imported');
  });

  it('a USCC whose check character fails is imported with a warning naming the expected character', () => {
    const { path } = fresh();
    const r = imp(path, 'bad/uscc-check.csv', '--json');
    expect(r.code).toBe(0);
    expect(r.json<Summary>()).toMatchObject({ new: 3 });
    expect(r.stderr).toContain('warning: ');
    expect(r.stderr).toContain('uscc-check.csv:3: column uscc (统一社会信用代码): unified social credit code "91440704MA1000025A": check character should be P, not A');
  });

  it('speaks Chinese with --lang zh', () => {
    const { path } = fresh();
    const r = runCli(['--lang', 'zh', 'import', join(FIX, 'bad', 'amount-not-number.csv'), '--round', 'R1'], { db: path });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('amount-not-number.csv:4：列 total_investment（项目总投入）：金额「12,34」无法识别；可接受的写法：');
    expect(r.stdout).toContain('未导入任何内容');
    // Nothing was written: the line leads with that, and says what the other rows would have done, not "新增 2".
    expect(r.stdout).toMatch(/amount-not-number\.csv：有 1 行出错（见上），未导入任何内容（共 \d+ 行，其余各行可新增 \d+，/);
    expect(r.stdout).not.toMatch(/：\d+ 行：新增/);
    const en = runCli(['import', join(FIX, 'bad', 'amount-not-number.csv'), '--round', 'R1'], { db: path });
    expect(en.stdout).toMatch(/amount-not-number\.csv: 1 row has errors \(listed above\), so nothing was imported \(\d+ rows; of the others \d+ would be new, /);
  });

  it('an unknown round or a missing file is a usage error', () => {
    const { path } = fresh();
    expect(runCli(['import', join(FIX, 'applications.csv'), '--round', 'NOPE'], { db: path }).code).toBe(2);
    const r = imp(path, join(FIX, 'no-such-file.csv'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no such file');
  });
});

describe('import: options', () => {
  it('--skip-invalid --rejects imports the good rows and writes the bad ones, which import once fixed', () => {
    const { path, dir } = fresh();
    const rejects = join(dir, 'rejects.csv');
    expect(imp(path, 'bad/amount-not-number.csv', '--skip-invalid').code).toBe(2);
    const r = imp(path, 'bad/amount-not-number.csv', '--skip-invalid', '--rejects', rejects, '--json');
    expect(r.code).toBe(1);
    expect(r.json<Summary>()).toMatchObject({ new: 2, rejected: 1, written: true });
    const text = readFileSync(rejects, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).split('\r\n');
    expect(lines[0]).toBe(`${readFileSync(join(FIX, 'bad', 'amount-not-number.csv'), 'utf8').split('\n')[0]},error`);
    expect(lines[1]).toMatch(/^A003,台山市燊华电机有限公司,91440781MA10000333,台山市,2010-01-20,yes,benchmark-enterprise,,电机生产线5G\+工业互联网改造,"12,34",800000\.00,/);
    expect(lines[1]).toContain('total_investment (项目总投入): amount ""12,34"" is not a recognised amount');
    // An existing rejects file is not overwritten without --force.
    expect(imp(path, 'bad/amount-not-number.csv', '--skip-invalid', '--rejects', rejects).code).toBe(2);
    // The officer fixes the amount and imports the rejects file as it is.
    writeFileSync(rejects, text.replace('"12,34"', '1234000'));
    const fixed = imp(path, rejects, '--json');
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.json<Summary>()).toMatchObject({ new: 1, already_there: 0 });
    const a3 = runCli(['applications', 'show', 'A003', '--json'], { db: path }).json<{ total_investment_fen: number; extra: object }>();
    expect(a3.total_investment_fen).toBe(123_400_000);
    expect(a3.extra).toEqual({ 备注: '含5G专网' });
  });

  it('--dry-run validates and reports without writing', () => {
    const { path } = fresh();
    const before = fileSha(path);
    const r = imp(path, 'applications.csv', '--dry-run', '--json');
    expect(r.code).toBe(0);
    expect(r.json<Summary>()).toMatchObject({ new: 20, written: false });
    expect(imp(path, 'applications.csv', '--dry-run').stdout).toContain('dry run');
    expect(fileSha(path)).toBe(before);
    expect(imp(path, 'bad/negative-amount.csv', '--dry-run').code).toBe(1);
  });

  it('a repeat with other values is an error naming the fields; --update applies it and logs old and new values', () => {
    const { path } = fresh();
    imp(path, 'applications.csv');
    const before = fileSha(path);
    const r = imp(path, 'changed.csv');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('changed.csv:3: application A002 is already in the ledger with different values: requested_amount (900,000.00 → 850,000.00), extra.备注 (— → 金额已核减); use --update to replace them');
    expect(fileSha(path)).toBe(before);
    const u = imp(path, 'changed.csv', '--update', '--json');
    expect(u.code, u.stderr).toBe(0);
    expect(u.json<Summary>()).toMatchObject({ new: 0, already_there: 2, updated: 1 });
    const shown = runCli(['applications', 'show', 'A002', '--json'], { db: path }).json<{ requested_amount_fen: number; events: { command: string; details: { updates: unknown[] } }[] }>();
    expect(shown.requested_amount_fen).toBe(85_000_000);
    expect(shown.events.map((e) => e.command)).toEqual(['import', 'import']);
    expect(shown.events[1].details.updates).toEqual([
      {
        application_id: 'A002',
        state_before: 'imported',
        changes: [
          { field: 'requested_amount_fen', old: 90_000_000, new: 85_000_000 },
          { field: 'extra.备注', old: '', new: '金额已核减' },
        ],
      },
    ]);
    expect(imp(path, 'changed.csv', '--update', '--json').json<Summary>()).toMatchObject({ updated: 0, already_there: 3 });
  });

  it('a row pasted twice is taken once with a warning naming both lines; importing the file again adds nothing', () => {
    // Made by the commands, so that the ledger verifies.
    const path = join(tempDir(), 'ledger.db');
    expect(runCli(['init'], { db: path }).code).toBe(0);
    expect(runCli(['round', 'create', 'R1', '--opens', '2022-03-01', '--closes', '2022-04-30'], { db: path }).code).toBe(0);
    const r = imp(path, 'pasted-twice.csv', '--json');
    expect(r.code, r.stderr).toBe(0);
    const first = r.json<Summary & { repeated_in_file: number }>();
    expect(first).toMatchObject({ rows: 23, new: 20, already_there: 0, repeated_in_file: 3, updated: 0, rejected: 0, written: true, errors: [] });
    expect(first.warnings.map((w) => [w.line, w.message.replace(`${FIX}/`, '')])).toEqual([
      [12, 'pasted-twice.csv:12: column application_id (申报编号): the same as line 3, value for value (application A002): taken once'],
      [23, 'pasted-twice.csv:23: column application_id (申报编号): the same as line 17, value for value (application A015): taken once'],
      [24, 'pasted-twice.csv:24: column application_id (申报编号): the same as line 17, value for value (application A015): taken once'],
    ]);
    const once = fresh().path;
    expect(imp(once, 'applications.csv').code).toBe(0);
    expect(content(path)).toEqual(content(once));
    // Again: every row already there, the repeats said again; nothing written, the ledger verifies.
    const again = imp(path, 'pasted-twice.csv', '--json');
    expect(again.code, again.stderr).toBe(0);
    expect(again.json<Summary>()).toMatchObject({ rows: 23, new: 0, already_there: 20, repeated_in_file: 3, updated: 0, rejected: 0, written: false });
    const v = runCli(['verify'], { db: path });
    expect(v.code, v.stdout + v.stderr).toBe(0);
    const zh = runCli(['import', join(FIX, 'pasted-twice.csv'), '--round', 'R1', '--lang', 'zh'], { db: path });
    expect(zh.stdout).toContain('23 行：新增 0，已存在 20，文件内重复 3，更新 0，出错 0');
    expect(zh.stderr).toContain('pasted-twice.csv:12：列 application_id（申报编号）：与第 3 行完全相同（申报 A002），只计一次');
  });

  it('--update of a checked application drops its status: it reads imported until checked again; the others keep theirs', () => {
    const { path } = fresh();
    imp(path, 'applications.csv');
    runCli(['check', '--round', 'R1'], { db: path });
    type Shown = { state: string; eligibility: { status: string | null } | null };
    const show = (id: string) => runCli(['applications', 'show', id, '--json'], { db: path }).json<Shown>();
    const other = show('A001');
    expect(other.eligibility?.status).not.toBeNull();
    expect(show('A002').state).not.toBe('imported');
    expect(imp(path, 'changed.csv', '--update', '--json').json<Summary>()).toMatchObject({ updated: 1 });
    const a2 = show('A002');
    expect([a2.state, a2.eligibility?.status ?? null]).toEqual(['imported', null]);
    expect(show('A001')).toEqual(other);
    // The round of this test was written without an event; every other row is accounted for.
    const v = runCli(['--json', 'verify'], { db: path }).json<{ problems: { ref: { table: string } }[] }>();
    expect(v.problems.map((p) => p.ref.table)).toEqual(['rounds']);
  });

  it('an application_id used in another round is a row error', () => {
    const { path } = fresh(['R1', 'R2']);
    imp(path, 'applications.csv');
    const r = runCli(['import', join(FIX, 'applications.csv'), '--round', 'R2'], { db: path });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('applications.csv:2: column application_id (申报编号): application_id A001 is already used in round R1; application ids are unique across the ledger');
  });

  it('without an application_id column, ids are ROUND-NNNN; a repeat by USCC and project keeps its id', () => {
    const { path } = fresh();
    const r = imp(path, 'no-ids.csv', '--json');
    expect(r.code, r.stderr).toBe(0);
    const ids = runCli(['applications', 'list', '--json'], { db: path }).json<{ application_id: string }[]>().map((a) => a.application_id);
    expect(ids).toEqual(['R1-0001', 'R1-0002', 'R1-0003']);
    expect(imp(path, 'no-ids.csv', '--json').json<Summary>()).toMatchObject({ new: 0, already_there: 3 });
    const clash = imp(path, 'applications.csv');
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain('applications.csv:2: column application_id (申报编号): this enterprise\'s project is already application R1-0001 in this round, but the file gives application_id A001');
  });

  it('--sheet picks a worksheet of an .xlsx file', () => {
    const { path } = fresh();
    const other = imp(path, 'applications.xlsx', '--sheet', '说明');
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('missing required columns');
    const none = imp(path, 'applications.xlsx', '--sheet', 'nope');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('"申报汇总", "说明"');
    expect(imp(path, 'applications.xlsx', '--sheet', '申报汇总', '--json').json<Summary>().new).toBe(20);
  });

  it('an .xlsx read through a temporary directory that cannot be used: that directory is named, not the workbook as missing, and nothing is written', () => {
    const { path } = fresh();
    const before = fileSha(path);
    const missing = join(tempDir(), 'no-such-dir');
    const r = runCli(['import', join(FIX, 'applications.xlsx'), '--round', 'R1'], { db: path, env: { TMPDIR: missing } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the temporary directory ${missing} could not be used`);
    expect(r.stderr).toContain('TMPDIR');
    expect(r.stderr).not.toContain('no such file\n');
    const zh = runCli(['import', join(FIX, 'applications.xlsx'), '--round', 'R1'], { db: path, env: { TMPDIR: missing, JMFUND_LANG: 'zh' } });
    expect(zh.stderr).toContain(`临时目录 ${missing} 无法使用`);
    expect(fileSha(path)).toBe(before);
  });

  it('a rejected cell that looks like a formula is neutralised in the rejects file and reads back as written', () => {
    const { path, dir } = fresh();
    const rejects = join(dir, 'rejects.csv');
    expect(imp(path, 'bad/negative-amount.csv', '--skip-invalid', '--rejects', rejects).code).toBe(1);
    const text = readFileSync(rejects, 'utf8');
    expect(text).toContain(",'-5000.00,");
    const again = imp(path, rejects, '--json');
    expect(again.code).toBe(1);
    expect(again.json<Summary>().errors[0].message).toContain('amount "-5000.00" is negative');
    writeFileSync(rejects, text.replace("'-5000.00", '5000.00'));
    expect(imp(path, rejects, '--json').json<Summary>()).toMatchObject({ new: 1 });
  });

  it('--mapping reads other header names', () => {
    const { path } = fresh();
    expect(imp(path, 'custom-headers.csv').code).toBe(1);
    const r = imp(path, 'custom-headers.csv', '--mapping', join(FIX, 'custom-headers.mapping.json'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json<Summary>().new).toBe(2);
    expect(imp(path, 'custom-headers.csv', '--mapping', join(FIX, 'applications.csv')).code).toBe(2);
  });
});

describe('applications list and show', () => {
  it('prints the §5 columns with money in fen, booleans, English keys and Chinese district names', () => {
    const { path } = fresh();
    imp(path, 'applications.csv');
    const all = runCli(['applications', 'list', '--json'], { db: path }).json<Record<string, unknown>[]>();
    expect(all).toHaveLength(20);
    const a7 = all.find((a) => a.application_id === 'A007');
    expect(a7).toEqual({
      application_id: 'A007',
      round: 'R1',
      enterprise_name: '江门市新会区陈皮食品有限公司',
      uscc: '91440782MA1000076Y',
      district: '新会区',
      established_on: '2001-03-05',
      independent_legal_person: true,
      category: 'sme-cloud',
      cluster: null,
      project_name: '生产管理系统上云',
      total_investment_fen: 35_000_000,
      requested_amount_fen: 28_000_000,
      employees: 85,
      annual_revenue_fen: 2_600_000_000,
      other_fiscal_support: false,
      past_projects_compliant: true,
      credit_good: true,
      major_accident: false,
      ready_to_implement: true,
      training_events: null,
      trainees: null,
      submitted_on: '2022-03-23',
      source: { file: 'applications.csv', line: 8, sha256: fileSha(join(FIX, 'applications.csv')) },
      extra: { 备注: '' },
      state: 'imported',
    });
    expect(all.find((a) => a.application_id === 'A012')).toMatchObject({ category: 'cluster-pilot', cluster: 'stainless-steel' });
    const count = (...args: string[]) => runCli(['applications', 'list', '--json', ...args], { db: path }).json<unknown[]>().length;
    expect(count('--category', '集群试点')).toBe(5);
    expect(count('--category', 'sme-cloud', '--round', 'R1')).toBe(6);
    expect(count('--district', '蓬江')).toBe(5);
    expect(count('--district', '440784')).toBe(2);
    expect(count('--status', 'imported')).toBe(20);
    expect(count('--status', 'eligible')).toBe(0);
    expect(runCli(['applications', 'list', '--status', 'bogus'], { db: path }).code).toBe(2);
    const tsv = runCli(['applications', 'list', '--round', 'R1'], { db: path }).stdout.split('\n');
    expect(tsv[0].split('\t')).toEqual(['application', 'round', 'enterprise', 'project', 'category', 'district', 'requested (yuan)', 'state']);
    expect(tsv[1]).toBe('A001\tR1\t江门市堃达智能装备有限公司\t智能工厂工业互联网标杆项目\tbenchmark-enterprise\t蓬江区\t1,000,000.00\timported');
  });

  it('shows one application with its extra columns, source, history and eligibility', () => {
    const { path } = fresh();
    imp(path, 'applications.csv');
    const j = runCli(['applications', 'show', 'A001', '--json'], { db: path }).json<Record<string, unknown> & { events: { command: string; officer: string }[] }>();
    expect(j).toMatchObject({ application_id: 'A001', extra: { 备注: '重点项目' }, state: 'imported' });
    expect(j.events.map((e) => [e.command, e.officer])).toEqual([['import', 'test-officer']]);
    expect(j).toHaveProperty('eligibility');
    const h = runCli(['applications', 'show', 'A001'], { db: path });
    expect(h.code).toBe(0);
    for (const s of ['江门市堃达智能装备有限公司', '4,800,000.00', '备注', '重点项目', 'applications.csv:2', 'history', 'eligibility']) expect(h.stdout).toContain(s);
    expect(runCli(['applications', 'show', 'NOPE'], { db: path }).code).toBe(2);
  });
});

describe('lists import and show', () => {
  it('imports each side list once; a re-import adds nothing', () => {
    const { path } = fresh();
    for (const kind of ['prior-funding', 'credit', 'violations', 'accidents']) {
      const r = runCli(['lists', 'import', kind, join(FIX, `${kind}.csv`), '--json'], { db: path });
      expect(r.code, r.stderr).toBe(0);
      expect(r.json<Summary>().new).toBeGreaterThan(0);
      const before = fileSha(path);
      const again = runCli(['lists', 'import', kind, join(FIX, `${kind}.csv`), '--json'], { db: path });
      expect(again.json<Summary>()).toMatchObject({ new: 0, rejected: 0 });
      expect(fileSha(path)).toBe(before);
    }
    const credit = runCli(['lists', 'show', 'credit', '--json'], { db: path }).json<Record<string, unknown>[]>();
    expect(credit).toEqual([
      { uscc: '91440704MA1000025P', list: 'abnormal-operations', listed_on: '2017-03-01', removed_on: '2018-06-30', source_file: 'credit.csv', source_line: 2 },
      { uscc: '91440782MA1000076Y', list: 'serious-dishonesty', listed_on: '2021-06-01', removed_on: null, source_file: 'credit.csv', source_line: 3 },
    ]);
    const pf = runCli(['lists', 'show', 'prior-funding', '--uscc', '91440785ma10000845', '--json'], { db: path }).json<Record<string, unknown>[]>();
    expect(pf).toEqual([{ uscc: '91440785MA10000845', project_name: '设备联网改造', program: '江门市技改专项', amount_fen: 12_000_000, year: 2019, source_file: 'prior-funding.csv', source_line: 3 }]);
    const acc = runCli(['lists', 'show', 'accidents', '--json'], { db: path }).json<{ kind: string }[]>();
    expect(acc.map((a) => a.kind).sort()).toEqual(['environmental', 'safety']);
    expect(query<{ command: string }>(path, 'SELECT command FROM events ORDER BY seq').map((e) => e.command)).toEqual(['lists import', 'lists import', 'lists import', 'lists import']);
  });

  it('a note under a side list (数据来源：…) is left out with a warning', () => {
    const { path } = fresh();
    const file = join(tempDir(), 'credit.csv');
    writeFileSync(file, `${readFileSync(join(FIX, 'credit.csv'), 'utf8').replace(/\r?\n$/, '')}\n注：数据来源于信用中国,,,\n`);
    const r = runCli(['lists', 'import', 'credit', file, '--json'], { db: path });
    expect(r.code, r.stderr).toBe(0);
    const j = r.json<Summary & { not_applications: number }>();
    expect(j).toMatchObject({ new: 2, rejected: 0, not_applications: 1 });
    expect(j.warnings[0].message).toBe(`${file}:4: the row "注：数据来源于信用中国" holds one text only (a note or a group heading), not a list entry: left out`);
  });

  it('validates side-list rows like applications: all or nothing', () => {
    const { path, dir } = fresh();
    const bad = join(dir, 'accidents.csv');
    writeFileSync(bad, 'uscc,date,kind,description\n91440703MA1000017E,2021-02-30,safety,x\n91440703MA1000017E,2021-01-01,fire,y\n91440703MA1000017E,2021-01-02,质量,z\n');
    const before = fileSha(path);
    const r = runCli(['lists', 'import', 'accidents', bad], { db: path });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('accidents.csv:2: column date (日期): date "2021-02-30" is not a real calendar date');
    expect(r.stderr).toContain('accidents.csv:3: column kind (类型): unknown accident kind "fire"');
    expect(fileSha(path)).toBe(before);
    expect(runCli(['lists', 'import', 'nonsense', bad], { db: path }).code).toBe(2);
    const rejects = join(dir, 'rejects.csv');
    const s = runCli(['lists', 'import', 'accidents', bad, '--skip-invalid', '--rejects', rejects, '--json'], { db: path });
    expect(s.json<Summary>()).toMatchObject({ new: 1, rejected: 2 });
    expect(existsSync(rejects)).toBe(true);
  });
});

describe('the demo set', () => {
  it('imports cleanly with its side lists', () => {
    const { path } = fresh(['R1', '2022-R1']);
    const demo = join(FIXTURES, 'demo');
    const r = runCli(['import', join(demo, 'applications.csv'), '--round', '2022-R1', '--json'], { db: path });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json<Summary>()).toMatchObject({ new: 33, rejected: 0 });
    // D008's check character is wrong on purpose: a warning, and check puts it to review.
    expect(r.json<Summary>().warnings.map((w) => w.line)).toEqual([9]);
    for (const kind of ['prior-funding', 'credit', 'violations', 'accidents']) {
      expect(runCli(['lists', 'import', kind, join(demo, `${kind}.csv`)], { db: path }).code).toBe(0);
    }
  });
});

describe('durability of a failed import', () => {
  it('leaves no journal behind and the ledger byte-for-byte unchanged after rows were inserted and rolled back', () => {
    const { path, dir } = fresh();
    imp(path, 'applications.csv');
    const before = fileSha(path);
    // Many good rows first, one bad row last: the good ones were written into the transaction, then rolled back.
    const big = join(dir, 'big.csv');
    const src = readFileSync(join(FIX, 'applications.csv'), 'utf8').split('\n');
    const header = src[0];
    const rows: string[] = [];
    for (let i = 0; i < 3000; i++) rows.push(src[1].replace('A001', `Z${i}`).replace('智能工厂工业互联网标杆项目', `项目${i}`));
    rows.push(src[2].replace('A002', 'Z-bad').replace('900000.00', 'lots'));
    writeFileSync(big, `${header}\n${rows.join('\n')}\n`);
    const r = imp(path, big, '--json');
    expect(r.code).toBe(1);
    expect(r.json<Summary>()).toMatchObject({ rows: 3001, new: 3000, rejected: 1, written: false });
    expect(fileSha(path)).toBe(before);
    expect(existsSync(`${path}-journal`)).toBe(false);
    copyFileSync(path, join(dir, 'copy.db'));
    expect(query<{ n: number }>(join(dir, 'copy.db'), 'SELECT count(*) AS n FROM applications')[0].n).toBe(20);
  });
});

describe('parsing in a worker thread (large files)', () => {
  // Files of a few MiB are parsed in a worker; JMFUND_IMPORT_WORKER forces either way.
  const both = (path: () => string, file: string, ...args: string[]) =>
    (['always', 'never'] as const).map((w) => {
      const r = runCli(['import', file.startsWith('/') ? file : join(FIX, file), '--round', 'R1', '--json', ...args], { db: path(), env: { JMFUND_IMPORT_WORKER: w } });
      return { code: r.code, stderr: r.stderr, json: r.json<Record<string, unknown>>() };
    });

  it('gives the same summary, messages and ledger as parsing in the main thread', () => {
    const dbs = [fresh().path, fresh().path];
    let i = 0;
    const next = () => dbs[i++ % 2];
    for (const file of ['applications.csv', 'applications.xlsx', 'pasted-twice.csv', 'no-ids.csv', 'bad/many-errors.csv', 'bad/unclosed-quote.csv', 'bad/missing-column.csv', 'bad/uscc-check.csv', 'changed.csv']) {
      const [w, m] = both(next, file);
      expect(w, file).toEqual(m);
    }
    expect(content(dbs[0])).toEqual(content(dbs[1]));
    expect(i).toBe(18);
  });

  it('an officer workbook of thousands of Chinese rows gives the ledger of the same rows as CSV, not one character lost', async () => {
    // Its XML parts are many chunks long: exceljs alone made ��� of a character split between two chunks.
    const dir = tempDir();
    const csv = join(dir, 'officer.csv');
    await writeOfficerCsv(csv, { rows: 3000, seed: 7 });
    const rows = parseCsv(readFileSync(csv, 'utf8').replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][];
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('申报汇总');
    // Numbers typed, as Excel keeps them.
    for (const cells of rows) ws.addRow(cells.map((v) => (/^\d+(\.\d+)?$/.test(v) && v.length < 12 ? Number(v) : v)));
    const book = join(dir, 'officer.xlsx');
    await wb.xlsx.writeFile(book);
    const fromCsv = fresh();
    expect(imp(fromCsv.path, csv).code).toBe(0);
    for (const mode of ['always', 'never']) {
      const fromBook = fresh();
      const r = runCli(['import', book, '--round', 'R1', '--json'], { db: fromBook.path, env: { JMFUND_IMPORT_WORKER: mode } });
      expect(r.code, r.stderr.slice(0, 2000)).toBe(0);
      expect(r.json<Summary>().new).toBe(3000);
      expect(JSON.stringify(content(fromBook.path))).not.toContain('\uFFFD');
      expect(content(fromBook.path)).toEqual(content(fromCsv.path));
    }
  });

  it('a workbook the worker only reads: its bad rows and a broken file are told as when read in the main thread, nothing written', async () => {
    const dir = tempDir();
    const broken = join(dir, 'broken.xlsx');
    writeFileSync(broken, readFileSync(join(FIX, 'applications.xlsx')).subarray(0, 3000));
    // The fixture's rows with a bad amount and a bad date: two row errors, after a title row.
    const rows = parseCsv(readFileSync(join(FIX, 'applications.csv'), 'utf8').replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][];
    const amount = rows[0].indexOf('requested_amount');
    const date = rows[0].indexOf('submitted_on');
    rows[3][amount] = '十二万';
    rows[7][date] = '2022-02-30';
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('申报汇总');
    ws.addRow(['2022年申报汇总表']);
    for (const r of rows) ws.addRow(r);
    const bad = join(dir, 'bad-rows.xlsx');
    await wb.xlsx.writeFile(bad);
    for (const file of [broken, bad]) {
      const [w, m] = (['always', 'never'] as const).map((mode) => {
        const { path } = fresh();
        const before = fileSha(path);
        const r = runCli(['import', file, '--round', 'R1'], { db: path, env: { JMFUND_IMPORT_WORKER: mode } });
        expect(fileSha(path), `${file} ${mode}`).toBe(before);
        return { code: r.code, stdout: r.stdout, stderr: r.stderr };
      });
      expect(w, file).toEqual(m);
      expect(w.code, w.stderr).toBe(file === broken ? 2 : 1);
    }
    const r = runCli(['import', bad, '--round', 'R1'], { db: fresh().path, env: { JMFUND_IMPORT_WORKER: 'always' } });
    expect(r.stderr).toContain('bad-rows.xlsx:5: column requested_amount');
    expect(r.stderr).toContain('bad-rows.xlsx:9: column submitted_on');
  });

  it('seals the rows it hashed while the worker parsed exactly as parsing in the main thread does; the ledger verifies', async () => {
    const file = join(tempDir(), 'officer.csv');
    await writeOfficerCsv(file, { rows: 20_000, encoding: 'gb18030', seed: 5 });
    const [w, m] = (['always', 'never'] as const).map((mode) => {
      // Made by the commands, so that every row verifies.
      const path = join(tempDir(), 'ledger.db');
      const env = { JMFUND_IMPORT_WORKER: mode, JMFUND_NOW: '2022-05-05T01:00:00.000Z' };
      expect(runCli(['init'], { db: path, env }).code).toBe(0);
      expect(runCli(['round', 'create', 'R1', '--opens', '2022-03-01', '--closes', '2022-04-30'], { db: path, env }).code).toBe(0);
      const r = runCli(['import', file, '--round', 'R1'], { db: path, env });
      expect(r.code, r.stderr).toBe(0);
      const v = runCli(['verify'], { db: path });
      expect(v.code, v.stdout + v.stderr).toBe(0);
      const db = new Database(path, { readonly: true });
      try {
        return {
          seals: db.prepare("SELECT key, hex(hash) FROM row_seals WHERE tbl = 'applications' ORDER BY key").raw().all(),
          sealed: db.prepare("SELECT sealed FROM events WHERE command = 'import'").pluck().all(),
        };
      } finally {
        db.close();
      }
    });
    expect(w.seals.length).toBeGreaterThan(19_000);
    expect(w).toEqual(m);
  });

  it('--skip-invalid: a good row the ledger refuses (a changed copy) is written to the rejects file cell for cell as read, by the worker as without it', () => {
    const src = readFileSync(join(FIX, 'applications.csv'), 'utf8').trimEnd().split('\n');
    // A001 again with another amount and a note holding a comma, a quote and a line break: refused on the main thread.
    const copy = src[1].replace(',1000000.00,', ',1100000.00,').replace(/,重点项目$/, ',"再次提交,含""引号""\n第二行"');
    const file = join(tempDir(), 'changed-copy.csv');
    writeFileSync(file, `${[...src, copy].join('\n')}\n`);
    const rejected = (['always', 'never'] as const).map((mode) => {
      const { path, dir } = fresh();
      const rejects = join(dir, 'rejects.csv');
      const r = runCli(['import', file, '--round', 'R1', '--skip-invalid', '--rejects', rejects], { db: path, env: { JMFUND_IMPORT_WORKER: mode } });
      expect(r.code, r.stderr).toBe(1);
      return readFileSync(rejects, 'utf8');
    });
    expect(rejected[0]).toBe(rejected[1]);
    const rows = parseCsv(rejected[0].replace(/^\uFEFF/, ''), { relaxColumnCount: true }) as string[][];
    expect(rows).toHaveLength(2);
    const asRead = (parseCsv(copy, { relaxColumnCount: true }) as string[][])[0];
    expect(rows[1].slice(0, -1)).toEqual(asRead);
    expect(rows[1].at(-1)).toContain('requested_amount (1,000,000.00 → 1,100,000.00)');
  });

  it('side lists: the same summary, messages, rows, seals and rejects file as parsing in the main thread; the ledger verifies', async () => {
    const dir = tempDir();
    // Thousands of listings written three ways; then the same with what an officer's copy also holds: a bad date, a
    // removal before the listing, a credit code with a wrong check character (a warning), a row twice, a note at the foot.
    const clean = join(dir, 'credit.csv');
    await writeCreditListCsv(clean, { rows: 5000, seed: 3 });
    const lines = readFileSync(clean, 'utf8').trimEnd().split('\r\n');
    const messy = join(dir, 'credit-messy.csv');
    const more = ['91440703MA0000015X,经营异常名录,2021-02-30,', '91440782MA1000076Y,严重违法失信,2021/6/1,2020年1月1日', '91440704MA1000025Q,经营异常名录,2019-01-01,', lines[5], '注：数据来源于信用中国,,,'];
    writeFileSync(messy, `${[...lines, ...more].join('\r\n')}\r\n`);
    const book = join(dir, 'credit.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('名录');
    for (const l of [lines[0], ...more.slice(2, 4)]) ws.addRow(l.replace(/^\uFEFF/, '').split(','));
    await wb.xlsx.writeFile(book);
    const runs: [string, string, ...string[]][] = [
      ...(['prior-funding', 'credit', 'violations', 'accidents'] as const).map((k): [string, string] => [k, join(FIX, `${k}.csv`)]),
      ['credit', clean],
      ['credit', book],
      // Refused whole, then with its bad rows set aside.
      ['credit', messy],
      ['credit', messy, '--skip-invalid', '--rejects', 'REJECTS'],
    ];
    const NOW = '2022-05-05T01:00:00.000Z';
    const ledger = () => {
      const path = join(tempDir(), 'ledger.db');
      expect(runCli(['init'], { db: path, env: { JMFUND_NOW: NOW } }).code).toBe(0);
      return path;
    };
    const commands = runs.map(([kind, file, ...args]) => ['lists', 'import', kind, file, ...args]);
    const [w, m] = importBothWays(ledger, commands, dir, { JMFUND_NOW: NOW }, (all) =>
      ['prior_funding', 'credit_listings', 'violations', 'accidents'].map((t) => all(`SELECT * FROM ${t} ORDER BY id`)),
    );
    expect(w.told.map((t) => t.code)).toEqual([0, 0, 0, 0, 0, 0, 1, 1]);
    expect(w.told[6].stderr).toContain('credit-messy.csv:5002: column listed_on');
    expect(w.told[6].stderr).toContain('credit-messy.csv:5003: column removed_on');
    expect(w.told[6].stderr).toContain('credit-messy.csv:5004: column uscc');
    expect(w.rejects.split('\r\n').filter(Boolean)).toHaveLength(3);
    expect(w.rows[1].length).toBeGreaterThan(3000);
    // The row with the warning came first in the workbook.
    expect(w.rows[1].at(-1)).toEqual([expect.any(Number), '91440704MA1000025Q', 'abnormal-operations', '2019-01-01', null, 'credit.xlsx', 2, expect.any(String)]);
    expect(w).toEqual(m);
  });

  it('writes the same rejects file with --skip-invalid', () => {
    const { path, dir } = fresh();
    const rejects = ['w', 'm'].map((x) => join(dir, `rejects-${x}.csv`));
    const [w, m] = (['always', 'never'] as const).map((mode, k) =>
      runCli(['import', join(FIX, 'bad', 'many-errors.csv'), '--round', 'R1', '--skip-invalid', '--rejects', rejects[k], '--dry-run'], { db: path, env: { JMFUND_IMPORT_WORKER: mode } }),
    );
    expect(w.code).toBe(m.code);
    expect(w.stderr).toBe(m.stderr);
    const [rw, rm] = (['always', 'never'] as const).map((mode, k) =>
      runCli(['import', join(FIX, 'bad', 'many-errors.csv'), '--round', 'R1', '--skip-invalid', '--rejects', rejects[k], '--force'], { db: fresh().path, env: { JMFUND_IMPORT_WORKER: mode } }),
    );
    expect(rw.code).toBe(rm.code);
    expect(readFileSync(rejects[0], 'utf8')).toBe(readFileSync(rejects[1], 'utf8'));
    expect(readFileSync(rejects[0], 'utf8').split('\n').length).toBeGreaterThan(2);
  });
});
