// caps, allocate and allocations through the built binary (npm run build first).
import { describe, expect, it } from 'vitest';
import { ledgerWithRound, runCli } from '../helpers.js';
import { runOnPty, stripAnsi } from '../pty.js';
import { addApplications, scenario, type AppSpec } from '../ledger/allocation-fixtures.js';

interface AllocationJson {
  round: string;
  version: number | null;
  dry_run: boolean;
  method: string;
  shortfall: string;
  categories: { category: string; budget_fen: number | null; allocated_fen: number; funded: number }[];
  clusters: { cluster: string; pool_fen: number; allocated_fen: number }[];
  applications: {
    application_id: string;
    category: string;
    cluster: string | null;
    rank: number | null;
    score: string | null;
    cap_fen: number;
    entitled_fen: number;
    award_fen: number;
    reason: string;
    binding: string | null;
  }[];
  reserve: Record<string, string[]>;
  ties: string[][];
}

function ledger(apps?: AppSpec[], budgets?: Record<string, number>): string {
  const s = scenario('round');
  const { db, path } = ledgerWithRound('R1', budgets ?? s.budgets);
  addApplications(db, 'R1', apps ?? s.applications);
  db.close();
  return path;
}

const count = (db: string, what: 'allocations' | 'events') => {
  const r = runCli(what === 'allocations' ? ['allocations', 'list', '--round', 'R1', '--json'] : ['log', '--json'], { db });
  return what === 'allocations' ? r.json<{ versions: unknown[] }>().versions.length : r.stdout;
};

const byId = (j: AllocationJson) => Object.fromEntries(j.applications.map((a) => [a.application_id, a]));

describe('jmfund caps', () => {
  it('shows per application how the cap was reached', () => {
    const db = ledger();
    const r = runCli(['caps', '--round', 'R1', '--json'], { db });
    expect(r.code).toBe(0);
    const j = r.json<{ round: string; unit_fen: number; applications: Record<string, unknown>[] }>();
    expect(j).toMatchObject({ round: 'R1', unit_fen: 100 });
    expect(j.applications.find((a) => a.application_id === 'B1')).toEqual({
      application_id: 'B1',
      category: 'benchmark-enterprise',
      manual: false,
      requested_fen: 120_000_000,
      total_investment_fen: 300_000_000,
      ratio_percent: 50,
      ratio_fen: 150_000_000,
      per_project_cap_fen: 100_000_000,
      per_enterprise_cap_fen: null,
      unit_fen: 100,
      cap_fen: 100_000_000,
      binding: 'per-project-cap',
      article: '7(1), 8(1)',
    });
    const human = runCli(['caps', '--round', 'R1'], { db });
    expect(human.stdout).toMatch(/B2\t.*\t50% × 1,000,000\.00 = 500,000\.00\t1,000,000\.00\t500,000\.00\tratio/);
    expect(runCli(['caps', '--round', 'NOPE'], { db }).code).toBe(2);
  });
});

