// Benchmark: cold start. `jmfund --help` and `jmfund round list` (on a small
// ledger) against `node -e 0`, the floor any Node CLI pays. The three run
// interleaved (the order rotates each round), so that a change in the
// machine's load touches all of them alike; medians of the wall times, and
// the ratios to node -e 0 measured in the same run. Goal: ≤ 1.6× (wall).
// Every run's output is checked, so that a command that fails fast cannot
// pass for a fast one.
//
//   npm run build && node bench/startup.mjs [--runs 21] [--json-out FILE]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, median, options, timed } from './lib/measure.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'jmfund.js');
const opts = options(process.argv.slice(2), { runs: 21, jsonOut: '' });
const RUNS = Math.max(15, opts.runs);
const GOAL = 1.6;

const dir = mkdtempSync(join(tmpdir(), 'jmfund-bench-startup-'));
const db = join(dir, 'small.db');
const env = { JMFUND_DB: db, JMFUND_LANG: 'en', NO_COLOR: '1', JMFUND_OFFICER: 'bench' };
timed(process.execPath, [BIN, 'init'], { env });
timed(process.execPath, [BIN, 'round', 'create', 'R1', '--opens', '2022-03-01', '--closes', '2022-04-30', '--budget', 'sme-cloud=300万'], { env });

const cases = [
  { name: 'node -e 0', args: ['-e', '0'], expect: /^$/ },
  { name: 'jmfund --help', args: [BIN, '--help'], expect: /^Usage: jmfund .*\n[^]*\n  round\b/ },
  // Piped, so a tab-separated table: the header and the one round (its policy named with its hash, issue 16).
  { name: 'jmfund round list', args: [BIN, 'round', 'list'], expect: /^round\topens\tcloses\tpolicy\ttotal budget \(yuan\)\nR1\t2022-03-01\t2022-04-30\tjiangmen-2021 \(sha256 [0-9a-f]{12}\)\t[\d,]+\.00\n$/ },
];
const run = (c) => {
  const r = timed(process.execPath, c.args, { env });
  if (!c.expect.test(r.stdout)) throw new Error(`${c.name}: unexpected output, not measured:\n${r.stdout.slice(0, 500)}${r.stderr.slice(0, 500)}`);
  return r;
};
const loadStart = loadavg();
// One untimed run of each: the files are in the page cache for all of them alike.
for (const c of cases) run(c);
const samples = Object.fromEntries(cases.map((c) => [c.name, []]));
for (let i = 0; i < RUNS; i++) {
  for (let k = 0; k < cases.length; k++) {
    const c = cases[(i + k) % cases.length];
    samples[c.name].push(run(c));
  }
}
const loadEnd = loadavg();
rmSync(dir, { recursive: true, force: true });

const base = median(samples['node -e 0'].map((r) => r.secs));
const baseCpu = median(samples['node -e 0'].map((r) => r.cpu));
const results = cases.map((c) => {
  const s = samples[c.name];
  const wall = median(s.map((r) => r.secs));
  const cpu = median(s.map((r) => r.cpu));
  return {
    name: c.name,
    runs: s.length,
    wall_ms: wall * 1000,
    min_ms: Math.min(...s.map((r) => r.secs)) * 1000,
    cpu_ms: cpu * 1000,
    rss_mb: median(s.map((r) => r.rssMb)),
    ratio: wall / base,
    cpu_ratio: cpu / baseCpu,
  };
});

const lines = [
  `| command | runs | median wall ms | min wall ms | × node -e 0 (wall) | median CPU ms | × node -e 0 (CPU) | median peak RSS MB |`,
  `|---|---:|---:|---:|---:|---:|---:|---:|`,
  ...results.map((r) => `| \`${r.name}\` | ${r.runs} | ${fmt(r.wall_ms, 0)} | ${fmt(r.min_ms, 0)} | ${fmt(r.ratio)} | ${fmt(r.cpu_ms, 0)} | ${fmt(r.cpu_ratio)} | ${fmt(r.rss_mb, 0)} |`),
];
const worst = Math.max(...results.slice(1).map((r) => r.ratio));
const pass = worst <= GOAL;
const load = (l) => l.map((x) => x.toFixed(2)).join(', ');
const busy = Math.max(loadStart[0], loadEnd[0]) > cpus().length;
const verdicts = results.slice(1).map((r) => `  ${r.name.padEnd(18)} ${fmt(r.ratio)}× node -e 0 (wall, median of ${r.runs})  ${r.ratio <= GOAL ? 'ok' : 'ABOVE THE GOAL'}   CPU ${fmt(r.cpu_ratio)}×`);
console.log(
  [
    ...lines,
    '',
    `Goal: each command ≤ ${GOAL}× node -e 0 (${fmt(base * 1000, 0)} ms median wall in this run).`,
    ...verdicts,
    `Load average ${load(loadStart)} at the start, ${load(loadEnd)} at the end, on ${cpus().length} cores${busy ? ': the machine was busy; times and ratios are less steady than on an idle one' : ''}.`,
    '',
    pass ? `VERDICT: PASS, cold start within the goal (worst ${fmt(worst)}× ≤ ${GOAL}×)` : `VERDICT: FAIL, cold start above the goal (worst ${fmt(worst)}× > ${GOAL}×)`,
  ].join('\n'),
);
if (opts.jsonOut) writeFileSync(opts.jsonOut, JSON.stringify({ goal: GOAL, worst_ratio: worst, pass, load_start: loadStart, load_end: loadEnd, results }, null, 2));
