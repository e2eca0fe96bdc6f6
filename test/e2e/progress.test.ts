// Long commands (import, check, scores, allocate, reports, verify, backup)
// draw a progress bar on stderr on a terminal (count, rate, time left) and
// nothing when piped. JMFUND_PROGRESS_DELAY_MS=1 draws from the start, so that
// a round of 20,000 applications shows it.
import Database from 'better-sqlite3';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeApplicationsCsv, writeScoresCsv } from '../../bench/lib/generate.mjs';
import { runCli, tempDir } from '../helpers.js';
import { runOnPty, stripAnsi } from '../pty.js';
import { downTo11 } from '../ledger/older-ledgers.js';
import { schemaVersion } from '../../src/ledger/open.js';

/** This release's structure version, which an upgrade brings a ledger to. */
const NOW = schemaVersion();

let dir: string;
let db: string;
let file: string;
let scores: string;
const env = () => ({ JMFUND_DB: db, JMFUND_LANG: 'en', JMFUND_OFFICER: 'tester', JMFUND_NOW: '2022-05-05T01:00:00.000Z', JMFUND_PROGRESS_DELAY_MS: '1', CI: '' });

beforeAll(async () => {
  dir = tempDir('jmfund-progress-');
  db = join(dir, 'ledger.db');
  file = join(dir, 'applications.csv');
  scores = join(dir, 'scores.csv');
  const ids = await writeApplicationsCsv(file, { rows: 20_000, idPrefix: 'P-', family: 8, seed: 3 });
  await writeScoresCsv(scores, ids, { experts: 3 });
  expect(runCli(['init'], { env: env() }).code).toBe(0);
  const budget = ['benchmark-enterprise', 'benchmark-platform', 'sme-cloud', 'cluster-pilot', 'talent-training'].flatMap((c) => ['--budget', `${c}=5000万`]);
  expect(runCli(['round', 'create', 'R1', '--opens', '2022-03-01', '--closes', '2022-04-30', ...budget], { env: env() }).code).toBe(0);
}, 120_000);

/** Each long command in the order of a round, with the bar it draws on a terminal. */
const steps = (): [string[], RegExp][] => [
  [['import', file, '--round', 'R1'], /\rimporting [^\r]*\d[\d,]*\/≈[\d,]+ rows[^\r]*left/],
  [['check', '--round', 'R1'], /\rchecking [^\r]*\d[\d,]*\/20,000 applications/],
  [['scores', 'import', scores, '--round', 'R1'], /\rimporting scores [^\r]*\d[\d,]*\/≈[\d,]+ rows/],
  [['scores', 'aggregate', '--round', 'R1'], /\raggregating scores [^\r]*\d[\d,]*\/20,000 applications/],
  [['allocate', '--round', 'R1'], /\r(reading the round [^\r]*\d[\d,]*\/20,000 applications|storing the lines [^\r]*\d[\d,]* rows)/],
  [['report', 'awards', '--round', 'R1', '--format', 'csv', '--out', join(dir, 'awards.csv'), '--force'], /\rwriting the report [^\r]*\d[\d,]* rows/],
  // The audit report runs verify's checks: first, their bar then the rows'; on a large ledger beside the
  // rows (ops/audit-verify.ts), the rows' bar then the checks' (where they have got to).
  [
    ['report', 'audit', '--round', 'R1', '--format', 'csv', '--out', join(dir, 'audit.csv'), '--force'],
    /\rverifying [^\r]*\/\d+ checks[^]*\rwriting the report [^\r]*\/≈[\d,]+ rows|\rwriting the report [^\r]*\/≈[\d,]+ rows[^]*\rverifying [^\r]*\/\d+ checks/,
  ],
  [['verify'], /\rverifying [^\r]*\/\d+ checks/],
  [['backup', join(dir, 'backup.db'), '--force'], /\r(backing up|comparing the copy page by page) [^\r]*\d[\d,]*\/[\d,]+ pages/],
];

describe('progress bar', () => {
  it('import, check, scores import and aggregate, allocate, a report, verify and backup show one on a terminal, cleared before the result', () => {
    for (const [args, bar] of steps()) {
      const r = runOnPty(args, { env: env(), timeoutSec: 120 });
      expect(r.code, r.output).toBeLessThanOrEqual(1);
      expect(r.output, args.slice(0, 2).join(' ')).toMatch(bar);
      // The bar's line is cleared before what the command prints.
      expect(r.output).toContain('\r\u001b[K');
      expect(stripAnsi(r.output)).not.toMatch(/left\s*$/);
    }
  }, 600_000);

  it('nothing when stderr is piped', () => {
    for (const [args] of steps()) {
      const r = runCli(args, { env: env() });
      expect(r.code, r.stderr).toBeLessThanOrEqual(1);
      expect(r.stderr, args.slice(0, 2).join(' ')).not.toContain('\r');
      expect(r.stderr).not.toContain('\u001b[K');
    }
  }, 600_000);
});