describe('jmfund allocate', () => {
  it('--dry-run prints the plan and writes nothing', () => {
    const db = ledger();
    const events = count(db, 'events');
    const r = runCli(['allocate', '--round', 'R1', '--dry-run', '--json'], { db });
    expect(r.code).toBe(0);
    const j = r.json<AllocationJson>();
    expect(j).toMatchObject({ round: 'R1', version: null, dry_run: true, method: 'ranked', shortfall: 'skip' });
    expect(count(db, 'allocations')).toBe(0);
    expect(count(db, 'events')).toBe(events);
  });

  it('stores version 1 with every application, reasons and binding limits in the words of SPEC §14', () => {
    const db = ledger();
    const r = runCli(['allocate', '--round', 'R1', '--json'], { db });
    expect(r.code).toBe(0);
    const j = r.json<AllocationJson>();
    expect(Object.keys(j)).toEqual(['round', 'version', 'dry_run', 'method', 'shortfall', 'categories', 'clusters', 'applications', 'reserve', 'ties']);
    expect(j.version).toBe(1);
    expect(j.applications).toHaveLength(15);
    expect(Object.keys(j.applications[0])).toEqual(['application_id', 'category', 'cluster', 'rank', 'score', 'cap_fen', 'entitled_fen', 'award_fen', 'reason', 'binding']);
    const a = byId(j);
    expect(a.S1).toMatchObject({ rank: 1, score: '90.00', cap_fen: 60_000_000, award_fen: 60_000_000, reason: 'funded', binding: 'requested' });
    expect(a.S2).toMatchObject({ rank: 2, award_fen: 0, reason: 'did-not-fit', binding: 'category-budget' });
    expect(a.S3).toMatchObject({ rank: 3, score: '80.00', award_fen: 40_000_000, reason: 'funded' });
    expect(a.S4).toMatchObject({ rank: null, award_fen: 0, reason: 'ineligible', binding: null });
    expect([a.S5.reason, a.S6.reason, a.S7.reason, a.O1.reason, a.P1.reason]).toEqual(['needs-review', 'insufficient-reviews', 'below-threshold', 'not-allocated', 'no-budget']);
    expect(a.S6.score).toBeNull();
    expect(a.B2).toMatchObject({ award_fen: 50_000_000, binding: 'ratio' });
    expect(a.C2).toMatchObject({ cap_fen: 30_000_000, entitled_fen: 0, award_fen: 0, reason: 'enterprise-cap-used-up', binding: 'enterprise-cap' });
    expect(a.T1).toMatchObject({ award_fen: 90_000_000, reason: 'funded' });
    expect(j.categories.find((c) => c.category === 'sme-cloud')).toEqual({ category: 'sme-cloud', budget_fen: 100_000_000, allocated_fen: 100_000_000, funded: 2 });
    expect(j.categories.find((c) => c.category === 'benchmark-platform')).toEqual({ category: 'benchmark-platform', budget_fen: null, allocated_fen: 0, funded: 0 });
    expect(j.clusters).toEqual([
      { cluster: 'stainless-steel', pool_fen: 500_000_000, allocated_fen: 50_000_000 },
      { cluster: 'plumbing-sanitary', pool_fen: 500_000_000, allocated_fen: 40_000_000 },
    ]);
    expect(j.reserve).toEqual({ 'benchmark-enterprise': [], 'benchmark-platform': [], 'sme-cloud': ['S2'], 'cluster-pilot': [], 'talent-training': [] });
    // a tie across the line is a warning (集体审议), exit 0
    expect(j.ties).toEqual([['S2', 'S3']]);
    // …saying what to do next; a category with applications and no budget, and the open review, are named.
    expect(r.stderr).toMatch(/equal scores across the funding line: S2 = S3\. Take them to a collective decision \(集体审议\); then run allocate again with the order it agreed \(`jmfund allocate --round R1 --tie-break CHAIN`/);
    expect(r.stderr).toContain('category benchmark-platform has 1 application but no budget, so it funds nothing; set one with `jmfund round budget R1 benchmark-platform=AMOUNT`');
    expect(r.stderr).toMatch(/1 application still needs review \(needs-review\).*`jmfund review --round R1`/);
    // In Chinese the category is named by its policy label, with the code the hint's command takes.
    const zh = runCli(['allocate', '--round', 'R1', '--dry-run', '--lang', 'zh'], { db });
    expect(zh.stderr).toContain('警告：类别“标杆示范·方向二 特定行业平台标杆”（benchmark-platform）有 1 件申报但没有预算，本次不安排资金；用 `jmfund round budget R1 benchmark-platform=金额`');

    // stored, proposal = latest; the show command reads back the same plan
    const show = runCli(['allocations', 'show', '--round', 'R1', '--json'], { db });
    expect(show.code).toBe(0);
    expect(show.json()).toEqual(j);
    const log = runCli(['log', '--app', 'S1', '--json'], { db });
    if (log.code === 0) expect(log.stdout).toMatch(/allocate/);
  });

  it('human output: budget, allocated and left per category, funded rows marked, the reserve list', () => {
    const db = ledger();
    const r = runCli(['allocate', '--round', 'R1'], { db });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/allocation version 1 \(ranked, shortfall skip\)/);
    expect(r.stdout).toMatch(/budget \(yuan\)\s+1,000,000\.00\nallocated \(yuan\)\s+1,000,000\.00\nleft \(yuan\)\s+0\.00/);
    expect(r.stdout).toContain('✓\t1\tS1\t江门市S1科技有限公司\t90.00\t600,000.00\t600,000.00\tfunded\trequested');
    expect(r.stdout).toContain('\t2\tS2\t江门市S2科技有限公司\t80.00\t500,000.00\t0.00\tdid-not-fit\tcategory-budget');
    expect(r.stdout).toContain('reserve list: S2');
    const zh = runCli(['allocate', '--round', 'R1', '--dry-run'], { db, env: { JMFUND_LANG: 'zh' } });
    expect(zh.stdout).toContain('候补名单：S2');
    expect(zh.stderr).toContain('请提交集体审议');
  });

  it('piped, the tables written by the worker thread are the bytes the command writes itself, in both languages', () => {
    for (const lang of ['en', 'zh']) {
      const [a, b] = [ledger(), ledger()];
      const inWorker = runCli(['allocate', '--round', 'R1'], { db: a, env: { JMFUND_LANG: lang, JMFUND_RENDER_WORKER: 'always' } });
      const here = runCli(['allocate', '--round', 'R1'], { db: b, env: { JMFUND_LANG: lang, JMFUND_RENDER_WORKER: 'never' } });
      expect(inWorker.code).toBe(0);
      expect(inWorker.stdout).toBe(here.stdout);
      expect(inWorker.stderr).toBe(here.stderr);
      expect(here.stdout).toContain(lang === 'en' ? 'reserve list: S2' : '候补名单：S2');
    }
  });

  it('--tie-break refuse: a tie across the line stops the run (exit 3), lists it, writes nothing', () => {
    const db = ledger();
    const events = count(db, 'events');
    const r = runCli(['allocate', '--round', 'R1', '--tie-break', 'refuse', '--json'], { db });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/S2 = S3/);
    expect(count(db, 'allocations')).toBe(0);
    expect(count(db, 'events')).toBe(events);
    // without a tie it runs
    const ok = runCli(['allocate', '--round', 'R1', '--tie-break', 'refuse', '--budget', 'sme-cloud=150万', '--json'], { db });
    expect(ok.code).toBe(0);
    expect(ok.json<AllocationJson>().ties).toEqual([]);
  });

  it('a chain from the command line decides the order', () => {
    const db = ledger();
    // requested ascending first: S3 (400k) before S2 (500k) and S1 (600k)
    const r = runCli(['allocate', '--round', 'R1', '--dry-run', '--json', '--tie-break', 'requested-asc,score-desc'], { db });
    expect(r.code).toBe(0);
    const a = byId(r.json<AllocationJson>());
    expect([a.S3.rank, a.S2.rank, a.S1.rank]).toEqual([1, 2, 3]);
    expect([a.S3.award_fen, a.S2.award_fen, a.S1.award_fen]).toEqual([40_000_000, 50_000_000, 0]);
  });

  it('--budget, --method, --shortfall override the round and the policy', () => {
    const db = ledger();
    const stop = runCli(['allocate', '--round', 'R1', '--dry-run', '--json', '--shortfall', 'partial', '--budget', 'sme-cloud=900000'], { db }).json<AllocationJson>();
    expect(byId(stop).S2).toMatchObject({ award_fen: 30_000_000, reason: 'funded-in-part', binding: 'category-budget' });
    expect(byId(stop).S3).toMatchObject({ award_fen: 0, reason: 'no-budget-left' });
    expect(stop.shortfall).toBe('partial');
    const pro = runCli(['allocate', '--round', 'R1', '--dry-run', '--json', '--method', 'pro-rata', '--budget', '中小企业上云上平台=75万'], { db }).json<AllocationJson>();
    // entitled 600k + 500k + 400k = 1.5M scaled to 750k: × 1/2
    expect([byId(pro).S1.award_fen, byId(pro).S2.award_fen, byId(pro).S3.award_fen]).toEqual([30_000_000, 25_000_000, 20_000_000]);
    expect(byId(pro).S1).toMatchObject({ reason: 'funded-pro-rata', binding: 'pro-rata', entitled_fen: 60_000_000 });
    expect(pro.method).toBe('pro-rata');
  });

  it('refuses bad options with exit 2', () => {
    const db = ledger();
    for (const args of [
      ['--method', 'lottery'],
      ['--shortfall', 'never'],
      ['--tie-break', 'score-desc,luck'],
      ['--tie-break', 'score-desc,score-desc'],
      ['--budget', 'nothing=1'],
      ['--budget', 'sme-cloud=-5'],
    ]) {
      const r = runCli(['allocate', '--round', 'R1', ...args], { db });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/jmfund: /);
    }
    expect(runCli(['allocate'], { db }).code).toBe(2);
    expect(count(db, 'allocations')).toBe(0);
  });
});

