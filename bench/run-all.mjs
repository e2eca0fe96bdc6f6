// Every benchmark in one command (`npm run bench` = build, then this):
//
//   bench/import.mjs    jmfund import of a large file, against sqlite3 .import
//   bench/scores.mjs    expert scores: import and each aggregation method
//   bench/allocate.mjs  allocate over 100,000 and 1,000,000 scored applications
//   bench/report.mjs    the audit report of a 100,000-application round, each format
//   bench/browser.mjs   that report's web page opened in headless Chromium
//   bench/line.mjs      jmfund line (funding-line analysis) at 1,000 and 100,000 applications × 1,000 draws
//   bench/startup.mjs   cold start: jmfund --help, round list vs node -e 0
//   bench/cycle.mjs     the whole round, command by command, each against its floor
//
// and bench/README.md with the machine (CPU, cores, memory, load average at
// the start), the versions (Node, SQLite, packages) and the median figures,
// all measured in this one run.
//
//   node bench/run-all.mjs            full sizes (an hour or more)
//   node bench/run-all.mjs --quick    small sizes, to check that everything runs
//                                     (figures go to bench/out/README-quick.md)
//   --only import,startup             run some of them
//   --full                            the whole round at 1,000,000 too (bench/cycle.mjs --full)
//   --medium                          100,000-application sizes, fewer runs (about 1.5 hours)
//
// The other benchmarks' own result files (bench/import.md, bench/scores.md)
// belong to their authors and are left as they were.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, machine, options, versions } from './lib/measure.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BENCH = join(ROOT, 'bench');
const OUT = join(BENCH, 'out');
mkdirSync(OUT, { recursive: true });
const opts = options(process.argv.slice(2), { quick: false, medium: false, only: '', full: false });
const QUICK = opts.quick;
const only = opts.only ? new Set(opts.only.split(',')) : null;

if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
  console.error('build first: npm run build (or use npm run bench)');
  process.exit(2);
}

// Sizes: the benchmarks' own defaults are their full runs.
// --medium: the province sizes (100,000) with fewer runs, about an hour and a half on this shared machine.
const MEDIUM = opts.medium;
const SIZES = MEDIUM
  ? { importRows: 100_000, importRuns: 3, scoresApps: 100_000, scoresRuns: 3, allocate: 100_000, allocateRuns: 3, reportApps: 100_000, reportRuns: 1, browser: [10_000, 100_000], browserRuns: 1, lineApps: '1000,100000', lineDraws: 1_000, lineRuns: 3, startupRuns: 21, cycle: ['--sizes', '120,10000,100000', '--runs', '1'] }
  : QUICK
  ? { importRows: 20_000, importRuns: 1, scoresApps: 5_000, scoresRuns: 1, allocate: 20_000, allocateRuns: 1, reportApps: 5_000, reportRuns: 1, browser: [2_000], browserRuns: 1, lineApps: 300, lineDraws: 300, lineRuns: 1, startupRuns: 15, cycle: ['--sizes', '120,2000', '--runs', '1', '--dup-rows', '6000', '--dup-enterprises', '12'] }
  : { importRows: 1_000_000, importRuns: 3, scoresApps: 200_000, scoresRuns: 5, allocate: null, allocateRuns: null, reportApps: 100_000, reportRuns: 3, browser: [10_000, 100_000], browserRuns: 3, lineApps: '1000,100000', lineDraws: 1_000, lineRuns: 5, startupRuns: 21, cycle: ['--sizes', '120,10000,100000', '--runs', '3', '--province', ...(opts.full ? ['--full'] : [])] };

const started = new Date();
const host = machine();
const soft = await versions(ROOT);
const log = (s) => process.stderr.write(`${s}\n`);
log(`run-all${QUICK ? ' --quick' : ''}: ${host.cores} × ${host.cpu}, ${host.memGiB.toFixed(1)} GiB, load ${host.load.map((x) => x.toFixed(2)).join(', ')}`);

/** Runs a benchmark script; its stderr (progress) goes to ours, its stdout is kept (and echoed). */
function runScript(script, args, env = {}) {
  return new Promise((resolveRun) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [join(BENCH, script), ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (c) => {
      stdout += c;
      process.stderr.write(c);
    });
    child.on('exit', (code, signal) => resolveRun({ code: code ?? signal, stdout, minutes: (Date.now() - t0) / 60_000 }));
  });
}

/** A result section: the figures, or why there are none. */
const sections = [];
const section = (title, how, body, r) => {
  sections.push({ title, how, body: r.code === 0 ? body : `**Failed** (exit ${r.code}); see the console output of the run.\n\n${body}`, minutes: r.minutes });
};
const tableLines = (text) => text.split('\n').filter((l) => l.startsWith('|'));
const want = (name) => !only || only.has(name);

