// `jmfund line` as an officer runs it on the bundled fixtures: the ledger file
// unchanged by it, the --json shape, the marginal budget against allocate.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { cpSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, FIXTURES, ROOT, runChild, runCli, tempDir } from '../helpers.js';

/** A ledger made as an officer would, on the bundled fixtures, up to the first allocation. */
function allocated(): string {
  const db = join(tempDir('jmfund-line-'), 'line.db');
  const R = ['--round', '2022-R1'];
  const steps: [string[], number][] = [
    [['init'], 0],
    [['round', 'create', '2022-R1', '--opens', '2022-03-01', '--closes', '2022-04-30', '--budget', 'benchmark-enterprise=200万', '--budget', 'benchmark-platform=1,000,000', '--budget', 'sme-cloud=1500000', '--budget', 'cluster-pilot=¥6,000,000'], 0],
    ...['prior-funding', 'credit', 'violations', 'accidents'].map((k): [string[], number] => [['lists', 'import', k, join(FIXTURES, 'demo', `${k}.csv`)], 0]),
    [['import', join(FIXTURES, 'demo', 'applications.csv'), ...R], 0],
    [['check', ...R], 1],
    [['decide', 'D008', 'credit-code', '--pass', '--reason', '营业执照核对无误'], 0],
    [['decide', 'D015', 'legal-person', '--fail', '--reason', '分公司，非独立法人'], 0],
    [['check', ...R], 0],
    [['scores', 'import', join(FIXTURES, 'demo', 'scores.csv'), ...R], 0],
    [['scores', 'aggregate', ...R], 0],
    [['allocate', ...R], 0],
  ];
  for (const [args, code] of steps) {
    const r = runCli(args, { db });
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(code);
  }
  return db;
}