describe('jmfund allocations list | show | diff', () => {
  it('lists versions, shows one, and diffs two', () => {
    const db = ledger();
    const none = runCli(['allocations', 'show', '--round', 'R1'], { db });
    expect(none.code, none.stderr).toBe(2);
    expect(runCli(['allocate', '--round', 'R1'], { db }).code).toBe(0);
    expect(runCli(['allocate', '--round', 'R1', '--budget', 'sme-cloud=1500000'], { db }).code).toBe(0);
    const list = runCli(['allocations', 'list', '--round', 'R1', '--json'], { db }).json<{ versions: { version: number; proposal: boolean; funded: number; allocated_fen: number }[] }>();
    expect(list.versions.map((v) => [v.version, v.proposal, v.funded])).toEqual([
      [1, false, 7],
      [2, true, 8],
    ]);
    expect(list.versions[1].allocated_fen - list.versions[0].allocated_fen).toBe(50_000_000);
    const v1 = runCli(['allocations', 'show', '1', '--round', 'R1', '--json'], { db }).json<AllocationJson>();
    expect(byId(v1).S2.award_fen).toBe(0);
    expect(runCli(['allocations', 'show', '7', '--round', 'R1'], { db }).code).toBe(2);
    const diff = runCli(['allocations', 'diff', '--round', 'R1', '1', '2', '--json'], { db });
    expect(diff.code).toBe(0);
    expect(diff.json()).toMatchObject({
      round: 'R1',
      from: 1,
      to: 2,
      changes: [{ application_id: 'S2', category: 'sme-cloud', from: { rank: 2, award_fen: 0, reason: 'did-not-fit' }, to: { rank: 2, award_fen: 50_000_000, reason: 'funded' } }],
    });
    const human = runCli(['allocations', 'diff', '--round', 'R1', '1', '2'], { db });
    expect(human.stdout).toContain('S2\t江门市S2科技有限公司\tsme-cloud\t2 → 2\t0.00 → 500,000.00\tdid-not-fit → funded');
  });

  it('moves participants to proposed / not-funded', () => {
    const db = ledger();
    runCli(['allocate', '--round', 'R1'], { db });
    const show = runCli(['round', 'show', 'R1', '--json'], { db }).json<{ applications: Record<string, number> }>();
    expect(show.applications).toMatchObject({ proposed: 7, 'not-funded': 3 });
  });
});

