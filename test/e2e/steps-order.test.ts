// The order of work (SPEC §15, issue 17) through the built binary: each step
// taken too early is refused (exit 3) with the step the round lacks, and the
// ledger file is byte for byte what it was.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, runCli, tempDir } from '../helpers.js';

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const demo = (name: string) => join(FIXTURES, 'demo', name);
const R = ['--round', '2022-R1'];

function roundOf(db: string) {
  // Each step one minute later, as an officer would type them (China time 09:00 on).
  let minute = 0;
  const run = (args: string[]) => runCli(args, { db, env: { JMFUND_NOW: `2022-05-20T01:${String(minute++).padStart(2, '0')}:00.000Z` } });
  const ok = (args: string[], codes = [0]) => {
    const r = run(args);
    expect(codes, `${args.join(' ')}\n${r.stderr}`).toContain(r.code);
    return r;
  };
  /** Refused with exit 3, the ledger file unchanged. */
  const refused = (args: string[]) => {
    const before = sha(db);
    const r = run(args);
    expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(3);
    expect(sha(db)).toBe(before);
    return r.stderr;
  };
  return { run, ok, refused };
}

function importedRound() {
  const db = join(tempDir('jmfund-steps-'), 'ledger.db');
  const s = roundOf(db);
  s.ok(['init']);
  s.ok(['round', 'create', '2022-R1', '--opens', '2022-03-01', '--closes', '2022-04-30', '--budget', 'benchmark-enterprise=200万', '--budget', 'benchmark-platform=100万', '--budget', 'sme-cloud=150万', '--budget', 'cluster-pilot=600万']);
  for (const k of ['prior-funding', 'credit', 'violations', 'accidents']) s.ok(['lists', 'import', k, demo(`${k}.csv`)]);
  s.ok(['import', demo('applications.csv'), ...R]);
  return { db, ...s };
}

describe('steps in order', () => {
  it('refuses allocate before check, names open reviews, refuses a notice of an out-of-date plan and a decision on notice', () => {
    const { ok, refused } = importedRound();

    // allocate before check: stored or dry run.
    for (const args of [['allocate', ...R], ['allocate', ...R, '--dry-run']]) {
      const e = refused(args);
      expect(e).toMatch(/33 applications have not been checked since they were imported or updated/);
      expect(e).toContain('hint: run `jmfund check --round 2022-R1`');
    }
    // publicize before anything: the step lacking is the check, not "allocate".
    expect(refused(['publicize', ...R, '--from', '2022-06-01', '--yes'])).toContain('`jmfund check --round 2022-R1`');

    ok(['check', ...R], [1]);
    // No allocation yet.
    expect(refused(['publicize', ...R, '--from', '2022-06-01', '--yes'])).toMatch(/2 applications still need review/);
    ok(['scores', 'import', demo('scores.csv'), ...R]);
    ok(['scores', 'aggregate', ...R]);

    // allocate with open reviews: stored, and said on stderr with the count and the command.
    const a = ok(['allocate', ...R]);
    expect(a.stderr).toMatch(/warning: 2 applications still need review \(needs-review\)/);
    expect(a.stderr).toContain('`jmfund review --round 2022-R1`');
    const e = refused(['publicize', ...R, '--from', '2022-06-01', '--yes']);
    expect(e).toMatch(/2 applications still need review/);
    expect(e).toContain('`jmfund review --round 2022-R1`');

    ok(['decide', 'D008', 'credit-code', '--pass', '--reason', '营业执照核对无误']);
    ok(['decide', 'D015', 'legal-person', '--fail', '--reason', '分公司，非独立法人']);
    // The plan predates both decisions: both times named (CST), allocate again.
    const stale = refused(['publicize', ...R, '--from', '2022-06-01', '--yes']);
    expect(stale).toMatch(/the allocation of 09:\d\d \(version 1\) predates the decision on D008 at 09:\d\d \(2022-05-20, CST\), and 1 more change after it/);
    expect(stale).toContain('hint: run `jmfund allocate --round 2022-R1` again');

    const again = ok(['allocate', ...R]);
    expect(again.stderr).not.toMatch(/need review/);
    ok(['publicize', ...R, '--from', '2022-06-01', '--yes']);

    // A decision on an award on notice: refused, the objection procedure named.
    const d = refused(['decide', 'D001', 'credit-code', '--pass', '--reason', '复核']);
    expect(d).toMatch(/application D001 is in-notice: its award is on notice/);
    expect(d).toMatch(/hint: .*`jmfund objection add .*`jmfund objection resolve/);
    // Nothing left to put on notice: says every award is on notice, not "run allocate".
    const none = refused(['publicize', ...R, '--from', '2022-06-10', '--yes']);
    expect(none).toMatch(/already on notice; run `jmfund finalize`/);
  }, 120_000);

  it('warns when scores are aggregated before any was imported, and when then no application takes part in the allocation', () => {
    const { ok } = importedRound();
    ok(['check', ...R], [1]);
    const agg = ok(['scores', 'aggregate', ...R]);
    expect(agg.stderr).toMatch(/^warning: round 2022-R1 has no valid expert score: all 33 applications come out as insufficient reviews .*`jmfund scores import FILE --round 2022-R1`/m);
    const zh = ok(['scores', 'aggregate', ...R, '--lang', 'zh', '--json']);
    expect(zh.stderr).toContain('警告：批次 2022-R1 没有任何有效的专家评分：33 个申报都记为“有效评审不足”，不参与排名。');
    const alloc = ok(['allocate', ...R, '--lang', 'zh']);
    expect(alloc.stderr).toMatch(/警告：本版分配没有申报参与排名，不安排任何资金：参与排名须符合条件且汇总分不低于 60 分（第11条；[^）]*有效评审不足 \d+/);
    expect(ok(['allocate', ...R, '--dry-run']).stderr).toMatch(/at least 60 \(Art\. 11; [^)]*insufficient-reviews \d+/);
    // Once scores are in, neither.
    ok(['scores', 'import', demo('scores.csv'), ...R]);
    expect(ok(['scores', 'aggregate', ...R]).stderr).not.toContain('no valid expert score');
    expect(ok(['allocate', ...R]).stderr).not.toContain('no application takes part');
  }, 120_000);

  it('says it in Chinese', () => {
    const { db } = importedRound();
    const r = runCli(['allocate', ...R, '--lang', 'zh'], { db });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('33 件申报自导入或更新后尚未核查，不能分配。');
    expect(r.stderr).toContain('提示：先运行 `jmfund check --round 2022-R1`。');
  }, 60_000);
});
