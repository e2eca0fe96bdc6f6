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
  }, 240_000);
});
