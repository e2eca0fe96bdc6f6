// A submission date outside the round's application period (SPEC §15, issue
// 17): a row error naming the period (申报期外); a file whose rows all fall in
// another round's period is told "did you mean --round …?" once.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, runCli, tempDir } from '../helpers.js';

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const DEMO = join(FIXTURES, 'demo', 'applications.csv');

function twoRounds() {
  const db = join(tempDir('jmfund-period-'), 'ledger.db');
  const run = (args: string[]) => runCli(args, { db, env: { JMFUND_NOW: '2023-05-10' } });
  expect(run(['init']).code).toBe(0);
  expect(run(['round', 'create', '2022', '--opens', '2022-03-01', '--closes', '2022-04-30', '--budget', 'sme-cloud=300万']).code).toBe(0);
  expect(run(['round', 'create', '2023-R1', '--opens', '2023-03-01', '--closes', '2023-04-30', '--budget', 'sme-cloud=300万']).code).toBe(0);
  return { db, run };
}

describe('submission dates and the application period', () => {
  it('a file of another round: one "did you mean --round 2022?", not a line per row; nothing imported', () => {
    const { db, run } = twoRounds();
    const before = sha(db);
    const r = run(['import', DEMO, '--round', '2023-R1']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(
      'jmfund: all 33 rows were submitted 2022-03-08 to 2022-04-15, outside the application period of round 2023-R1 (2023-03-01 to 2023-04-30; 申报期外), and inside that of round 2022 (2022-03-01 to 2022-04-30): did you mean --round 2022? Nothing was imported.',
    );
    expect(r.stderr).not.toMatch(/applications\.csv:\d+:/);
    expect(r.stderr).not.toMatch(/--skip-invalid/);
    expect(sha(db)).toBe(before);
    const zh = runCli(['import', DEMO, '--round', '2023-R1', '--lang', 'zh'], { db });
    expect(zh.stderr).toContain('是否应为 --round 2022？');
  });

  it('a row submitted outside the period is a row error naming the period (申报期外)', () => {
    const { db, run } = twoRounds();
    const dir = tempDir('jmfund-period-file-');
    const lines = readFileSync(DEMO, 'utf8').split(/\r?\n/);
    const at = lines.findIndex((l) => l.includes('2022年3月10日'));
    lines[at] = lines[at].replace('2022年3月10日', '2022年5月10日');
    const file = join(dir, 'late.csv');
    writeFileSync(file, lines.join('\r\n'));
    const before = sha(db);
    const r = run(['import', file, '--round', '2022']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`late.csv:${at + 1}: column submitted_on (申报日期)`);
    expect(r.stderr).toContain('submitted on 2022-05-10, outside the application period of round 2022 (2022-03-01 to 2022-04-30; 申报期外)');
    expect(r.stderr).not.toMatch(/did you mean/);
    expect(sha(db)).toBe(before);
  });
});
