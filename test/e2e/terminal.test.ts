// On a real (pseudo-)terminal: tables fit the window in both languages and
// carry colour; piped, the same command writes plain TSV without colour codes.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/domain/reports/model.js';
import { FIXTURES, runCli, tempDir } from '../helpers.js';
import { runOnPty, stripAnsi } from '../pty.js';

let db = '';
beforeAll(() => {
  db = join(tempDir(), 'l.db');
  const env = { JMFUND_NOW: '2022-05-05T01:00:00Z' };
  for (const args of [
    ['init'],
    ['round', 'create', '2022-R1', '--opens', '2022-03-01', '--closes', '2022-04-30', '--budget', 'sme-cloud=150万', '--budget', 'benchmark-enterprise=200万'],
    ...['prior-funding', 'credit', 'violations', 'accidents'].map((k) => ['lists', 'import', k, join(FIXTURES, 'demo', `${k}.csv`)]),
    ['import', join(FIXTURES, 'demo', 'applications.csv'), '--round', '2022-R1'],
    ['check', '--round', '2022-R1'],
  ]) {
    const r = runCli(args, { db, env });
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBeLessThanOrEqual(1);
  }
});

const widest = (s: string): number => Math.max(...stripAnsi(s).split(/\r?\n/).map(displayWidth));

describe('tables on a terminal', () => {
  for (const lang of ['zh', 'en']) {
    for (const columns of [80, 100, 200]) {
      it(`applications list and check fit ${columns} columns (${lang})`, () => {
        for (const args of [['applications', 'list', '--round', '2022-R1'], ['check', '--round', '2022-R1']]) {
          const r = runOnPty(['--lang', lang, ...args], { columns, env: { JMFUND_DB: db } });
          expect(r.code, r.output).toBeLessThanOrEqual(1);
          expect(widest(r.output), stripAnsi(r.output)).toBeLessThanOrEqual(columns);
        }
      });
    }
  }

  it('colours states on a terminal, never with NO_COLOR, never when piped', () => {
    const tty = runOnPty(['check', '--round', '2022-R1'], { columns: 200, env: { JMFUND_DB: db } });
    expect(tty.output).toMatch(/\u001b\[3[123]m/);
    const noColor = runOnPty(['check', '--round', '2022-R1'], { columns: 200, env: { JMFUND_DB: db, NO_COLOR: '1' } });
    expect(noColor.output).not.toMatch(/\u001b\[/);
    const piped = runCli(['check', '--round', '2022-R1'], { db });
    expect(piped.stdout).not.toMatch(/\u001b\[/);
    expect(piped.stdout.split('\n').some((l) => l.includes('\t'))).toBe(true);
  });
});
