// Benchmark of expert scores (Art. 11): 1,000,000 score rows (200,000
// applications × 5 experts) imported with `jmfund scores import` and
// aggregated with each method. Each step runs the built CLI as an officer
// would, several times; the median wall time and the peak RSS
// (/usr/bin/time, else the child's own report) are written to bench/scores.md.
//
//   npm run bench:scores            (builds first)
//   BENCH_RUNS=3 BENCH_APPS=20000 node bench/scores.mjs
//   BENCH_PREPARE_ONLY=1 node bench/scores.mjs   (make the data, for profiling)
import { spawnSync } from 'node:child_process';
import { copyFileSync, createWriteStream, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'jmfund.js');
const APPS = Number(process.env.BENCH_APPS ?? 200_000);
const EXPERTS_PER_APP = 5;
const EXPERT_POOL = 250;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const OUT = process.env.BENCH_OUT ?? join(ROOT, 'bench', 'scores.md');
const ROUND = 'B2022';

const { createLedger } = await import(join(ROOT, 'dist/ledger/open.js'));
const { insertRound } = await import(join(ROOT, 'dist/ledger/rounds.repo.js'));
const { loadPolicy } = await import(join(ROOT, 'dist/io/policies.js'));

const loadStart = loadavg().map((x) => x.toFixed(2)).join(', ');
const dir = mkdtempSync(join(tmpdir(), 'jmfund-bench-scores-'));
const log = (s) => process.stderr.write(`${s}\n`);

// Deterministic data: the same file on every machine.
let seed = 20220301;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};

const appId = (i) => `B2022-${String(i + 1).padStart(6, '0')}`;

function makeLedger(path) {
  const db = createLedger(path);
  const { policy, hash } = loadPolicy();
  insertRound(db, { roundId: ROUND, opensOn: '2022-03-01', closesOn: '2022-04-30', policyId: policy.id, policyHash: hash, policy, createdAt: '2022-03-01T00:00:00.000Z', createdBy: 'bench', budgets: {} });
  // The applications importer is benchmarked on its own; here they go in directly.
  const ins = db.prepare(
    `INSERT INTO applications (application_id, round_id, enterprise_name, uscc, district, established_on, independent_legal_person, category, project_name, total_investment_fen, requested_amount_fen, other_fiscal_support, past_projects_compliant, credit_good, major_accident, ready_to_implement, submitted_on, source_file, source_line, source_sha256, content_hash, created_at, updated_at)
     VALUES (?, ?, ?, ?, '蓬江区', '2015-01-01', 1, 'sme-cloud', ?, 100000000, 50000000, 0, 1, 1, 0, 1, '2022-03-10', 'bench.csv', ?, 'bench', ?, '2022-03-01T00:00:00.000Z', '2022-03-01T00:00:00.000Z')`,
  );
  db.transaction(() => {
    for (let i = 0; i < APPS; i++) ins.run(appId(i), ROUND, `江门市测试企业${i + 1}有限公司`, `9144070300${String(i).padStart(7, '0')}X`, `工业互联网项目${i + 1}`, i + 2, appId(i));
  })();
  db.close();
}

async function makeScores(path) {
  const out = createWriteStream(path);
  const write = (s) => (out.write(s) ? Promise.resolve() : new Promise((r) => out.once('drain', r)));
  // Each expert has a bias (harsh or lenient), as real panels do.
  const bias = Array.from({ length: EXPERT_POOL }, () => Math.round((rand() - 0.5) * 20));
  await write('申报编号,专家编号,评分,是否回避,评审意见\n');
  let buf = '';
  let rows = 0;
  for (let i = 0; i < APPS; i++) {
    const first = Math.floor(rand() * EXPERT_POOL);
    const base = 55 + Math.floor(rand() * 35);
    for (let k = 0; k < EXPERTS_PER_APP; k++) {
      const e = (first + k * 37) % EXPERT_POOL;
      const recused = rand() < 0.01;
      // Scores in hundredths, written with 2 decimals from integers (no float formatting).
      const centi = Math.max(0, Math.min(10000, (base + bias[e]) * 100 + Math.floor(rand() * 1000) - 500));
      const score = recused ? '' : `${Math.floor(centi / 100)}.${String(centi % 100).padStart(2, '0')}`;
      buf += `${appId(i)},E${String(e + 1).padStart(3, '0')},${score},${recused ? '是' : '否'},${k === 0 && i % 10 === 0 ? '材料齐全' : ''}\n`;
      rows++;
    }
    if (buf.length > 1 << 20) {
      await write(buf);
      buf = '';
    }
  }
  await write(buf);
  await new Promise((r) => out.end(r));
  return rows;
}

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/** Runs the CLI once; wall seconds (hrtime) and peak RSS in MiB. */
function run(args, db) {
  const env = { ...process.env, JMFUND_DB: db, JMFUND_LANG: 'en', JMFUND_OFFICER: 'bench', NO_COLOR: '1' };
  const cmd = TIME ? TIME : process.execPath;
  const argv = TIME ? ['-f', 'JMFUND_BENCH %M %U %S', process.execPath, BIN, ...args] : [BIN, ...args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30, encoding: 'utf8' });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`jmfund ${args.join(' ')} exited ${r.status}:\n${r.stderr.slice(-2000)}`);
  const m = /JMFUND_BENCH (\d+) ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return { secs, rssMiB: m ? Number(m[1]) / 1024 : NaN, cpu: m ? Number(m[2]) + Number(m[3]) : NaN, stdout: r.stdout };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

