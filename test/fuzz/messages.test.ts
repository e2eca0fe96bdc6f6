// Error messages quote the offending cell. A cell is untrusted: it may hold a
// line break (legal inside a quoted CSV field), a carriage return or terminal
// escape sequences. Quoted raw, such a value splits one error over several
// stderr lines (the later ones name no file or line, and `grep FILE:7:` loses
// them), or rewrites the officer's terminal (CR returns to the start of the
// line, ESC[2J clears the screen). Each error must stay on one line, with
// control characters shown, not obeyed.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ledgerWithRound, runCli } from '../helpers.js';
import { APPLICATION_HEADER, DISTRICTS, DIVISIONS, makeUscc } from '../../bench/lib/generate.mjs';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('import error messages quote hostile cells safely', () => {
  it('one line per error: a quoted cell with a line break, a CR or an escape sequence does not break or rewrite the output', () => {
    const l = ledgerWithRound('R1');
    l.db.close();
    dirs.push(l.dir);
    const row = (employees: string, investment: string) =>
      ['M1', '江门市某科技有限公司', makeUscc(DIVISIONS[0], 7, 1), DISTRICTS[0], '2015-06-18', '是', 'sme-cloud', '', '项目', investment, '400000', employees, '30000000', '否', '是', '是', '否', '是', '', '', '2022-03-10', '']
        .map((c) => `"${c.replace(/"/g, '""')}"`)
        .join(',');
    const file = join(l.dir, 'hostile-values.csv');
    writeFileSync(file, `${APPLICATION_HEADER.join(',')}\r\n${row('12\n34', '\u001b[2J500000')}\r\n`);
    const r = runCli(['import', file, '--round', 'R1'], { db: l.path });
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').filter((x) => x !== '');
    // Both errors are reported…
    expect(r.stderr).toMatch(/column employees/);
    expect(r.stderr).toMatch(/column total_investment/);
    // …each on its own line that names the file and the line…
    for (const x of lines) expect(x, JSON.stringify(r.stderr)).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: `));
    // …and nothing from the file reaches the terminal as a control character.
    // eslint-disable-next-line no-control-regex
    expect(r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });
});
