// Benchmark: `jmfund line` (funding-line analysis) at N applications and D draws.
//
//   npm run bench -- --only line            (through bench/run-all.mjs)
//   node bench/line.mjs [--apps 1000,100000] [--draws 1000] [--runs 5] [--big-runs 1] [--json-out FILE]
//
// For each size, builds (untimed) a ledger with one round: N eligible applications in three
// competitive categories, each scored by 5 of 40 experts whose leniencies
// differ (±6 points), aggregated (mean) and allocated with the CLI, with
// budgets that fund about half. Then runs `jmfund line --round B --json
// --draws D` RUNS times (BIG_RUNS above 10,000 applications): wall time, CPU
// and peak RSS from /usr/bin/time; above 10,000 applications also with every
// draw planned in one thread (JMFUND_LINE_WORKER=never: the floor of the
// second core), interleaved; and at the first size once in process. Checks
// that the ledger file is byte for byte unchanged after every run, and that
// both ways give the same output. Goal: < 10 s at 1,000 × 1,000.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fmt, median, options, timed } from './lib/measure.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'jmfund.js');
const opts = options(process.argv.slice(2), { apps: '1000', draws: 1000, runs: 5, bigRuns: 1, jsonOut: '' });
const SIZES = String(opts.apps).split(',').map(Number);
const DRAWS = Number(opts.draws);
const BIG = 10_000;
const EXPERTS = 40;
const PER_APP = 5;
const log = (s) => process.stderr.write(`${s}\n`);

const load = (p) => import(pathToFileURL(join(ROOT, 'dist', p)).href);
const { createLedger, openLedger } = await load('ledger/open.js');
const { insertRound } = await load('ledger/rounds.repo.js');
const { loadPolicy } = await load('io/policies.js');


// mulberry32 and Box–Muller: the same round on every machine.
let seed = 20;
const uniform = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
};
const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());

