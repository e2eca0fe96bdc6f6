// On a real (pseudo-)terminal: tables fit the window in both languages and
// carry colour; piped, the same command writes plain TSV without colour codes.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/domain/reports/model.js';
import { FIXTURES, runCli, tempDir } from '../helpers.js';
import { buildReportLedger, NOW, OFFICER, ROUND, type FixtureLedger } from '../../fixtures/report/build-ledger.js';
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

// Issue 18: every command that prints a table, on a round through the whole
// cycle (the report fixture: filed, accepted, paid, clawed back), at 80, 100
// and 200 columns in both languages: no line wider than the window, and under
// --lang zh no code of the ledger left in English.
describe('every table command fits the window, in both languages', () => {
  let F: FixtureLedger;
  beforeAll(() => {
    F = buildReportLedger('final');
  }, 180_000);
  const R = ['--round', ROUND];
  const COMMANDS: string[][] = [
    ['applications', 'list', ...R],
    ['applications', 'show', 'R013'],
    ['check', ...R],
    ['scores', 'show', 'R001'],
    ['scores', 'experts', ...R],
    ['caps', ...R],
    ['allocations', 'list', ...R],
    ['allocations', 'show', ...R],
    ['allocations', 'diff', ...R, '1', '2'],
    ['objection', 'list', ...R],
    ['status', ...R],
    ['log'],
    ['round', 'list'],
    ['round', 'show', ROUND],
    ['policy', 'list'],
    ['policy', 'show'],
    ['uscc', '91440703MA1000017E'],
    ['verify'],
  ];
  // Codes a Chinese table must show by their label (labels.ts), never as the code.
  const CODES = /(?<![\w-])(benchmark-enterprise|benchmark-platform|sme-cloud|cluster-pilot|talent-training|stainless-steel|plumbing-sanitary|not-funded|needs-review|in-notice|rejected-at-acceptance|clawback-due|credit-code|legal-person|no-other-funding|past-compliance|policy-validity|did-not-fit|per-project-cap|enterprise-cap|category-budget|amount_fen)(?![\w-])/;
  for (const lang of ['zh', 'en'] as const) {
    for (const columns of [80, 100, 200]) {
      it(`${columns} columns, --lang ${lang}`, () => {
        for (const args of COMMANDS) {
          const r = runOnPty(['--lang', lang, ...args], { columns, env: { JMFUND_DB: F.db, JMFUND_NOW: NOW, JMFUND_OFFICER: OFFICER } });
          const shown = stripAnsi(r.output);
          expect(r.code, `${args.join(' ')}: ${shown}`).toBeLessThanOrEqual(1);
          const wide = shown.split(/\r?\n/).find((l) => displayWidth(l) > columns);
          expect(wide, `jmfund ${args.join(' ')} at ${columns} columns (${lang}) has a line of ${wide ? displayWidth(wide) : 0}`).toBeUndefined();
          if (lang === 'zh' && !['policy', 'verify'].includes(args[0])) expect(shown, `jmfund --lang zh ${args.join(' ')}`).not.toMatch(CODES);
          // A Chinese label takes a full-width colon (候补名单：…, 结论：…), not ": ".
          if (lang === 'zh') expect(shown.split(/\r?\n/).find((l) => /[\u4e00-\u9fff）]: /.test(l)), `jmfund --lang zh ${args.join(' ')}`).toBeUndefined();
        }
      }, 240_000);
    }
  }

  it('check at 80 columns lists its problem applications as paragraphs (a reason 16 columns wide took 8–9 lines a row); at 100, a table', () => {
    const at = (columns: number) => stripAnsi(runOnPty(['--lang', 'zh', 'check', ...R], { columns, env: { JMFUND_DB: F.db, JMFUND_NOW: NOW, JMFUND_OFFICER: OFFICER } }).output);
    const narrow = at(80);
    expect(narrow).toContain('（终端宽 80 列：每项一段，首行为 申报编号 · 企业 · 状态');
    expect(narrow).toMatch(/^R\d{3} · \S+ · (不符合条件|待复核)\r?$/m);
    expect(narrow).not.toMatch(/│ 理由/);
    expect(at(100)).toMatch(/│ 理由/);
  });

  it('colours the meaning on a terminal (funded green, refused red, headers bold) and never in a pipe, a file or --json', () => {
    const tty = runOnPty(['--lang', 'zh', 'allocations', 'show', ...R], { columns: 200, env: { JMFUND_DB: F.db, FORCE_COLOR: '' } });
    expect(tty.output).toMatch(/\u001b\[32m[^\u001b]*予以支持/);
    expect(tty.output).toMatch(/\u001b\[31m[^\u001b]*不符合申报条件/);
    expect(tty.output).toMatch(/\u001b\[1m/);
    const noColor = runOnPty(['--no-color', 'allocations', 'show', ...R], { columns: 200, env: { JMFUND_DB: F.db } });
    expect(noColor.output).not.toMatch(/\u001b\[[0-9;]*m/);
    for (const args of [['allocations', 'show', ...R], ['--json', 'allocations', 'show', ...R], ['log']]) {
      const piped = runCli(args, { db: F.db, env: { FORCE_COLOR: '' } });
      expect(piped.stdout, args.join(' ')).not.toMatch(/\u001b\[/);
    }
  });
});


// A province's list: on a terminal the first 1,000 rows and the count, piped and --json every row,
// read as written (issue 19: applications list --json of 10^6 rows failed past 3 GB).
describe('a long list on a terminal', () => {
  it('applications list and caps show 1,000 of 1,200 and say how to get all; a pipe and --json get all', async () => {
    const { generateApplications } = await import('../crash/lib.js');
    const dir = tempDir();
    const long = join(dir, 'long.db');
    const csv = join(dir, 'apps.csv');
    await generateApplications(csv, { rows: 1200 });
    const env = { JMFUND_NOW: '2022-05-05T01:00:00Z' };
    for (const args of [['init'], ['round', 'create', 'L', '--opens', '2022-03-01', '--closes', '2022-04-30'], ['import', csv, '--round', 'L']]) {
      const r = runCli(args, { db: long, env });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    for (const [lang, says] of [['en', /1200 applications\s+\(first 1000 shown; use --json or a pipe for all\)/], ['zh', /共 1200 项申报\s+（仅显示前 1000 项；完整列表请用 --json 或输出到管道）/]] as const) {
      const tty = runOnPty(['--lang', lang, 'applications', 'list', '--round', 'L'], { columns: 200, env: { JMFUND_DB: long } });
      expect(tty.code, tty.output).toBe(0);
      const out = stripAnsi(tty.output);
      expect(out).toMatch(says);
      expect(out.match(/\bA-\d+/g)?.length).toBe(1000);
    }
    const piped = runCli(['applications', 'list', '--round', 'L'], { db: long });
    expect(piped.stdout.trim().split('\n')).toHaveLength(1201);
    expect(runCli(['--json', 'applications', 'list'], { db: long }).json<unknown[]>()).toHaveLength(1200);
    // caps: the same on a terminal, every line piped and in --json.
    const capsTty = stripAnsi(runOnPty(['--lang', 'en', 'caps', '--round', 'L'], { columns: 200, env: { JMFUND_DB: long } }).output);
    expect(capsTty).toMatch(/\(first 1000 of 1200 shown; use --json or a pipe for all\)/);
    expect(capsTty.match(/\bA-\d+/g)?.length).toBe(1000);
    expect(runCli(['caps', '--round', 'L'], { db: long }).stdout.trim().split('\n')).toHaveLength(1202);
    expect(runCli(['--json', 'caps', '--round', 'L'], { db: long }).json<{ applications: unknown[] }>().applications).toHaveLength(1200);
  }, 120_000);

  it('log shows the newest 200 events of 260 and says how to see the rest; --limit, a pipe and --json are not cut', async () => {
    const { appendEvent } = await import('../../src/ledger/events.js');
    const { openLedger, inTransaction } = await import('../../src/ledger/open.js');
    const many = join(tempDir(), 'events.db');
    expect(runCli(['init'], { db: many, env: { JMFUND_NOW: '2022-05-05T01:00:00Z' } }).code).toBe(0);
    const l = openLedger(many);
    // 259 events after init's: as a review of a province's sheet writes, one per decision.
    inTransaction(l, () => {
      for (let i = 1; i <= 259; i++) appendEvent(l, { officer: 'o', command: 'decide', at: `2022-05-06T01:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000Z`, details: { n: i } });
    });
    l.close();
    for (const [lang, says] of [['en', '(the newest 200 of 260 events shown on the terminal; older ones: --limit N, --since DATE, --app ID, or a pipe)'], ['zh', '（终端上显示 260 个事件中最新的 200 个；更早的事件请用 --limit N、--since DATE、--app ID，或输出到管道）']] as const) {
      const out = stripAnsi(runOnPty(['--lang', lang, 'log'], { columns: 160, env: { JMFUND_DB: many } }).output);
      expect(out.replace(/\s+/g, ' ')).toContain(says.replace(/\s+/g, ' '));
      const seqs = [...out.matchAll(/^│\s+(\d+) │/gm)].map((m) => Number(m[1]));
      expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => 61 + i));
    }
    // Asked for: --limit shows what it says, without the note.
    const limited = stripAnsi(runOnPty(['log', '--limit', '250'], { columns: 160, env: { JMFUND_DB: many } }).output);
    expect([...limited.matchAll(/^│\s+(\d+) │/gm)]).toHaveLength(250);
    expect(limited).not.toContain('shown on the terminal');
    // Narrower than 120 columns: a paragraph per event (its details a line each), not a table with a sliver for them.
    const narrow = stripAnsi(runOnPty(['--lang', 'zh', 'log', '--limit', '3'], { columns: 80, env: { JMFUND_DB: many } }).output);
    expect(narrow).toContain('（终端宽 80 列：每项一段，首行为 序号 · 时间（北京时间） · 操作人 · 命令');
    expect(narrow).not.toContain('│');
    expect([...narrow.matchAll(/^(\d+) · 2022-05-06 09:04 · o · /gm)].map((m) => Number(m[1]))).toEqual([258, 259, 260]);
    expect(narrow).toMatch(/^ {2}n=259\r?$/m);
    expect(stripAnsi(runOnPty(['log', '--limit', '3'], { columns: 120, env: { JMFUND_DB: many } }).output)).toMatch(/^│\s+260 │/m);
    expect(runCli(['log'], { db: many }).stdout.trim().split('\n')).toHaveLength(261);
    expect(runCli(['--json', 'log'], { db: many }).json<{ count: number }>().count).toBe(260);
  }, 120_000);
});