// ---------------------------------------------------------------- import
if (want('import')) {
  log(`\n== bench/import.mjs ${SIZES.importRows} ${SIZES.importRuns}`);
  // import.mjs rewrites bench/import.md; that file is its author's: put it back afterwards.
  const md = join(BENCH, 'import.md');
  const saved = existsSync(md) ? readFileSync(md) : null;
  const r = await runScript('import.mjs', [String(SIZES.importRows), String(SIZES.importRuns)]);
  if (saved) writeFileSync(md, saved);
  else rmSync(md, { force: true });
  section(
    'Import',
    `\`node bench/import.mjs ${SIZES.importRows} ${SIZES.importRuns}\`: ${SIZES.importRows.toLocaleString('en')} generated application rows (UTF-8 CSV, Chinese text, ≈ 1 row in 20 quoted), median of ${SIZES.importRuns} run(s); the floor is the sqlite3 shell's \`.import\` of the same file into a bare table.`,
    tableLines(r.stdout).join('\n'),
    r,
  );
}

// ---------------------------------------------------------------- scores
if (want('scores')) {
  log(`\n== bench/scores.mjs (BENCH_APPS=${SIZES.scoresApps} BENCH_RUNS=${SIZES.scoresRuns})`);
  const out = join(OUT, 'scores-run-all.md');
  rmSync(out, { force: true });
  const r = await runScript('scores.mjs', [], { BENCH_APPS: String(SIZES.scoresApps), BENCH_RUNS: String(SIZES.scoresRuns), BENCH_OUT: out });
  const text = existsSync(out) ? readFileSync(out, 'utf8') : '';
  const extra = text.split('\n').filter((l) => /^Ledger file:|^Status counts/.test(l));
  section(
    'Expert scores',
    `\`BENCH_APPS=${SIZES.scoresApps} BENCH_RUNS=${SIZES.scoresRuns} node bench/scores.mjs\`: ${SIZES.scoresApps.toLocaleString('en')} applications × 5 experts, median of ${SIZES.scoresRuns} run(s) of each step.`,
    [...tableLines(text), '', ...extra].join('\n'),
    r,
  );
}

// ---------------------------------------------------------------- allocate
if (want('allocate')) {
  const args = SIZES.allocate ? [String(SIZES.allocate), String(SIZES.allocateRuns)] : [];
  log(`\n== bench/allocate.mjs ${args.join(' ')}`);
  const r = await runScript('allocate.mjs', args);
  const rows = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
  const body = [
    '| applications | runs | median wall s (end to end) | median CPU s | peak RSS MB | SQL baseline wall s | × | rows baseline wall s | × | read + plan s | store s | funded | ties |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (x) =>
        `| ${x.applications.toLocaleString('en')} | ${x.runs} | ${fmt(x.end_to_end_s)} | ${fmt(x.end_to_end_cpu_s)} | ${x.peak_rss_mb} | ${fmt(x.sql_floor_s)} | ${fmt(x.x_sql_floor)} | ${fmt(x.rows_floor_s)} | ${fmt(x.x_rows_floor)} | ${fmt(x.read_and_plan_s)} | ${fmt(x.store_s)} | ${x.funded?.toLocaleString('en') ?? '—'} | ${x.ties ?? '—'} |`,
    ),
  ].join('\n');
  section(
    'Allocate',
    `\`node bench/allocate.mjs ${args.join(' ')}\`: \`jmfund allocate\` over a round of scored applications in six categories (85 % eligible, budgets that fund about half), median of the runs; the baselines (bench/lib/allocate-floor.mjs) are the SQL allocate must run with no row in JavaScript, and the same rows read and written one by one through better-sqlite3 with no plan, measured in the same runs; × = end to end ÷ baseline; "read + plan" and "store" are the two halves timed in process.`,
    body,
    r,
  );
}

// ---------------------------------------------------------------- report
if (want('report')) {
  const json = join(OUT, 'report-run-all.json');
  rmSync(json, { force: true });
  const args = ['--apps', String(SIZES.reportApps), '--runs', String(SIZES.reportRuns), '--json-out', json];
  log(`\n== bench/report.mjs ${args.join(' ')}`);
  const r = await runScript('report.mjs', args);
  let body = tableLines(r.stdout).join('\n');
  if (existsSync(json)) {
    const j = JSON.parse(readFileSync(json, 'utf8'));
    body += `\n\nThe round was built with the CLI once (ledger ${(j.ledger_bytes / 2 ** 20).toFixed(0)} MiB afterwards); each step once:\n\n| step | wall s | CPU s | peak RSS MB |\n|---|---:|---:|---:|\n${j.build.map((b) => `| ${b.step} | ${fmt(b.secs)} | ${fmt(b.cpu)} | ${fmt(b.rssMb, 0)} |`).join('\n')}`;
  }
  section(
    'Audit report',
    `\`node bench/report.mjs ${args.slice(0, 4).join(' ')}\`: \`jmfund report audit --round B --format F --out FILE\` on a round of ${SIZES.reportApps.toLocaleString('en')} applications (imported, checked, scored by 3 experts, aggregated, allocated), median of ${SIZES.reportRuns} run(s) per format; a format that fails is not repeated.`,
    body,
    r,
  );
}

