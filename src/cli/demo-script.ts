// The demo runs the real binary step by step, as an officer would type it.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lang } from '../domain/text.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'jmfund.js');

export interface DemoStep {
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function runDemo(dir: string, lang: Lang): Promise<DemoStep[]> {
  const db = join(dir, 'demo.db');
  const env = { ...process.env, JMFUND_DB: db, JMFUND_OFFICER: 'demo-officer', JMFUND_LANG: lang, NO_COLOR: '1' };
  const steps: DemoStep[] = [];
  const run = (args: string[], expect: number[] = [0]) => {
    const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', cwd: ROOT });
    const step = { command: `jmfund ${args.join(' ')}`, exitCode: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    steps.push(step);
    if (!expect.includes(step.exitCode)) {
      throw new Error(`demo step failed (exit ${step.exitCode}): ${step.command}\n${r.stderr}`);
    }
    return step;
  };
  run(['init']);
  run(['round', 'create', '2022-R1', '--opens', '2022-03-01', '--closes', '2022-04-30', '--budget', 'benchmark-enterprise=200万', '--budget', 'benchmark-platform=1,000,000', '--budget', 'sme-cloud=1500000', '--budget', 'cluster-pilot=¥6,000,000']);
  run(['round', 'show', '2022-R1']);
  return steps;
}
