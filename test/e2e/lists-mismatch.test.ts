// lists import of a file that is another list (issue 17): the header problem
// says which list (or an applications file) its columns match, and nothing is imported.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, ledgerWithRound, runCli } from '../helpers.js';

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const demo = (f: string) => join(FIXTURES, 'demo', f);

describe('lists import of the wrong list', () => {
  it('names the list the columns match, in English and Chinese; the ledger unchanged', () => {
    const { path, db } = ledgerWithRound('R1');
    db.close();
    const before = sha(path);
    const r = runCli(['lists', 'import', 'violations', demo('credit.csv')], { db: path });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`credit.csv: its columns are those of the credit list (credit listings (abnormal operations, serious dishonesty)): did you mean \`jmfund lists import credit ${demo('credit.csv')}\`?`);
    const zh = runCli(['lists', 'import', 'credit', demo('violations.csv'), '--lang', 'zh'], { db: path });
    expect(zh.code).toBe(1);
    expect(zh.stderr).toContain(`的列与财政资金项目违规记录（violations）相符：是否应为 \`jmfund lists import violations ${demo('violations.csv')}\`？`);
    const apps = runCli(['lists', 'import', 'credit', demo('applications.csv')], { db: path });
    expect(apps.stderr).toContain('its columns are those of an applications file: import it with `jmfund import');
    expect(sha(path)).toBe(before);
  });
});
