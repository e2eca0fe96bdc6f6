// Benchmark: allocate over a round of N scored applications, plan + store.
//
//   npm run bench:allocate                 # N = 100,000 and 1,000,000
//   node bench/allocate.mjs 100000 [runs]  # one size
//
// For each size it builds (untimed) a ledger with one round: N applications in
// six categories (≈ 1 in 2 enterprises with two projects, clusters for
// cluster-pilot), eligibility (85 % eligible) and a stored mean aggregate per
// application (a few without one, some below the threshold), with budgets that
// fund about half. Then, on a fresh copy of that ledger for every run:
//   - end to end: `node bin/jmfund.js allocate --round B` (human output to
//     /dev/null), wall time and peak RSS from /usr/bin/time;
//   - two baselines, measured the same way in the same runs
//     (bench/lib/allocate-floor.mjs): `sql`, the SQL allocate must run with no
//     row crossing into JavaScript; `rows`, the same rows read and written one
//     by one through better-sqlite3, with no plan;
//   - in process: read (by application_id) + plan, then store (one transaction),
//     timed separately from dist/ modules.
// Prints the medians of the runs and end to end ÷ each baseline. Set
// JMFUND_DIST to use another build.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const dist = resolve(process.env.JMFUND_DIST ?? join(root, 'dist'));
const bin = join(root, 'bin', 'jmfund.js');
const outDir = join(here, 'out');
mkdirSync(outDir, { recursive: true });

const sizes = process.argv[2] ? [Number(process.argv[2])] : [100_000, 1_000_000];
const runsArg = process.argv[3] ? Number(process.argv[3]) : null;

const load = (p) => import(pathToFileURL(join(dist, p)).href);
const { createLedger, openLedger, inTransaction, schemaVersion } = await load('ledger/open.js');
const { insertRound } = await load('ledger/rounds.repo.js');
const { loadPolicy } = await load('io/policies.js');
const { plan, checkInvariants } = await load('domain/allocation.js');
const { roundCandidates, storeAllocation } = await load('ledger/allocations.repo.js');

const CATS = [
  ['sme-cloud', 40],
  ['benchmark-enterprise', 20],
  ['benchmark-platform', 10],
  ['cluster-pilot', 20],
  ['talent-training', 5],
  ['other', 5],
];
const CLUSTERS = ['stainless-steel', 'plumbing-sanitary', 'home-appliance', 'motorcycle'];