// ---------------------------------------------------------------- browser
if (want('browser')) {
  const args = ['--sizes', SIZES.browser.join(','), '--whole', SIZES.browser.join(','), '--runs', String(SIZES.browserRuns)];
  log(`\n== bench/browser.mjs ${args.join(' ')}`);
  const r = await runScript('browser.mjs', args);
  section(
    'Audit report in a browser',
    `\`node bench/browser.mjs ${args.join(' ')}\`: the audit page (\`report audit --format html\`, in Chinese) of the round of bench/report.mjs, as jmfund writes it (long listings abridged to their first 10,000 rows) and with every row (\`--html-rows all\`, one run), opened by headless Chromium until its first screen is drawn (\`--screenshot\`); the floor is the same browser drawing a one-line page, interleaved in the same runs. A page not drawn within 180 s is reported so.`,
    tableLines(r.stdout).join('\n'),
    r,
  );
}

// ---------------------------------------------------------------- line
if (want('line')) {
  const args = ['--apps', String(SIZES.lineApps), '--draws', String(SIZES.lineDraws), '--runs', String(SIZES.lineRuns)];
  log(`\n== bench/line.mjs ${args.join(' ')}`);
  const r = await runScript('line.mjs', args);
  section(
    'Funding line',
    `\`node bench/line.mjs ${args.join(' ')}\`: \`jmfund line --round B --json --draws ${SIZES.lineDraws}\` on a round of ${String(SIZES.lineApps).split(',').map((n) => Number(n).toLocaleString('en')).join(' and of ')} applications in three categories, each scored by 5 of 40 experts of differing leniency, aggregated and allocated (budgets for about half); median of ${SIZES.lineRuns} run(s) (1 above 10,000 applications); the planner runs once per draw, on both cores where participants × draws reach 10^6; above 10,000 applications each run is followed by the same analysis in one thread (JMFUND_LINE_WORKER=never), which must give the same output; "in process" is one run of the operation timed inside Node at the first size; the ledger file's SHA-256 is checked unchanged after every run. Goal: < 10 s at 1,000 × 1,000.`,
    tableLines(r.stdout).join('\n'),
    r,
  );
}

// ---------------------------------------------------------------- startup
let startup = null;
if (want('startup')) {
  const json = join(OUT, 'startup-run-all.json');
  rmSync(json, { force: true });
  const args = ['--runs', String(SIZES.startupRuns), '--json-out', json];
  log(`\n== bench/startup.mjs ${args.slice(0, 2).join(' ')}`);
  const r = await runScript('startup.mjs', args);
  if (existsSync(json)) startup = JSON.parse(readFileSync(json, 'utf8'));
  const verdict = startup ? (startup.worst_ratio <= startup.goal ? `**Within the goal** of ≤ ${startup.goal}× node -e 0.` : `**Above the goal** of ≤ ${startup.goal}× node -e 0 (worst ${fmt(startup.worst_ratio)}×).`) : '';
  section(
    'Cold start',
    `\`node bench/startup.mjs --runs ${SIZES.startupRuns}\`: \`node -e 0\`, \`jmfund --help\` and \`jmfund round list\` (a ledger with one round) run interleaved, the order rotating each round, ${SIZES.startupRuns} runs each; ratios are to \`node -e 0\` of the same run.`,
    `${tableLines(r.stdout).join('\n')}\n\n${verdict}`,
    r,
  );
}

