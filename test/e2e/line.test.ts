// `jmfund line` as an officer runs it: the README's example, line for line, on
// the bundled fixtures; the ledger file unchanged by it; the --json shape.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli, tempDir } from '../helpers.js';

/** The README's example: the shell lines between the line-example markers. */
function readmeExample(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /<!-- line example[^>]*-->\s*```sh\n([\s\S]*?)```\s*<!-- \/line example -->/.exec(readme);
  if (!block) throw new Error('README.md has no line example');
  return block[1].split('\n').filter((l) => l.trim() !== '');
}

function bash(lines: string[], db: string): { code: number; stdout: string; stderr: string } {
  // `jmfund` is the built binary; the example's ledger goes to a temporary folder.
  const script = ['jmfund() { node "$JMFUND_BIN" "$@"; }', ...lines.map((l) => l.replace('/tmp/jmfund-line-example.db', db))].join('\n');
  const r = spawnSync('bash', ['-c', script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, JMFUND_BIN: BIN, JMFUND_LANG: 'en', NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('jmfund line', () => {
  it('runs the README example as written, and leaves the ledger file unchanged', () => {
    const lines = readmeExample();
    const first = lines.findIndex((l) => l.startsWith('jmfund line'));
    expect(first).toBeGreaterThan(0);
    const db = join(tempDir('jmfund-line-'), 'example.db');
    const setup = bash(lines.slice(0, first), db);
    expect(setup.code, setup.stderr).toBe(0);
    const before = sha(db);

    const run = bash([lines[0], ...lines.slice(first)], db);
    expect(run.code, run.stderr).toBe(0);
    expect(sha(db)).toBe(before);
    expect(run.stdout).toContain('grey zone');
    expect(run.stdout).toContain('marginal budget');

    // The last line is the --json one: exactly the shape of issue 20.
    const out = JSON.parse(run.stdout.trim().split('\n').pop()!);
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
    expect(out.marginal_budget.map((m: Record<string, unknown>) => Object.keys(m))).toEqual([['category', 'amount_fen', 'application_id']]);

    // The marginal budget, checked against allocate --dry-run at that budget.
    const m = out.marginal_budget[0];
    expect(m.amount_fen).not.toBeNull();
    {
      const budget = runCli(['allocations', 'show', '--round', '2022-R1', '--json'], { db }).json<{ categories: { category: string; budget_fen: number }[] }>();
      const b = budget.categories.find((c) => c.category === 'benchmark-platform')!.budget_fen;
      const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
      const dry = (fen: number) =>
        runCli(['allocate', '--round', '2022-R1', '--dry-run', '--json', '--budget', `benchmark-platform=${yuan(fen)}`], { db })
          .json<{ applications: { application_id: string; award_fen: number }[] }>()
          .applications.find((a) => a.application_id === m.application_id)!.award_fen;
      expect(dry(b + m.amount_fen)).toBeGreaterThan(0);
      expect(dry(b + m.amount_fen - 1)).toBe(0);
      expect(sha(db)).toBe(before);
    }

    // Same seed, same output.
    const again = runCli(['line', '--round', '2022-R1', '--category', 'benchmark-platform', '--draws', '2000', '--seed', '集体审议-2022-05', '--json'], { db });
    expect(again.json()).toEqual(out);
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