describe('progress bar, after the allocation', () => {
  // The round above, allocated again to fund most of it: its notice and its filing seal tens of thousands of rows.
  const at = (now: string) => ({ ...env(), JMFUND_NOW: now });
  it('publicize and finalize show theirs: the awards read, then the rows written and sealed; cleared before a refusal; nothing when piped', () => {
    // Budgets that fund most of the 20,000 applications: a notice of thousands of awards.
    const budgets = ['benchmark-enterprise', 'benchmark-platform', 'sme-cloud', 'cluster-pilot', 'talent-training'].flatMap((c) => ['--budget', `${c}=1000000万`]);
    const a = runCli(['allocate', '--round', 'R1', ...budgets], { env: at('2022-05-18T01:00:00.000Z') });
    expect(a.code, a.stderr).toBe(0);
    const publicize = ['publicize', '--round', 'R1', '--from', '2022-06-01', '--days', '7', '--yes'];
    const p = runOnPty(publicize, { env: at('2022-05-31T01:00:00.000Z'), timeoutSec: 120 });
    expect(p.code, p.output).toBe(0);
    expect(p.output).toMatch(/\rreading the proposed awards [^\r]*\d[\d,]*\/≈[\d,]+ rows/);
    expect(p.output).toMatch(/\rsealing the rows written [^\r]*\d[\d,]*\/[\d,]+ rows/);
    expect(p.output).toContain('\r\u001b[K');
    // Filing before the notice is over is refused after the awards on notice are read: the bar is cleared before the refusal.
    const finalize = (on: string) => ['finalize', '--round', 'R1', '--on', on, '--yes'];
    const early = runOnPty(finalize('2022-06-05'), { env: at('2022-06-05T01:00:00.000Z'), timeoutSec: 120 });
    expect(early.code, early.output).toBe(3);
    expect(early.output).toMatch(/\rreading the awards on notice [^\r]*\d[\d,]*\/≈[\d,]+ rows/);
    expect(early.output).toMatch(/\r\u001b\[K[^\r]*the notice period is not over/);
    const piped = runCli(finalize('2022-06-05'), { env: at('2022-06-05T01:00:00.000Z') });
    expect(piped.code, piped.stderr).toBe(3);
    expect(piped.stderr).not.toContain('\r');
    const f = runOnPty(finalize('2022-06-20'), { env: at('2022-06-20T01:00:00.000Z'), timeoutSec: 120 });
    expect(f.code, f.output).toBe(0);
    expect(f.output).toMatch(/\rfiling the awards [^\r]*\d[\d,]*\/[\d,]+ rows/);
    expect(f.output).toMatch(/\r\u001b\[K[^\r]*filed #1/);
  }, 300_000);
});

describe('progress bar, bringing an older ledger up to date', () => {
  // The round above put back to the shape of version 11: the upgrade seals its 20,000 application rows and statuses again.
  it('the rows the upgrade seals again, after the notice, cleared before the result; only the notice when piped', () => {
    const older = () => {
      const copy = join(tempDir('jmfund-upgrade-'), 'ledger.db');
      copyFileSync(db, copy);
      const raw = new Database(copy);
      downTo11(raw);
      raw.pragma('user_version = 11');
      raw.close();
      return copy;
    };
    for (const lang of ['zh', 'en']) {
      const copy = older();
      const r = runOnPty(['--lang', lang, 'round', 'list'], { env: { ...env(), JMFUND_DB: copy }, timeoutSec: 120 });
      expect(r.code, r.output).toBe(0);
      const bar = lang === 'zh' ? new RegExp(`版本 11 更新到 ${NOW}[^]*\\r正在封存升级改写的行 [^\\r]*\\d[\\d,]*/[\\d,]+ 行`) : new RegExp(`version 11 to ${NOW}[^]*\\rsealing the rows the upgrade rewrote [^\\r]*\\d[\\d,]*/[\\d,]+ rows`);
      expect(r.output).toMatch(bar);
      expect(r.output).toMatch(/\r\u001b\[K[^]*R1/);
    }
    const copy = older();
    const piped = runCli(['round', 'list'], { env: { ...env(), JMFUND_DB: copy } });
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stderr).toBe(`bringing the ledger's structure from version 11 to ${NOW} (once; seconds on a large ledger); the ledger as it was is copied to ${copy}.v11.bak\n`);
  }, 300_000);
});
