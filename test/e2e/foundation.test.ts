// The foundation commands as an officer runs them: init, policy, uscc, round.
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, runCli, tempDir } from '../helpers.js';
import { downTo11 } from '../ledger/older-ledgers.js';
import { schemaVersion } from '../../src/ledger/open.js';

/** This release's structure version, which an upgrade brings a ledger to. */
const NOW = schemaVersion();

const fresh = () => join(tempDir(), 'ledger.db');

describe('jmfund init', () => {
  it('creates a ledger once and refuses to overwrite it', () => {
    const db = fresh();
    const first = runCli(['init'], { db });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('created ledger');
    const again = runCli(['init'], { db });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');
    expect(again.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });

  it('speaks Chinese with --lang zh', () => {
    const db = fresh();
    runCli(['init'], { db });
    const r = runCli(['--lang', 'zh', 'init'], { db });
    expect(r.stderr).toContain('已存在');
  });

  it('says how to start when there is no ledger', () => {
    const r = runCli(['round', 'list'], { db: join(tempDir(), 'none.db') });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('jmfund init');
  });
});

describe('a ledger made by an older release', () => {
  it('is brought up to date by the first command, which says so and where the copy of it is; reads the same; verifies', () => {
    const db = fresh();
    for (const args of [
      ['init'],
      ['round', 'create', 'R1', '--opens', '2022-03-01', '--closes', '2022-04-30'],
      ['import', join(FIXTURES, 'import', 'applications.csv'), '--round', 'R1'],
      ['check', '--round', 'R1'],
    ]) {
      expect(runCli(args, { db }).code).toBeLessThan(2);
    }
    const list = runCli(['applications', 'list', '--round', 'R1', '--json'], { db }).stdout;
    expect(list).toMatch(/"state":"(eligible|needs-review|ineligible)"/);
    const raw = new Database(db);
    downTo11(raw);
    raw.pragma('user_version = 11');
    raw.close();
    for (const lang of ['zh', 'en']) {
      const copy = join(tempDir(), 'ledger.db');
      copyFileSync(db, copy);
      const r = runCli(['--lang', lang, 'applications', 'list', '--round', 'R1', '--json'], { db: copy });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(list);
      expect(r.stderr).toBe(
        lang === 'zh'
          ? `正在把账本结构从版本 11 更新到 ${NOW}（只做一次；大账本需要几秒），原账本已复制为 ${copy}.v11.bak\n`
          : `bringing the ledger's structure from version 11 to ${NOW} (once; seconds on a large ledger); the ledger as it was is copied to ${copy}.v11.bak\n`,
      );
      expect(existsSync(`${copy}.v11.bak`)).toBe(true);
      // Once only.
      expect(runCli(['applications', 'list', '--round', 'R1', '--json'], { db: copy }).stderr).toBe('');
      expect(runCli(['verify'], { db: copy }).code).toBe(0);
    }
  });
});

describe('jmfund policy', () => {
  it('lists and shows the bundled policy', () => {
    const list = runCli(['policy', 'list', '--json']);
    expect(list.code).toBe(0);
    expect(list.json<{ id: string }[]>().map((p) => p.id)).toContain('jiangmen-2021');
    const show = runCli(['policy', 'show', '--json']);
    expect(show.json<{ id: string; notice: { minDays: number } }>()).toMatchObject({ id: 'jiangmen-2021', notice: { minDays: 7 } });
    const human = runCli(['policy', 'show']);
    expect(human.stdout).toContain('sme-cloud');
    expect(human.stdout).toContain('600,000.00');
    // In Chinese the scoring and allocation rules are said in words, the tie-break chain by its labels.
    const zh = runCli(['--lang', 'zh', 'policy', 'show']).stdout;
    expect(zh).toMatch(/评分（第11条）\s+算术平均；至少 3 位专家；入库分数线 60 分；离群分差 20 分/);
    expect(zh).toMatch(/分配方式\s+按排名；预算不足时跳过，继续排序靠后的申报；同分排序：汇总分从高到低 → 申报日期从早到晚 → 申报编号从小到大/);
  });

  it('validates a file and names the JSON path of each problem', () => {
    const ok = runCli(['policy', 'validate', join(FIXTURES, 'policy', 'jiangmen-2024.json')]);
    expect(ok.code).toBe(0);
    const bad = runCli(['policy', 'validate', join(FIXTURES, 'policy', 'broken-policy.json')]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('categories[2].ratioPercent');
    expect(bad.stdout).toContain('notice.minDays');
    const missing = runCli(['policy', 'validate', 'no-such.json']);
    expect(missing.code).toBe(2);
  });
});

describe('jmfund uscc', () => {
  it('accepts a valid code and explains an invalid one', () => {
    const r = runCli(['uscc', '91440703123456788M', '91440703123456788X', '9144O703123456788M', '914407', '--json']);
    expect(r.code).toBe(1);
    const out = r.json<{ code: string; valid: boolean; errors: string[]; expected_check: string | null; district: string | null; entity_type: string | null }[]>();
    expect(out[0]).toMatchObject({ valid: true, errors: [], expected_check: 'M', division_code: '440703', district: '蓬江区', entity_type: '91' });
    expect(out[1]).toMatchObject({ valid: false, expected_check: 'M' });
    expect(out[1].errors.join()).toContain('should be M');
    expect(out[2].valid).toBe(false);
    expect(out[2].errors.join()).toMatch(/O/);
    expect(out[3].errors.join()).toContain('18');
  });

  it('exits 0 when every code is valid', () => {
    expect(runCli(['uscc', '91440703123456788M']).code).toBe(0);
  });
});

describe('jmfund round', () => {
  const withLedger = () => {
    const db = fresh();
    runCli(['init'], { db });
    return db;
  };

  it('creates, lists and shows a round with budgets in every money form', () => {
    const db = withLedger();
    const c = runCli(['round', 'create', '2022-R1', '--opens', '2022/3/1', '--closes', '2022年4月30日', '--budget', 'sme-cloud=300万', '--budget', '产业集群试点=¥5,000,000', '--budget', 'benchmark-enterprise=1,500,000.50', '--json'], { db });
    expect(c.code).toBe(0);
    expect(c.json()).toMatchObject({
      round: '2022-R1',
      opens_on: '2022-03-01',
      closes_on: '2022-04-30',
      budgets_fen: { 'sme-cloud': 300_000_000, 'cluster-pilot': 500_000_000, 'benchmark-enterprise': 150_000_050, 'talent-training': 100_000_000 },
    });
    const list = runCli(['round', 'list'], { db });
    expect(list.stdout.split('\n')[1]).toMatch(/^2022-R1\t2022-03-01\t2022-04-30\tjiangmen-2021 \(sha256 [0-9a-f]{12}\)\t/);
    const show = runCli(['round', 'show', '2022-R1', '--json'], { db });
    expect(show.json()).toMatchObject({ round: '2022-R1', policy: 'jiangmen-2021' });
  });

  it('refuses a round outside the policy validity (Art. 18) with exit 3', () => {
    const db = withLedger();
    const early = runCli(['round', 'create', 'R0', '--opens', '2021-05-15', '--closes', '2021-06-30'], { db });
    expect(early.code).toBe(3);
    expect(early.stderr).toContain('Art. 18');
    const late = runCli(['round', 'create', 'R0', '--opens', '2024-04-01', '--closes', '2024-05-16'], { db });
    expect(late.code).toBe(3);
    // The last valid day is fine.
    expect(runCli(['round', 'create', 'R0', '--opens', '2021-05-16', '--closes', '2024-05-15'], { db }).code).toBe(0);
  });

  it('uses another policy given as a file', () => {
    const db = withLedger();
    const r = runCli(['round', 'create', 'R24', '--opens', '2024-06-01', '--closes', '2024-07-31', '--policy', join(FIXTURES, 'policy', 'jiangmen-2024.json')], { db });
    expect(r.code).toBe(0);
  });

  it('refuses bad input and changes nothing', () => {
    const db = withLedger();
    const cases: [string[], RegExp][] = [
      [['round', 'create', 'R1', '--opens', '2022-04-30', '--closes', '2022-03-01'], /before it opens/],
      [['round', 'create', 'R1', '--opens', '2022-02-30', '--closes', '2022-04-01'], /--opens/],
      [['round', 'create', 'R1', '--opens', '2022-03-01', '--closes', '2022-04-01', '--budget', 'moon=5'], /unknown category "moon"/],
      [['round', 'create', 'R1', '--opens', '2022-03-01', '--closes', '2022-04-01', '--budget', 'sme-cloud=-5'], /--budget/],
      [['round', 'create', 'R1', '--opens', '2022-03-01', '--closes', '2022-04-01', '--budget', 'sme-cloud'], /CATEGORY=AMOUNT/],
      [['round', 'create', 'R1', '--closes', '2022-04-01'], /--opens/],
    ];
    for (const [args, message] of cases) {
      const r = runCli(args, { db });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(runCli(['round', 'list', '--json'], { db }).json()).toEqual([]);
    expect(runCli(['round', 'create', 'R1', '--opens', '2022-03-01', '--closes', '2022-04-01'], { db }).code).toBe(0);
    const dup = runCli(['round', 'create', 'R1', '--opens', '2022-03-01', '--closes', '2022-04-01'], { db });
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('already exists');
  });

  it('names the known rounds when asked for an unknown one', () => {
    const db = withLedger();
    runCli(['round', 'create', 'R1', '--opens', '2022-03-01', '--closes', '2022-04-01'], { db });
    const r = runCli(['round', 'show', 'R2'], { db });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('R1');
  });
});

describe('usage errors', () => {
  it('exit 2 for an unknown command or option', () => {
    expect(runCli(['frobnicate']).code).toBe(2);
    expect(runCli(['round', 'list', '--bogus']).code).toBe(2);
  });
  it('says the errors commander finds in Chinese under --lang zh, exit 2; in English as commander words them', () => {
    const zh = (args: string[]) => {
      const r = runCli(['--lang', 'zh', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      return r.stderr.split('\n').slice(0, 2).join('\n');
    };
    expect(zh(['alocate'])).toBe('错误：未知命令 alocate\n（是否想输入 allocate？）');
    expect(zh(['allocate', '--round', 'R1', '--methd', 'ranked'])).toBe('错误：未知选项 --methd\n（是否想输入 --method？）');
    expect(zh(['spot-check', 'draw', '--round', 'R1'])).toMatch(/^错误：缺少必需的选项 --sample <n\|p%>/);
    expect(zh(['allocate', '--round'])).toMatch(/^错误：选项 --round <id> 缺少取值/);
    expect(zh(['uscc'])).toMatch(/^错误：缺少参数 codes/);
    expect(zh(['report', 'audit', 'extra', '--round', 'R1'])).toMatch(/^错误：命令 report 的参数过多：应为 1 个，实际为 2 个。/);
    expect(zh(['report', 'audit', '--round', 'R1', '--format', 'pdf'])).toMatch(/^错误：选项 --format <format> 的取值 pdf 无效。可选值：csv、json、xlsx、html、md。/);
    expect(zh(['lists', 'import', 'credits', 'x.csv'])).toMatch(/^错误：参数 kind 的取值 credits 无效。可选值：prior-funding、credit、violations、accidents。/);
    // The help after the error is Chinese too; English keeps commander's words.
    expect(runCli(['--lang', 'zh', 'alocate']).stderr).toContain('用法：');
    expect(runCli(['--lang', 'en', 'alocate']).stderr).toMatch(/^error: unknown command 'alocate'\n\(Did you mean allocate\?\)/);
  });
  it('--help exits 0', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('round');
  });
});

describe('--version', () => {
  it('prints the version at the root, and leaves --version to subcommands', () => {
    expect(runCli(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(runCli(['-V']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
