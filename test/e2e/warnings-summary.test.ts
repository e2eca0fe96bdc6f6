// Warnings that can be read (issue 17): more than 20 of one kind are listed 10
// at a time and counted in one line naming the file with them all (--warnings,
// default NAME.warnings.csv beside the input; none with --quiet). Errors the
// same way (issue 19: 10,000 changed copies in a 222,000-row file were 10,000
// lines on the terminal), their list in NAME.errors.csv.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, ledgerWithRound, runCli, tempDir } from '../helpers.js';

/** 30 rows whose credit code has a wrong check character (a warning each), and 5 more. */
function fileWithWarnings(n: number): string {
  const lines = readFileSync(join(FIXTURES, 'demo', 'applications.csv'), 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
  const bad = lines.find((l) => l.includes('91440784MA2000086A'))!;
  const out = [lines[0]];
  // Each its own application and project (else a repeat in the file), the same wrong code.
  for (let i = 0; i < n; i++) out.push(bad.replace(/^D008/, `W${String(i).padStart(3, '0')}`).replace('印刷包装行业协同平台', `印刷包装行业协同平台${i}`));
  const file = join(tempDir('jmfund-warn-'), `apps${n}.csv`);
  writeFileSync(file, `\uFEFF${out.join('\r\n')}\r\n`);
  return file;
}

describe('warnings summarised', () => {
  it('30 warnings of one kind: the first 10, one count line, the full list in NAME.warnings.csv', () => {
    const { path, db } = ledgerWithRound('R1');
    db.close();
    const file = fileWithWarnings(30);
    const r = runCli(['import', file, '--round', 'R1', '--dry-run'], { db: path });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines.filter((l) => /^warning: .*:\d+: column uscc/.test(l))).toHaveLength(10);
    const listed = file.replace(/\.csv$/, '.warnings.csv');
    expect(lines.at(-1)).toBe(`warning: 30 rows: uscc (统一社会信用代码); first 10 above; all in ${listed}`);
    const csv = readFileSync(listed, 'utf8');
    expect(csv.trim().split(/\r?\n/)).toHaveLength(31);
    const other = join(tempDir('jmfund-warn-out-'), 'w.csv');
    expect(runCli(['import', file, '--round', 'R1', '--dry-run', '--warnings', other], { db: path }).stderr).toContain(`all in ${other}`);
    expect(existsSync(other)).toBe(true);
    const quiet = runCli(['import', file, '--round', 'R1', '--dry-run', '--quiet', '--warnings', join(tempDir(), 'q.csv')], { db: path });
    expect(quiet.stderr.trim()).toBe('warning: 30 rows: uscc (统一社会信用代码); not listed (--quiet)');
    // In Chinese, brackets as the row warnings above it have them.
    const zh = runCli(['--lang', 'zh', 'import', file, '--round', 'R1', '--dry-run'], { db: path });
    const zhLines = zh.stderr.trim().split('\n');
    expect(zhLines[0]).toContain('列 uscc（统一社会信用代码）');
    expect(zhLines.at(-1)).toBe(`警告：30 行：uscc（统一社会信用代码）；上面列出前 10 行；全部见 ${listed}`);
  });

  it('20 warnings of one kind are all listed, and no file is written', () => {
    const { path, db } = ledgerWithRound('R1');
    db.close();
    const file = fileWithWarnings(20);
    const r = runCli(['import', file, '--round', 'R1', '--dry-run'], { db: path });
    expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('warning: '))).toHaveLength(20);
    expect(existsSync(file.replace(/\.csv$/, '.warnings.csv'))).toBe(false);
  });

  it('30 errors of one kind: the first 10, one count line, the full list in NAME.errors.csv; nothing written to the ledger', () => {
    const { path, db } = ledgerWithRound('R1');
    db.close();
    const before = createHash('sha256').update(readFileSync(path)).digest('hex');
    // The same rows with an amount that is no amount: an error each.
    const file = fileWithWarnings(30);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"450,000\.00"/g, '"二十万"'));
    const r = runCli(['import', file, '--round', 'R1'], { db: path });
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.filter((l) => /apps30\.csv:\d+: column requested_amount/.test(l))).toHaveLength(10);
    const listed = file.replace(/\.csv$/, '.errors.csv');
    expect(lines).toContain(`error: 30 rows: requested_amount (申请补贴金额); first 10 above; all in ${listed}`);
    const rows = readFileSync(listed, 'utf8').trim().split(/\r?\n/);
    expect(rows).toHaveLength(31);
    // UTF-8 with a BOM, as the warnings list and a rejects file: Excel opens it as UTF-8.
    expect(readFileSync(listed).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(rows[0]).toBe('file,line,column,label,value,message');
    expect(rows[30]).toContain(`${file},31,requested_amount,申请补贴金额,二十万,"${file}:31: column requested_amount (申请补贴金额): amount ""二十万"" is not a recognised amount`);
    expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(before);
    // No temporary file is left beside the input.
    expect(readdirSync(dirname(file)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // In Chinese too.
    const zh = runCli(['import', file, '--round', 'R1', '--lang', 'zh'], { db: path });
    expect(zh.stderr).toContain(`错误：30 行：requested_amount（申请补贴金额）；上面列出前 10 行；全部见 ${listed}`);
  });

  it('20 errors of one kind are all listed, and no errors file is written', () => {
    const { path, db } = ledgerWithRound('R1');
    db.close();
    const file = fileWithWarnings(20);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"450,000\.00"/g, '"二十万"'));
    const r = runCli(['import', file, '--round', 'R1'], { db: path });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').filter((l) => /apps20\.csv:\d+: column requested_amount/.test(l))).toHaveLength(20);
    expect(existsSync(file.replace(/\.csv$/, '.errors.csv'))).toBe(false);
    expect(readdirSync(dirname(file)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
