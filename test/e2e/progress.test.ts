// Long commands draw a progress bar on stderr on a terminal (count, rate, time
// left) and nothing when piped. JMFUND_PROGRESS_DELAY_MS=0 draws from the
// start, so that a round of 20,000 applications shows it.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeApplicationsCsv } from '../../bench/lib/generate.mjs';
import { runCli, tempDir } from '../helpers.js';
import { runOnPty, stripAnsi } from '../pty.js';

let dir: string;
let db: string;
let file: string;
const env = () => ({ JMFUND_DB: db, JMFUND_LANG: 'en', JMFUND_OFFICER: 'tester', JMFUND_NOW: '2022-05-05T01:00:00.000Z', JMFUND_PROGRESS_DELAY_MS: '1', CI: '' });

beforeAll(async () => {
  dir = tempDir('jmfund-progress-');
  db = join(dir, 'ledger.db');
  file = join(dir, 'applications.csv');
  await writeApplicationsCsv(file, { rows: 20_000, idPrefix: 'P-', family: 8, seed: 3 });
  expect(runCli(['init'], { env: env() }).code).toBe(0);
  expect(runCli(['round', 'create', 'R1', '--opens', '2022-03-01', '--closes', '2022-04-30'], { env: env() }).code).toBe(0);
}, 120_000);

describe('progress bar', () => {
  it('import, check and verify show one on a terminal, cleared before the result', () => {
    const bars: [string[], RegExp][] = [
      [['import', file, '--round', 'R1'], /\r(importing|正在导入)[^\r]*\d[\d,]* rows/],
      [['check', '--round', 'R1'], /\rchecking [^\r]*\d[\d,]*\/20,000 applications/],
      [['verify'], /\rverifying [^\r]*\/\d+ checks/],
    ];
    for (const [args, bar] of bars) {
      const r = runOnPty(args, { env: env(), timeoutSec: 120 });
      expect(r.code, r.output).toBeLessThanOrEqual(1);
      expect(r.output, args[0]).toMatch(bar);
      // The bar's line is cleared before what the command prints.
      expect(r.output).toContain('\r\u001b[K');
      expect(stripAnsi(r.output)).not.toMatch(/left\s*$/);
    }
  }, 300_000);

  it('nothing when stderr is piped', () => {
    const r = runCli(['check', '--round', 'R1'], { env: env() });
    expect(r.code).toBeLessThanOrEqual(1);
    expect(r.stderr).not.toContain('\r');
  }, 120_000);
});