const results = [];
function record(step, runs) {
  const secs = runs.map((r) => r.secs);
  const rss = runs.map((r) => r.rssMiB);
  const row = { step, runs: runs.length, median: median(secs), min: Math.min(...secs), max: Math.max(...secs), cpu: median(runs.map((r) => r.cpu)), rss: Math.max(...rss) };
  results.push(row);
  log(`${step}: median ${row.median.toFixed(2)} s (min ${row.min.toFixed(2)}, max ${row.max.toFixed(2)}), CPU ${row.cpu.toFixed(2)} s, peak RSS ${row.rss.toFixed(0)} MiB`);
}

log(`bench dir ${dir}`);
const base = join(dir, 'base.db');
let t = process.hrtime.bigint();
makeLedger(base);
log(`ledger with ${APPS} applications: ${(Number(process.hrtime.bigint() - t) / 1e9).toFixed(2)} s`);
const csv = join(dir, 'scores.csv');
t = process.hrtime.bigint();
const rows = await makeScores(csv);
log(`${rows} score rows written: ${(Number(process.hrtime.bigint() - t) / 1e9).toFixed(2)} s`);

if (process.env.BENCH_PREPARE_ONLY) {
  // For profiling: leave the ledger and the file, run nothing.
  log(`prepared ${base} and ${csv}`);
  process.exit(0);
}

// Import into a fresh copy of the ledger each time.
const imports = [];
const work = join(dir, 'work.db');
for (let i = 0; i < RUNS; i++) {
  rmSync(work, { force: true });
  copyFileSync(base, work);
  const r = run(['scores', 'import', csv, '--round', ROUND, '--json'], work);
  const j = JSON.parse(r.stdout);
  if (j.inserted !== rows) throw new Error(`expected ${rows} inserted, got ${j.inserted}`);
  imports.push(r);
}
record(`scores import (${rows.toLocaleString('en')} rows, new)`, imports);
const mib = (p) => (statSync(p).size / 2 ** 20).toFixed(0);
const sizes = { base: mib(base), imported: mib(work) };

const again = [];
for (let i = 0; i < RUNS; i++) {
  const r = run(['scores', 'import', csv, '--round', ROUND, '--json'], work);
  if (JSON.parse(r.stdout).unchanged !== rows) throw new Error('re-import was not idempotent');
  again.push(r);
}
record(`scores import again (${rows.toLocaleString('en')} rows, all already there)`, again);

const summaries = {};
for (const method of ['mean', 'trimmed-mean', 'median', 'z-score']) {
  const rs = [];
  for (let i = 0; i < RUNS; i++) rs.push(run(['scores', 'aggregate', '--round', ROUND, '--method', method, '--json'], work));
  const j = JSON.parse(rs[rs.length - 1].stdout);
  const counts = {};
  for (const a of j.applications) counts[a.status] = (counts[a.status] ?? 0) + 1;
  summaries[method] = { counts, top: j.applications[0] };
  record(`scores aggregate --method ${method} (${APPS.toLocaleString('en')} applications)`, rs);
}

{
  const rs = [];
  for (let i = 0; i < RUNS; i++) rs.push(run(['scores', 'experts', '--round', ROUND, '--json'], work));
  record(`scores experts (${EXPERT_POOL} experts)`, rs);
}
sizes.aggregated = mib(work);

const cpu = cpus();
const md = `# Benchmark: expert scores (\`npm run bench:scores\`)

${rows.toLocaleString('en')} score rows (${APPS.toLocaleString('en')} applications × ${EXPERTS_PER_APP} experts from a pool of ${EXPERT_POOL}, about 1 % recused, UTF-8 CSV with Chinese headers), imported with \`jmfund scores import\` and aggregated with \`jmfund scores aggregate --method …\`. Each step runs the built CLI (\`node bin/jmfund.js … --json\`, stdout read by the benchmark) ${RUNS} times; wall time includes Node start-up, opening the ledger and the one transaction. CPU time and peak RSS (maximum resident set size) of the child come from \`/usr/bin/time -f '%M %U %S'\`; CPU time is the steadier figure when the machine is shared. Load average when the run started: ${loadStart}; when it ended: ${loadavg().map((x) => x.toFixed(2)).join(', ')}.

| step | runs | median wall (s) | min (s) | max (s) | median CPU user+sys (s) | peak RSS (MiB) |
|---|---:|---:|---:|---:|---:|---:|
${results.map((r) => `| ${r.step} | ${r.runs} | ${r.median.toFixed(2)} | ${r.min.toFixed(2)} | ${r.max.toFixed(2)} | ${Number.isNaN(r.cpu) ? '—' : r.cpu.toFixed(2)} | ${Number.isNaN(r.rss) ? '—' : r.rss.toFixed(0)} |`).join('\n')}

Ledger file: ${sizes.base} MiB with the applications only, ${sizes.imported} MiB after the import, ${sizes.aggregated} MiB with an aggregate stored.

Status counts of the last run of each method: ${Object.entries(summaries)
  .map(([m, s]) => `${m}: ${Object.entries(s.counts).map(([k, v]) => `${k} ${v}`).join(', ')}`)
  .join('; ')}.

Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform}.
`;
writeFileSync(OUT, md);
log(`written ${OUT}`);
if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