interface LineJson {
  round: string;
  draws: number;
  seed: string;
  applications: { category: string; p_funded: number }[];
  grey_zone: string[];
  expert_influence: Record<string, unknown>[];
  marginal_budget: { category: string; amount_fen: number | null; application_id: string | null }[];
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The built package copied to a folder of its own, its line worker's module replaced by `worker` (node_modules linked). */
function packageWithWorker(prefix: string, worker: string): string {
  const pkg = tempDir(prefix);
  for (const d of ['bin', 'dist']) cpSync(join(ROOT, d), join(pkg, d), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
  writeFileSync(join(pkg, 'dist', 'ops', 'line-worker.js'), worker);
  return pkg;
}

describe('jmfund line', () => {
  it('leaves the ledger file unchanged, gives the --json shape of issue 20, and the same output for the same seed', () => {
    const db = allocated();
    const before = sha(db);
    const human = runCli(['line', '--round', '2022-R1'], { db });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('grey zone');
    expect(human.stdout).toContain('marginal budget');
    const run = runCli(['line', '--round', '2022-R1', '--category', '标杆示范·方向二', '--draws', '2000', '--seed', '集体审议-2022-05', '--json'], { db });
    expect(run.code, run.stderr).toBe(0);
    expect(sha(db)).toBe(before);

    // Exactly the shape of issue 20.
    const out = run.json<LineJson>();
    expect(Object.keys(out)).toEqual(['round', 'draws', 'seed', 'applications', 'grey_zone', 'expert_influence', 'marginal_budget']);
    expect(out.round).toBe('2022-R1');
    expect(out.draws).toBe(2000);
    expect(out.seed).toBe('集体审议-2022-05');
    expect(out.applications.length).toBeGreaterThan(0);
    for (const a of out.applications) {
      expect(Object.keys(a)).toEqual(['application_id', 'category', 'score', 'expected_rank', 'rank_low', 'rank_high', 'p_funded', 'margin', 'funded']);
      expect(a.category).toBe('benchmark-platform');
      expect(a.p_funded).toBeGreaterThanOrEqual(0);
      expect(a.p_funded).toBeLessThanOrEqual(1);
    }
    for (const e of out.expert_influence) expect(Object.keys(e)).toEqual(['expert', 'changes']);
    expect(out.marginal_budget.map((m) => Object.keys(m))).toEqual([['category', 'amount_fen', 'application_id']]);

    // The marginal budget, checked against allocate --dry-run at that budget.
    const m = out.marginal_budget[0];
    const amount = m.amount_fen!;
    expect(amount).toBeGreaterThan(0);
    {
      const budget = runCli(['allocations', 'show', '--round', '2022-R1', '--json'], { db }).json<{ categories: { category: string; budget_fen: number }[] }>();
      const b = budget.categories.find((c) => c.category === 'benchmark-platform')!.budget_fen;
      const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
      const dry = (fen: number) =>
        runCli(['allocate', '--round', '2022-R1', '--dry-run', '--json', '--budget', `benchmark-platform=${yuan(fen)}`], { db })
          .json<{ applications: { application_id: string; award_fen: number }[] }>()
          .applications.find((a) => a.application_id === m.application_id)!.award_fen;
      expect(dry(b + amount)).toBeGreaterThan(0);
      expect(dry(b + amount - 1)).toBe(0);
      expect(sha(db)).toBe(before);
    }

    // Same seed, same output.
    const again = runCli(['line', '--round', '2022-R1', '--category', 'benchmark-platform', '--draws', '2000', '--seed', '集体审议-2022-05', '--json'], { db });
    expect(again.json()).toEqual(out);
  }, 120_000);

  it('gives the same output whether its draws are planned in a worker thread on the second core or all in one thread', () => {
    const db = allocated();
    const args = ['line', '--round', '2022-R1', '--draws', '300', '--seed', 'worker'];
    const one = runCli([...args, '--json'], { db, env: { JMFUND_LINE_WORKER: 'never' } });
    const two = runCli([...args, '--json'], { db, env: { JMFUND_LINE_WORKER: 'always' } });
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    expect(runCli(args, { db, env: { JMFUND_LINE_WORKER: 'always', JMFUND_LANG: 'zh' } }).stdout).toBe(runCli(args, { db, env: { JMFUND_LINE_WORKER: 'never', JMFUND_LANG: 'zh' } }).stdout);
    // The default for a round this small: no worker (it would not pay for its start), the same figures.
    expect(runCli([...args, '--json'], { db }).stdout).toBe(one.stdout);
  });

  it('a worker that cannot load (a broken install) gives its draws back at once: the same output, without waiting for its silence', () => {
    const db = allocated();
    const args = ['line', '--round', '2022-R1', '--draws', '300', '--seed', 'worker', '--json'];
    const one = runCli(args, { db, env: { JMFUND_LINE_WORKER: 'never' } });
    expect(one.code, one.stderr).toBe(0);
    // Its worker's module unable to load (what it imports is gone).
    const pkg = packageWithWorker('jmfund-broken-worker-', "import './gone.js';\n");
    const env = { ...process.env, NO_COLOR: '1', JMFUND_LANG: 'en', JMFUND_DB: db, JMFUND_LINE_WORKER: 'always' };
    // The worker's silence is 30 s: killed well before it, the run shows it did not wait for it.
    const broken = runChild(process.execPath, [join(pkg, 'bin', 'jmfund.js'), ...args], { env, encoding: 'utf8' }, 20_000);
    expect(broken.status, broken.stderr).toBe(0);
    expect(broken.stdout).toBe(one.stdout);
  }, 120_000);

  it('a worker that falls silent (met its heap bound, say) is set aside once it is many times slower than a draw here: the same output, not 30 s later', () => {
    const db = allocated();
    const args = ['line', '--round', '2022-R1', '--draws', '300', '--seed', 'worker', '--json'];
    const one = runCli(args, { db, env: { JMFUND_LINE_WORKER: 'never' } });
    expect(one.code, one.stderr).toBe(0);
    // Its worker's module loading and then answering nothing.
    const pkg = packageWithWorker('jmfund-silent-worker-', 'setInterval(() => undefined, 1000);\n');
    const env = { ...process.env, NO_COLOR: '1', JMFUND_LANG: 'en', JMFUND_DB: db, JMFUND_LINE_WORKER: 'always' };
    // The draws of this round take milliseconds here: the worker's silence is its floor, 3 s; 30 s would be killed at 20.
    const started = Date.now();
    const silent = runChild(process.execPath, [join(pkg, 'bin', 'jmfund.js'), ...args], { env, encoding: 'utf8' }, 20_000);
    expect(silent.status, silent.stderr).toBe(0);
    expect(silent.stdout).toBe(one.stdout);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3_000);
  }, 120_000);

  it('hears Ctrl-C between its draws: it stops at once, says nothing was written, exit 130', async () => {
    const db = allocated();
    const before = sha(db);
    for (const args of [
      ['line', '--round', '2022-R1', '--draws', '100000'],
      ['report', 'line', '--round', '2022-R1', '--draws', '100000', '--format', 'md'],
    ]) {
      const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, JMFUND_DB: db, JMFUND_LANG: 'en', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const exited = once(child, 'close') as Promise<[number | null, string | null]>;
      // Well into the draws (100,000 of them take far longer than this).
      await new Promise((r) => setTimeout(r, 1500));
      const sent = performance.now();
      child.kill('SIGINT');
      const [code] = await exited;
      expect(code, stderr).toBe(130);
      // Unheard until the end, it ran on for seconds more.
      expect(performance.now() - sent, 'stopped within a moment of the signal').toBeLessThan(1500);
      expect(stderr).toMatch(/^jmfund: interrupted: nothing was written \(SIGINT\)\.$/m);
      expect(sha(db)).toBe(before);
    }
  }, 60_000);

  it('report line writes every format in both languages, and leaves the ledger file unchanged', () => {
    const db = allocated();
    const before = sha(db);
    const dir = tempDir('jmfund-line-report-');
    for (const lang of ['zh', 'en'] as const) {
      for (const format of ['html', 'xlsx', 'md', 'csv', 'json']) {
        const out = join(dir, `line-${lang}.${format}`);
        const r = runCli(['report', 'line', '--round', '2022-R1', '--format', format, '--out', out, '--draws', '300', '--lang', lang], { db });
        expect(r.code, r.stderr).toBe(0);
        expect(readFileSync(out).length, out).toBeGreaterThan(1000);
      }
    }
    expect(sha(db)).toBe(before);
    const html = readFileSync(join(dir, 'line-zh.html'), 'utf8');
    // One caterpillar per category with participants; the line where money ran out in benchmark-enterprise and -platform.
    expect(html.match(/<svg class="caterpillar"/g)).toHaveLength(5);
    expect(html.match(/class="funding-line"/g)).toHaveLength(2);
    expect(html).toContain('资助线分析');
    expect(html).toContain('@page');
    const md = readFileSync(join(dir, 'line-en.md'), 'utf8');
    expect(md).toContain('## Grey zone');
    expect(md).toContain('## Leave one expert out');
    // The same figures as jmfund line, for the same seed and draws.
    const json = JSON.parse(readFileSync(join(dir, 'line-en.json'), 'utf8')) as { sections: { id: string; rows: Record<string, unknown>[] }[] };
    const line = runCli(['line', '--round', '2022-R1', '--draws', '300', '--json'], { db }).json<{ applications: { application_id: string; p_funded: number }[] }>();
    const rows = json.sections.filter((x) => x.id.startsWith('category-')).flatMap((x) => x.rows);
    expect(rows.map((r) => r.application_id).sort()).toEqual(line.applications.map((a) => a.application_id).sort());
    // One category, by name.
    const one = runCli(['report', 'line', '--round', '2022-R1', '--format', 'md', '--category', 'sme-cloud', '--draws', '50'], { db });
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toContain('SMEs onto the cloud');
    expect(one.stdout).not.toContain('Industrial cluster pilot (Art.');
  }, 180_000);

  it('allocate --what-if compares other budgets with the stored version and writes nothing', () => {
    const db = allocated();
    const before = sha(db);
    // The marginal budget of jmfund line, tried: the next application comes in.
    const m = runCli(['line', '--round', '2022-R1', '--category', 'benchmark-platform', '--draws', '50', '--json'], { db }).json<LineJson>().marginal_budget[0];
    const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
    const r = runCli(['allocate', '--round', '2022-R1', '--what-if', '--budget', `benchmark-platform=${yuan(100_000_000 + m.amount_fen!)}`, '--json'], { db });
    expect(r.code, r.stderr).toBe(0);
    const w = r.json<{ round: string; compared_with_version: number; budget_steps: string | null; scenarios: { budgets_fen: Record<string, number>; refused: string | null; categories: Record<string, unknown>[]; comes_in: { application_id: string }[]; drops_out: unknown[]; award_changes: unknown[] }[] }>();
    expect(Object.keys(w)).toEqual(['round', 'compared_with_version', 'method', 'shortfall', 'budget_steps', 'scenarios']);
    expect(w.compared_with_version).toBe(1);
    expect(w.scenarios).toHaveLength(1);
    expect(Object.keys(w.scenarios[0])).toEqual(['budgets_fen', 'refused', 'categories', 'comes_in', 'drops_out', 'award_changes']);
    expect(w.scenarios[0].comes_in.map((c) => c.application_id)).toEqual([m.application_id]);
    expect(Object.keys(w.scenarios[0].categories[0])).toEqual(['category', 'budget_fen', 'allocated_fen', 'left_fen', 'funded', 'stored_budget_fen', 'stored_allocated_fen', 'stored_funded']);

    const steps = runCli(['allocate', '--round', '2022-R1', '--budget-steps', '标杆示范·方向二=100万:160万:20万'], { db });
    expect(steps.code, steps.stderr).toBe(0);
    expect(steps.stdout.trim().split('\n').filter((l) => /^1,[0-9]00,000\.00\t/.test(l))).toHaveLength(4);
    expect(sha(db)).toBe(before);
    expect(runCli(['allocations', 'list', '--round', '2022-R1', '--json'], { db }).json<{ versions: unknown[] }>().versions).toHaveLength(1);

    const none = runCli(['allocate', '--round', '2022-R1', '--what-if'], { db });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--budget');
  }, 120_000);

  it('says what is wrong with its options (exit 2)', () => {
    const db = join(tempDir('jmfund-line-'), 'l.db');
    expect(runCli(['init'], { db }).code).toBe(0);
    expect(runCli(['round', 'create', 'R1', '--opens', '2022-03-01', '--closes', '2022-04-30'], { db }).code).toBe(0);
    const none = runCli(['line', '--round', 'R1'], { db });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no allocation yet');
    const draws = runCli(['line', '--round', 'R1', '--draws', 'many'], { db });
    expect(draws.code).toBe(2);
    expect(draws.stderr).toContain('--draws');
  });
});