/** 300 sme-cloud applications of 100,000 yuan each, scores 90.00, 89.98, …; the budget funds 150. */
function longCategory(): string {
  const apps: AppSpec[] = Array.from({ length: 300 }, (_, i) => ({ id: `L${String(i + 1).padStart(3, '0')}`, requested: 100_000, score: 90 - i * 0.02 }));
  return ledger(apps, { 'sme-cloud': 15_000_000 * 100 });
}
/** The ranks of the rows a terminal table shows. */
const shownRanks = (out: string): number[] => [...out.matchAll(/│\s*✓?\s*│\s*(\d+) │ (L\d+)/g)].map((m) => Number(m[1]));
/** Ranks 1–30, then 136–165 around the last funded (150). */
const TOP_AND_LINE = [...Array.from({ length: 30 }, (_, i) => i + 1), ...Array.from({ length: 30 }, (_, i) => i + 136)];

describe('line on a terminal', () => {
  it('shows a long category’s top and its funding line and counts the rest; a pipe keeps every row', () => {
    // No expert scores: every draw is today's plan, so the rows come in rank order.
    const db = longCategory();
    expect(runCli(['allocate', '--round', 'R1'], { db }).code).toBe(0);
    const tty = runOnPty(['line', '--round', 'R1', '--draws', '20'], { columns: 200, env: { JMFUND_DB: db, NO_COLOR: '1' } });
    expect(tty.code, tty.output).toBe(0);
    const out = stripAnsi(tty.output);
    expect(shownRanks(out)).toEqual(TOP_AND_LINE);
    expect(out).toContain('(105 rows left out)');
    expect(out).toContain('(135 rows left out)');
    expect(out).toMatch(/\(60 of 300 rows shown on the terminal: the top by expected rank and the funding line; 0 in the grey zone; every row: --json, a pipe, or `jmfund report line`\)/);
    const zh = stripAnsi(runOnPty(['--lang', 'zh', 'line', '--round', 'R1', '--draws', '20'], { columns: 200, env: { JMFUND_DB: db, NO_COLOR: '1' } }).output).replace(/\r?\n/g, '');
    expect(zh).toContain('（略去 105 行）');
    expect(zh).toContain('终端上显示 300 行中的 60 行');
    const piped = runCli(['line', '--round', 'R1', '--draws', '20'], { db });
    expect(piped.stdout.split('\n').filter((l) => /^✓?\t\d+\tL\d+\t/.test(l))).toHaveLength(300);
    expect(piped.stdout).not.toContain('rows left out');
  });
});