// ---------------------------------------------------------------- cycle
if (want('cycle')) {
  const md = join(OUT, 'cycle-run-all.md');
  rmSync(md, { force: true });
  const args = [...SIZES.cycle, '--dup', '--out', md];
  log(`\n== bench/cycle.mjs ${args.join(' ')}`);
  const r = await runScript('cycle.mjs', args);
  // The block keeps cycle.mjs's markers, so that a later `node bench/cycle.mjs` replaces just it.
  const body = existsSync(md) ? readFileSync(md, 'utf8').trim() : '';
  section(
    'Whole round',
    `\`node bench/cycle.mjs ${SIZES.cycle.join(' ')} --dup\`: a new ledger per run, then import → check → scores import → aggregate → allocate → publicize → finalize → status → every report (5 kinds × 5 formats) → verify → backup, then an officer's look-ups (\`applications list\` and \`caps\` piped, a 5 % spot check; not in the totals), for generated rows (UTF-8) and an officer's rows (GB18030, 万元, Chinese dates, full-width characters, wrong check characters, later phases); each command timed right after its floor (the sqlite3 shell doing the least the command must do, or the import of the same round where the goal is a multiple of it); beside the cycle (not in its totals), each in a ledger of its own, the officer's rows saved as an .xlsx workbook are imported, a credit list of as many rows as the round (Chinese list names, three ways of writing a date) with \`lists import credit\`, and at 200,000 the same rows with 22,000 copies (exact, with another amount, without an id) with \`import --skip-invalid\`; the duplicate-heavy case last.`,
    body,
    r,
  );
}

// ---------------------------------------------------------------- README
// Each benchmark's figures sit between their own markers, each with the run
// (date, commit, load) that measured them and its baseline from that run: a
// run of some benchmarks (--only) replaces their sections and leaves the
// others. What is written outside the markers (notes) is kept.
const ended = new Date();
const pkgs = Object.entries(soft.packages)
  .map(([k, v]) => `${k} ${v}`)
  .join(', ');
const stamp = `${started.toISOString().slice(0, 16).replace('T', ' ')} – ${ended.toISOString().slice(11, 16)} UTC, commit ${soft.commit}, load average ${host.load.map((x) => x.toFixed(2)).join(', ')} at the start and ${loadavg().map((x) => x.toFixed(2)).join(', ')} at the end (1, 5, 15 min)${QUICK ? '; **quick run: small sizes, not the figures to quote**' : MEDIUM ? '; medium run (`--medium`): 100,000-application sizes, fewer runs' : ''}`;
const machineBlock = `## Machine and versions

| | |
|---|---|
| CPU | ${host.cores} × ${host.cpu} |
| memory | ${host.memGiB.toFixed(1)} GiB |
| platform | ${host.platform} |
| Node | ${soft.node} |
| SQLite (in better-sqlite3) | ${soft.sqlite}${soft.sqliteShell ? `; sqlite3 shell ${soft.sqliteShell}` : ''} |
| jmfund | ${soft.jmfund}, commit ${soft.commit} |
| packages | ${pkgs} |

Wall times depend on what else the machine runs (each section gives the load
average of its run); CPU time (user + system of the child, from
\`/usr/bin/time\`) depends on it less. Peak RSS is the child's maximum resident
set size. Within a section every figure and its floor come from one run.
`;
const HEAD = `# Benchmarks

\`npm run bench\` builds jmfund and runs every benchmark (\`node bench/run-all.mjs\`), then writes the figures below.
\`node bench/run-all.mjs --quick\` runs them at small sizes (figures in bench/out/README-quick.md), to check that they run;
\`--only import,cycle\` runs some of them and replaces only their sections.
`;
const ORDER = ['Machine and versions', 'Import', 'Expert scores', 'Allocate', 'Audit report', 'Audit report in a browser', 'Funding line', 'Cold start', 'Whole round'];
const open = (t) => `<!-- figures: ${t} -->`;
const close = (t) => `<!-- /figures: ${t} -->`;
const blocks = new Map([['Machine and versions', machineBlock], ...sections.map((x) => [x.title, `## ${x.title}\n\nRun of ${stamp}.\n\n${x.how} (${x.minutes.toFixed(1)} min)\n\n${x.body}\n`])]);
const target = QUICK ? join(OUT, 'README-quick.md') : join(BENCH, 'README.md');
let doc = existsSync(target) ? readFileSync(target, 'utf8') : `${HEAD}\n`;
for (const title of ORDER) {
  const body = blocks.get(title);
  if (body === undefined) continue;
  const block = `${open(title)}\n${body}${close(title)}`;
  const i = doc.indexOf(open(title));
  const j = doc.indexOf(close(title));
  if (i >= 0 && j > i) doc = doc.slice(0, i) + block + doc.slice(j + close(title).length);
  else {
    // A new section goes before the first later section that is there, else at the end.
    const later = ORDER.slice(ORDER.indexOf(title) + 1).map((t) => doc.indexOf(open(t))).filter((k) => k >= 0);
    const at = later.length ? Math.min(...later) : doc.length;
    doc = `${doc.slice(0, at).trimEnd()}\n\n${block}\n\n${doc.slice(at).trimStart()}`;
  }
}
writeFileSync(target, `${doc.trimEnd()}\n`);
log(`\nwritten ${target}`);
