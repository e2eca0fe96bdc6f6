// `npm run demo` is the README's first command: it must run the whole cycle.
import { describe, expect, it } from 'vitest';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers.js';

describe('jmfund demo', () => {
  it('runs every step of the cycle and writes every report in every format', () => {
    const dir = tempDir('jmfund-demo-test-');
    const r = runCli(['demo', '--dir', dir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = r.json<{ steps: { command: string; exit_code: number }[]; reports: string }>();
    const commands = out.steps.map((s) => s.command.split(' ').slice(1, 3).join(' '));
    for (const c of ['import', 'check --round', 'decide D008', 'scores import', 'allocate --round', 'publicize --round', 'objection add', 'finalize --round', 'accept D001', 'disburse D001', 'spot-check --round', 'clawback D004', 'verify']) {
      expect(commands.some((x) => x.startsWith(c)), c).toBe(true);
    }
    for (const kind of ['awards', 'notice', 'audit', 'fund-usage', 'performance']) {
      for (const format of ['csv', 'json', 'xlsx', 'html', 'md']) {
        const f = join(out.reports, `${kind}.${format}`);
        expect(existsSync(f), f).toBe(true);
        expect(statSync(f).size).toBeGreaterThan(100);
      }
    }
    const verify = runCli(['verify', '--json'], { db: join(dir, 'demo.db') });
    expect(verify.code).toBe(0);
    // One award is "1 award" in English.
    const status = runCli(['status', '--round', '2022-R1', '--lang', 'en'], { db: join(dir, 'demo.db') }).stdout;
    expect(status).toContain('notice #2: 2022-06-10 through 2022-06-16, 1 award, ');
    expect(status).toMatch(/notice #1: 2022-06-01 through 2022-06-07, \d+ awards, /);
    // The whole cycle's log in Chinese: every detail a Chinese name, the codes of a key's own list by their labels.
    const log = runCli(['log', '--lang', 'zh'], { db: join(dir, 'demo.db') }).stdout;
    expect([...new Set([...log.matchAll(/(?:^|[\t;{,] ?)([a-z][a-z0-9_-]*)=/gm)].map((m) => m[1]))]).toEqual([]);
    expect(log).toContain('类型=已获财政资金支持名单');
    expect(log).toContain('类型=信用名录（经营异常、严重违法失信）');
    // publicize's `from` is the notice's first day; an objection's, who raised it.
    expect(log).toContain('公示开始=2022-06-01');
    expect(log).toContain('公示截止=2022-06-07');
    expect(log).toContain('提出人=江门市某精密制造有限公司');
    expect(log).toContain('理由=验收通过，按实际投入重算的上限核减');
    expect(log).toContain('状态=异议成立');
    expect(log).toContain('方法=算术平均');
    expect(log).toMatch(/低于入库分数线=\d+; 有效评审不足=\d+/);
  }, 240_000);

  it('in Chinese, names every state, outcome and category by its Chinese label, not its code; an application\'s history says what each event did to it', () => {
    const dir = tempDir('jmfund-demo-zh-');
    const r = runCli(['--lang', 'zh', 'demo', '--dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    // The commands typed and the commands a hint shows (in backticks, or after "记录结果：jmfund") keep their codes.
    const said = r.stdout
      .split('\n')
      .filter((l) => !l.startsWith('$ ') && !/jmfund /.test(l))
      .map((l) => l.replace(/`[^`]*`/g, ''));
    const codes = /(?<![\w-])(imported|eligible|proposed|in-notice|filed|accepted|disbursed|clawback-due|recovered|withdrawn|not-funded|needs-review|ineligible|rejected-at-acceptance|upheld|dismissed|benchmark-enterprise|benchmark-platform|sme-cloud|cluster-pilot|talent-training)(?![\w-])/;
    expect(said.filter((l) => codes.test(l))).toEqual([]);
    expect(r.stdout).toContain('  中小企业上云上平台：1,500,000.00 元');
    expect(r.stdout).toMatch(/D004：追回 40,000\.00 元（2023-03-20）；已追回合计 40,000\.00 元，待追回 0\.00 元，状态 已追回。/);
    expect(r.stdout).toMatch(/D032：金额 1,500,000\.00 元，依据 江府办〔2022〕12号，状态 拟支持/);
    // An application's history says what each of the round's events did to it, not the round's details.
    const history = (app: string, lang: string) => {
      const show = runCli(['--lang', lang, 'applications', 'show', app], { db: join(dir, 'demo.db') });
      expect(show.code, show.stderr).toBe(0);
      return show.stdout.slice(show.stdout.search(/^(记录|history)$/m));
    };
    const d001 = history('D001', 'zh');
    for (const said of ['资格审核\t— → 符合条件', '资格审核\t资格状态未变', '分配\t分配方案第 1 版', '公示\t公示中：补助 1,000,000.00 元', '备案\t已备案：补助 1,000,000.00 元', '抽查抽样\t抽查 #1：抽入样本（必查）']) {
      expect(d001).toContain(said);
    }
    expect(d001).not.toMatch(/D0(0[2-9]|[1-3]\d)/);
    expect(history('D005', 'zh')).toContain('资格审核\t— → 不符合条件');
    expect(history('D001', 'en')).toContain('publicize\tin-notice: award 1,000,000.00');
  }, 240_000);
});