describe('allocate on a terminal', () => {
  it('shows a long category’s top and its funding line, and the head of the reserve list; a pipe and --json keep every line', () => {
    const db = longCategory();
    const tty = runOnPty(['allocate', '--round', 'R1'], { columns: 200, env: { JMFUND_DB: db, NO_COLOR: '1' } });
    expect(tty.code, tty.output).toBe(0);
    const out = stripAnsi(tty.output);
    // The top and the funding line shown, the rest left out and counted.
    expect(shownRanks(out)).toEqual(TOP_AND_LINE);
    expect(out).toContain('(105 lines left out)');
    expect(out).toContain('(135 lines left out)');
    expect(out).toContain('(60 of 300 lines shown on the terminal');
    expect(out).toMatch(/reserve list: L151, L152, .*, L180 … \(120\s+more\)/s);
    // Long lines wrap at the window's edge; between CJK characters without a space.
    const zh = stripAnsi(runOnPty(['--lang', 'zh', 'allocations', 'show', '--round', 'R1'], { columns: 200, env: { JMFUND_DB: db, NO_COLOR: '1' } }).output).replace(/\r?\n/g, '');
    expect(zh).toContain('（略去 105 行）');
    expect(zh).toContain('终端上显示 300 行中的 60 行');
    expect(zh).toMatch(/候补名单：L151、L152、.*L180……（另有 120 ?个）/);

    const piped = runCli(['allocations', 'show', '--round', 'R1'], { db });
    expect(piped.stdout.split('\n').filter((l) => /^✓?\tL?\d*\tL\d+\t/.test(l))).toHaveLength(300);
    expect(piped.stdout).not.toContain('left out');
    expect(piped.stdout).toMatch(/reserve list: L151, .*, L300\n/);
    const json = runCli(['allocations', 'show', '--round', 'R1', '--json'], { db }).json<AllocationJson>();
    expect(json.applications).toHaveLength(300);
    expect(json.reserve['sme-cloud']).toHaveLength(150);
  });
});
