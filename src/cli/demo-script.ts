// The demo runs the real binary step by step, as an officer would type it,
// through the whole cycle on the bundled fixtures (fixtures/demo/).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lang } from '../domain/text.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'jmfund.js');
const DEMO = join(ROOT, 'fixtures', 'demo');

export interface DemoStep {
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export const REPORT_KINDS = ['awards', 'notice', 'audit', 'fund-usage', 'performance'] as const;
export const REPORT_FORMATS = ['csv', 'json', 'xlsx', 'html', 'md'] as const;

export interface DemoResult {
  dir: string;
  db: string;
  reportsDir: string;
  steps: DemoStep[];
}

/** Runs the cycle; `onStep` sees each step as it finishes (the demo prints as it goes). */
export function runDemo(dir: string, lang: Lang, onStep: (s: DemoStep) => void = () => {}): DemoResult {
  const db = join(dir, 'demo.db');
  const reportsDir = join(dir, 'reports');
  mkdirSync(reportsDir, { recursive: true });
  const env = { ...process.env, JMFUND_DB: db, JMFUND_OFFICER: process.env.JMFUND_OFFICER ?? 'demo-officer', JMFUND_LANG: lang, NO_COLOR: '1' };
  const steps: DemoStep[] = [];
  const show = (p: string) => (p.startsWith(ROOT) ? relative(ROOT, p) : p);
  // The story's clock: each step runs on the day it happens in the story (2022–2023),
  // so that every date the ledger records and every report prints belongs to it.
  let day = '2022-05-05';
  let minute = 0;
  const on = (date: string) => {
    day = date;
    minute = 0;
  };
  const run = (args: string[], expect: number[] = [0]): DemoStep => {
    // 09:00 China time (01:00 UTC), one minute per step: instants always move forward.
    const now = `${day}T01:${String(minute++).padStart(2, '0')}:00.000Z`;
    const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...env, JMFUND_NOW: now }, encoding: 'utf8', cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    const step = { command: `jmfund ${args.map((a) => (/[\s"'`$]/.test(a) ? JSON.stringify(show(a)) : show(a))).join(' ')}`, exitCode: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    steps.push(step);
    onStep(step);
    if (!expect.includes(step.exitCode)) {
      throw new Error(`demo step failed (exit ${step.exitCode}, expected ${expect.join(' or ')}): ${step.command}\n${r.stderr}`);
    }
    return step;
  };
  const R = ['--round', '2022-R1'];
  const fixture = (name: string) => join(DEMO, name);

  on('2022-05-05');
  run(['init']);
  run(['round', 'create', '2022-R1', '--opens', '2022-03-01', '--closes', '2022-04-30', '--budget', 'benchmark-enterprise=200万', '--budget', 'benchmark-platform=1,000,000', '--budget', 'sme-cloud=1500000', '--budget', 'cluster-pilot=¥6,000,000']);
  for (const kind of ['prior-funding', 'credit', 'violations', 'accidents']) run(['lists', 'import', kind, fixture(`${kind}.csv`)]);
  run(['import', fixture('applications.csv'), ...R]);
  on('2022-05-06');
  // Two applications need an officer's decision (exit 1 says so).
  run(['check', ...R], [1]);
  on('2022-05-09');
  run(['decide', 'D008', 'credit-code', '--pass', '--reason', '营业执照核对无误：早期赋码，校验位不符但代码真实有效']);
  run(['decide', 'D015', 'legal-person', '--fail', '--reason', '分公司，非独立法人，应由总公司申报']);
  run(['check', ...R]);
  on('2022-05-16');
  run(['scores', 'import', fixture('scores.csv'), ...R]);
  run(['scores', 'aggregate', ...R]);
  run(['scores', 'experts', ...R]);
  run(['caps', ...R]);
  // Art. 7(5): an item the city decided, with its document number; before
  // allocate, since publicize wants an allocation newer than every manual award.
  on('2022-05-17');
  run(['award', 'set', 'D032', '--amount', '150万', '--basis', '江府办〔2022〕12号', '--on', '2022-05-17', '--yes']);
  on('2022-05-18');
  run(['allocate', ...R]);
  on('2022-05-31');
  run(['publicize', ...R, '--from', '2022-06-01', '--days', '7', '--out', join(reportsDir, 'notice-1.csv'), '--yes']);
  on('2022-06-03');
  run(['objection', 'add', 'D002', '--received', '2022-06-03', '--from', '江门市某精密制造有限公司', '--text', '申报总投入含非工业互联网设备']);
  on('2022-06-04');
  run(['objection', 'add', 'D007', '--received', '2022-06-04', '--text', '匿名来信']);
  on('2022-06-06');
  run(['objection', 'resolve', '1', '--upheld', '--note', '核查属实：总投入虚增，撤销拟补助', '--on', '2022-06-06', '--yes']);
  on('2022-06-07');
  // The freed money goes to the reserve list; awards already on notice stay.
  run(['allocate', ...R]);
  run(['allocations', 'diff', ...R, '1', '2']);
  on('2022-06-09');
  run(['publicize', ...R, '--from', '2022-06-10', '--days', '7', '--out', join(reportsDir, 'notice-2.csv'), '--yes']);
  on('2022-06-12');
  run(['finalize', ...R, '--on', '2022-06-12', '--yes'], [3]);
  on('2022-06-20');
  run(['finalize', ...R, '--on', '2022-06-20', '--yes']);
  on('2022-12-15');
  run(['accept', 'D001', '--date', '2022-12-15', '--result', 'pass', '--actual-investment', '1,800,000']);
  on('2022-12-16');
  run(['accept', 'D004', '--date', '2022-12-16', '--result', 'pass', '--actual-investment', '300000']);
  on('2022-12-18');
  run(['accept', 'D010', '--date', '2022-12-18', '--result', 'fail', '--actual-investment', '0', '--note', '项目未实施', '--yes']);
  on('2022-12-20');
  run(['accept', 'D031', '--date', '2022-12-20', '--result', 'pass', '--actual-investment', '1200000', '--events', '12', '--trainees', '620']);
  on('2022-12-30');
  run(['disburse', 'D001', '--amount', '900000', '--date', '2022-12-30', '--voucher', 'PZ-2022-001']);
  run(['disburse', 'D004', '--amount', '100000', '--date', '2022-12-30', '--voucher', 'PZ-2022-002']);
  run(['disburse', 'D031', '--amount', '1000000', '--date', '2022-12-30', '--voucher', 'PZ-2022-003']);
  on('2022-12-31');
  run(['disburse', 'D001', '--amount', '1', '--date', '2022-12-31'], [3]);
  on('2023-02-01');
  run(['spot-check', ...R, '--sample', '3', '--seed', 'demo-2023', '--always-above', '800000', '--on', '2023-02-01']);
  on('2023-02-10');
  run(['spot-check', 'record', 'D001', '--finding', 'ok', '--note', '现场核查：设备在用，发票真实', '--on', '2023-02-10']);
  on('2023-03-01');
  run(['clawback', 'D004', '--amount', '40000', '--reason', '审计发现部分发票重复列支', '--on', '2023-03-01', '--yes']);
  on('2023-03-20');
  run(['clawback', 'recover', 'D004', '--amount', '40000', '--date', '2023-03-20', '--voucher', 'HK-2023-001']);
  on('2023-03-31');
  run(['status', ...R]);
  run(['verify']);
  for (const kind of REPORT_KINDS) {
    for (const format of REPORT_FORMATS) run(['report', kind, ...R, '--format', format, '--out', join(reportsDir, `${kind}.${format}`)]);
  }
  run(['report', 'awards', ...R, '--format', 'md']);
  return { dir, db, reportsDir, steps };
}