function build(n) {
  // The schema version is in the name: a ledger built before a migration would be
  // migrated (and backed up) inside every timed run.
  const file = join(outDir, `allocate-${n}-v${schemaVersion()}.db`);
  if (existsSync(file)) return file;
  const tmp = `${file}.tmp`;
  rmSync(tmp, { force: true });
  const t0 = performance.now();
  const db = createLedger(tmp);
  const { policy, hash } = loadPolicy();
  // Budgets that fund about half of each category (mean cap ≈ 250,000 yuan).
  const share = (pct) => Math.round((n * pct) / 100 / 2) * 25_000_000;
  insertRound(db, {
    roundId: 'B',
    opensOn: '2022-03-01',
    closesOn: '2022-04-30',
    policyId: policy.id,
    policyHash: hash,
    policy,
    createdAt: '2022-03-01T00:00:00.000Z',
    createdBy: 'bench',
    budgets: { 'sme-cloud': share(40), 'benchmark-enterprise': share(20), 'benchmark-platform': share(10), 'cluster-pilot': share(20), 'talent-training': share(5) },
  });
  // mulberry32: a small generator without the short cycles of an LCG's low bits.
  let seed = 42;
  const rnd = (k) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * k);
  };
  const app = db.prepare(`INSERT INTO applications (application_id, round_id, enterprise_name, uscc, district, established_on,
      independent_legal_person, category, cluster, project_name, total_investment_fen, requested_amount_fen, other_fiscal_support,
      past_projects_compliant, credit_good, major_accident, ready_to_implement, submitted_on, source_file, source_line,
      source_sha256, content_hash, state, created_at, updated_at)
    VALUES (?, 'B', ?, ?, '蓬江区', '2015-01-01', 1, ?, ?, ?, ?, ?, 0, 1, 1, 0, 1, ?, 'bench.csv', ?, 'x', 'x', ?, 't', 't')`);
  const checked = db.prepare('INSERT INTO application_eligibility (application_id, eligibility) VALUES (?, ?)');
  const agg = db.prepare(`INSERT INTO score_aggregates (application_id, round_id, method, status, score_num, score_den, score_display,
      score_key, experts, recused, outliers_json, details_json, computed_at) VALUES (?, 'B', 'mean', ?, ?, ?, ?, ?, ?, 0, '[]', '{}', 't')`);
  db.transaction(() => {
    for (let i = 1; i <= n; i++) {
      let r = rnd(100);
      let cat = CATS[0][0];
      for (const [k, pct] of CATS) {
        if (r < pct) {
          cat = k;
          break;
        }
        r -= pct;
      }
      const id = `B-${String(i).padStart(7, '0')}`;
      const ent = rnd(Math.ceil(n / 2));
      const requested = (50_000 + rnd(550_000)) * 100;
      const investment = requested + rnd(1_000_000) * 100;
      const e = rnd(100);
      const eligibility = e < 85 ? 'eligible' : e < 95 ? 'ineligible' : 'needs-review';
      const state = eligibility === 'eligible' ? 'scored' : eligibility;
      app.run(id, `企业${ent}`, `91440703MA${String(ent).padStart(8, '0')}`, cat, cat === 'cluster-pilot' ? CLUSTERS[rnd(4)] : null, `项目${i}`,
        investment, requested, `2022-03-${String(1 + rnd(28)).padStart(2, '0')}`, i + 1, state);
      checked.run(id, eligibility);
      if (rnd(50) === 0) continue; // no aggregate: insufficient reviews
      const experts = 3 + rnd(3);
      let sum = 0;
      for (let k = 0; k < experts; k++) sum += 5000 + rnd(5001); // hundredths, 50.00–100.00
      // num/den points = sum / (100 · experts), kept exact
      const num = BigInt(sum);
      const den = BigInt(100 * experts);
      const q = (2n * num * 100n + den) / (2n * den);
      const display = `${q / 100n}.${String(q % 100n).padStart(2, '0')}`;
      const t = ((num * 10n ** 30n) / den).toString().padStart(33, '0');
      agg.run(id, num >= 60n * den ? 'scored' : 'below-threshold', num.toString(), den.toString(), display, `${t.slice(0, 3)}.${t.slice(3)}`, experts);
    }
  })();
  db.close();
  copyFileSync(tmp, file);
  rmSync(tmp);
  process.stderr.write(`built ${file} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return file;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** One process on a fresh copy of the ledger: wall, CPU and peak RSS from /usr/bin/time. */
function timed(file, args, what) {
  const run = join(outDir, 'allocate-run.db');
  copyFileSync(file, run);
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', process.execPath, ...args], {
    env: { ...process.env, JMFUND_DB: run, JMFUND_LANG: 'en', NO_COLOR: '1', JMFUND_OFFICER: 'bench' },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`${what} failed: ${r.stderr}`);
  const [secs, user, sys, kb] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { secs, cpu: user + sys, rssMb: kb / 1024 };
}

const endToEnd = (file) => timed(file, [bin, 'allocate', '--round', 'B'], 'allocate');
// Baselines (bench/lib/allocate-floor.mjs): the same SQL with no row in JS, and the rows through better-sqlite3 with no plan.
const floor = (file, mode) => timed(file, [join(here, 'lib', 'allocate-floor.mjs'), mode, join(outDir, 'allocate-run.db')], `floor ${mode}`);

function inProcess(file) {
  const run = join(outDir, 'allocate-run.db');
  copyFileSync(file, run);
  const db = openLedger(run);
  const round = db.prepare(`SELECT policy_json FROM rounds WHERE round_id = 'B'`).get();
  const policy = JSON.parse(round.policy_json);
  const budgets = Object.fromEntries(db.prepare(`SELECT category, amount_fen FROM round_budgets WHERE round_id = 'B'`).raw().all());
  const chain = policy.allocation.tieBreak;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const p = plan(roundCandidates(db, 'B'), policy, { budgets, method: 'ranked', shortfall: 'skip', tieBreak: chain });
  const broken = checkInvariants(p, policy);
  if (broken.length) throw new Error(broken.join('; '));
  const t1 = performance.now();
  const c1 = process.cpuUsage(c0);
  inTransaction(db, () => storeAllocation(db, 'B', p, '2022-06-01T00:00:00.000Z', 'bench'));
  const t2 = performance.now();
  const c2 = process.cpuUsage(c0);
  const cpu = (c) => (c.user + c.system) / 1e6;
  const funded = p.categories.reduce((s, c) => s + c.funded, 0);
  db.close();
  return { plan: (t1 - t0) / 1000, store: (t2 - t1) / 1000, planCpu: cpu(c1), storeCpu: cpu(c2) - cpu(c1), funded, ties: p.ties.length };
}

// How fast this machine is right now (shared machines vary): a plain JS loop, CPU ms.
function calibrate() {
  const c = process.cpuUsage();
  let x = 0;
  for (let i = 0; i < 1e8; i++) x += i % 7;
  const u = process.cpuUsage(c);
  return { ms: Math.round((u.user + u.system) / 1000), x };
}
function loadAvg() {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return null;
  }
}

for (const n of sizes) {
  const file = build(n);
  const runs = runsArg ?? (n >= 1_000_000 ? 3 : 5);
  const e2e = [];
  const sqlFloor = [];
  const rowsFloor = [];
  const inproc = [];
  // Interleaved, so that the load on a shared machine falls on all of them alike.
  for (let i = 0; i < runs; i++) {
    e2e.push(endToEnd(file));
    sqlFloor.push(floor(file, 'sql'));
    rowsFloor.push(floor(file, 'rows'));
    inproc.push(inProcess(file));
  }
  const med = (xs, k) => median(xs.map((r) => r[k]));
  const line = {
    applications: n,
    loop_1e8_cpu_ms: calibrate().ms,
    load_avg: loadAvg(),
    cpus: cpus().length,
    runs,
    end_to_end_s: +median(e2e.map((r) => r.secs)).toFixed(2),
    end_to_end_cpu_s: +median(e2e.map((r) => r.cpu)).toFixed(2),
    peak_rss_mb: Math.round(median(e2e.map((r) => r.rssMb))),
    sql_floor_s: +med(sqlFloor, 'secs').toFixed(2),
    sql_floor_cpu_s: +med(sqlFloor, 'cpu').toFixed(2),
    rows_floor_s: +med(rowsFloor, 'secs').toFixed(2),
    rows_floor_cpu_s: +med(rowsFloor, 'cpu').toFixed(2),
    rows_floor_rss_mb: Math.round(med(rowsFloor, 'rssMb')),
    // Ratios of the medians: end to end over each baseline, same run.
    x_sql_floor: +(med(e2e, 'secs') / med(sqlFloor, 'secs')).toFixed(2),
    x_sql_floor_cpu: +(med(e2e, 'cpu') / med(sqlFloor, 'cpu')).toFixed(2),
    x_rows_floor: +(med(e2e, 'secs') / med(rowsFloor, 'secs')).toFixed(2),
    x_rows_floor_cpu: +(med(e2e, 'cpu') / med(rowsFloor, 'cpu')).toFixed(2),
    read_and_plan_s: +median(inproc.map((r) => r.plan)).toFixed(2),
    store_s: +median(inproc.map((r) => r.store)).toFixed(2),
    read_and_plan_cpu_s: +median(inproc.map((r) => r.planCpu)).toFixed(2),
    store_cpu_s: +median(inproc.map((r) => r.storeCpu)).toFixed(2),
    funded: inproc[0].funded,
    ties: inproc[0].ties,
  };
  console.log(JSON.stringify(line));
}
rmSync(join(outDir, 'allocate-run.db'), { force: true });