const CATS = ['sme-cloud', 'benchmark-enterprise', 'benchmark-platform'];
const id = (i) => `B-${String(i + 1).padStart(6, '0')}`;
const rows = [];
const results = [];
for (const [at, APPS] of SIZES.entries()) {
const RUNS = APPS > BIG ? Number(opts.bigRuns) : Number(opts.runs);
const dir = mkdtempSync(join(tmpdir(), 'jmfund-bench-line-'));
const db = join(dir, 'line.db');
const env = { JMFUND_DB: db, JMFUND_LANG: 'en', JMFUND_OFFICER: 'bench', NO_COLOR: '1' };
const cli = (args, more = {}) => timed(process.execPath, [BIN, ...args], { env: { ...env, ...more }, cwd: ROOT });
seed = 20;
{
  const t0 = performance.now();
  const l = createLedger(db);
  const { policy, hash } = loadPolicy();
  // Caps average 250,000 yuan; each budget funds about half its category.
  const budget = Math.round(APPS / CATS.length / 2) * 25_000_000;
  insertRound(l, {
    roundId: 'B',
    opensOn: '2022-03-01',
    closesOn: '2022-04-30',
    policyId: policy.id,
    policyHash: hash,
    policy,
    createdAt: '2022-03-01T00:00:00.000Z',
    createdBy: 'bench',
    budgets: Object.fromEntries(CATS.map((c) => [c, budget])),
  });
  const ins = l.prepare(`INSERT INTO applications (application_id, round_id, enterprise_name, uscc, district, established_on,
      independent_legal_person, category, cluster, project_name, total_investment_fen, requested_amount_fen, other_fiscal_support,
      past_projects_compliant, credit_good, major_accident, ready_to_implement, submitted_on, source_file, source_line,
      source_sha256, content_hash, state, created_at, updated_at)
    VALUES (?, 'B', ?, ?, '蓬江区', '2015-01-01', 1, ?, NULL, ?, ?, ?, 0, 1, 1, 0, 1, '2022-03-10', 'bench.csv', ?, 'x', 'x', 'eligible', 't', 't')`);
  const checked = l.prepare("INSERT INTO application_eligibility (application_id, eligibility) VALUES (?, 'eligible')");
  l.transaction(() => {
    for (let i = 0; i < APPS; i++) {
      const requested = Math.round(50_000 + uniform() * 400_000) * 100;
      ins.run(id(i), `企业${i}`, `91440703MA${String(i).padStart(8, '0')}`, CATS[i % CATS.length], `项目${i}`, requested * 2, requested, i + 2);
      checked.run(id(i));
    }
  })();
  l.close();
  const leniency = Array.from({ length: EXPERTS }, () => 3 * normal());
  const csv = ['申报编号,专家编号,评分,是否回避,评审意见\n'];
  for (let i = 0; i < APPS; i++) {
    const quality = 78 + 7 * normal();
    const pool = Array.from({ length: EXPERTS }, (_, j) => j);
    for (let k = 0; k < PER_APP; k++) {
      const j = pool.splice(Math.floor(uniform() * pool.length), 1)[0];
      const centi = Math.max(0, Math.min(10000, Math.round((quality + leniency[j] + 3 * normal()) * 100)));
      csv.push(`${id(i)},E${String(j + 1).padStart(2, '0')},${Math.floor(centi / 100)}.${String(centi % 100).padStart(2, '0')},否,\n`);
    }
  }
  writeFileSync(join(dir, 'scores.csv'), csv.join(''));
  cli(['scores', 'import', join(dir, 'scores.csv'), '--round', 'B']);
  cli(['scores', 'aggregate', '--round', 'B']);
  cli(['allocate', '--round', 'B']);
  log(`built a round of ${APPS} applications × ${PER_APP} experts (of ${EXPERTS}), aggregated and allocated, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

const hash = () => createHash('sha256').update(readFileSync(db)).digest('hex');
const before = hash();
const runs = [];
const oneThread = [];
let out = null;
for (let r = 0; r < RUNS; r++) {
  const t = cli(['line', '--round', 'B', '--json', '--draws', String(DRAWS)]);
  if (t.code !== 0) throw new Error(`jmfund line failed: ${t.stderr}`);
  if (hash() !== before) throw new Error('jmfund line changed the ledger file');
  runs.push(t);
  out ??= t.stdout;
  log(`${APPS}: run ${r + 1}: ${t.secs.toFixed(2)} s wall, ${fmt(t.cpu)} s CPU, ${fmt(t.rssMb, 0)} MB`);
  if (APPS <= BIG) continue;
  const o = cli(['line', '--round', 'B', '--json', '--draws', String(DRAWS)], { JMFUND_LINE_WORKER: 'never' });
  if (o.stdout !== out) throw new Error('jmfund line in one thread gave another output');
  oneThread.push(o);
  log(`${APPS}: one thread ${r + 1}: ${o.secs.toFixed(2)} s wall, ${fmt(o.cpu)} s CPU, ${fmt(o.rssMb, 0)} MB`);
}
out = JSON.parse(out);

// The parts, in process (the first size only).
let inProcess = null;
let whole = null;
if (at === 0) {
  const { fundingLineOf } = await load('ops/line.js');
  const ledger = openLedger(db);
  const op = { db: ledger, officer: 'bench', now: () => '2022-05-01T00:00:00.000Z', today: () => '2022-05-01' };
  const t = performance.now();
  whole = fundingLineOf(op, { roundId: 'B', draws: DRAWS });
  inProcess = (performance.now() - t) / 1000;
  ledger.close();
}

const participants = out.applications.length;
const grey = out.grey_zone.length;
const one = oneThread.length ? median(oneThread.map((x) => x.secs)) : null;
const result = {
  applications: APPS,
  participants,
  draws: DRAWS,
  runs: RUNS,
  wall_s: median(runs.map((x) => x.secs)),
  cpu_s: median(runs.map((x) => x.cpu)),
  peak_rss_mb: Math.round(Math.max(...runs.map((x) => x.rssMb))),
  one_thread_wall_s: one,
  one_thread_peak_rss_mb: oneThread.length ? Math.round(Math.max(...oneThread.map((x) => x.rssMb))) : null,
  in_process_s: inProcess,
  grey_zone: grey,
  expected_funded: whole ? whole.categories.reduce((s, c) => s + c.expectedFunded, 0) : null,
  ledger_unchanged: true,
};
results.push(result);
const dash = (v, d = 2) => (v === null ? '—' : fmt(v, d));
rows.push(
  `| ${APPS.toLocaleString('en')} | ${participants.toLocaleString('en')} | ${DRAWS.toLocaleString('en')} | ${RUNS} | ${fmt(result.wall_s)} | ${fmt(result.cpu_s)} | ${result.peak_rss_mb} | ${dash(one)} | ${dash(result.one_thread_peak_rss_mb, 0)} | ${one === null ? '—' : fmt(one / result.wall_s)} | ${dash(inProcess)} | ${grey.toLocaleString('en')} | yes |`,
);
if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true }); else log(`kept ${dir}`);
}
console.log(`| applications | participants | draws | runs | median wall s | median CPU s | peak RSS MB | one thread wall s | one thread peak RSS MB | one thread ÷ wall | in process s | grey zone | ledger unchanged |`);
console.log(`|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|`);
for (const r of rows) console.log(r);
if (opts.jsonOut) writeFileSync(opts.jsonOut, JSON.stringify(results.length === 1 ? results[0] : results, null, 2));
