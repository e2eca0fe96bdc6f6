// Benchmark: the audit report of a large round in every format.
//
// Builds the round once, the way an officer would, with the built CLI:
// N generated applications (bench/lib/generate.mjs: valid, eligible, unique
// credit codes), 3 expert scores each, then import, check, scores import,
// scores aggregate, allocate (each step timed once, for the record). Then,
// for each format, `report audit --round B --format F --out FILE --force`
// R times: median wall time, median CPU time, peak RSS, file size.
//
//   npm run build && node bench/report.mjs [--apps 100000] [--runs 3] [--formats csv,json,xlsx,html,md] [--kinds audit] [--json-out FILE] [--keep] [--reuse]
//
// --keep leaves the round in bench/out; --reuse then takes that round instead
// of building it again (for measuring the reports while working on them).
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeApplicationsCsv, writeScoresCsv } from './lib/generate.mjs';
import { fmt, median, options, size, timed } from './lib/measure.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'jmfund.js');
const opts = options(process.argv.slice(2), { apps: 100_000, runs: 3, formats: 'csv,json,xlsx,html,md', kinds: 'audit', jsonOut: '', keep: false, reuse: false });
const APPS = opts.apps;
const RUNS = opts.runs;
const FORMATS = opts.formats.split(',');
const KINDS = opts.kinds.split(',');
const log = (s) => process.stderr.write(`${s}\n`);

const work = join(ROOT, 'bench', 'out', `report-${APPS}`);
const db = join(work, 'ledger.db');
const reuse = opts.reuse && existsSync(db);
if (!reuse) {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
}
const env = { JMFUND_DB: db, JMFUND_LANG: 'en', NO_COLOR: '1', JMFUND_OFFICER: 'bench', JMFUND_NOW: '2022-06-01T00:00:00.000Z' };
const jm = (args, ok = [0]) => timed(process.execPath, [BIN, ...args], { env, ok });

// ---------------------------------------------------------------- the round
const build = [];
const step = (name, args, ok) => {
  const r = jm(args, ok);
  build.push({ step: name, secs: r.secs, cpu: r.cpu, rssMb: r.rssMb });
  log(`  ${name}: ${fmt(r.secs)} s (CPU ${fmt(r.cpu)} s, peak RSS ${fmt(r.rssMb, 0)} MB)`);
  return r;
};
if (reuse) {
  log(`reusing the round of ${APPS.toLocaleString('en')} applications in ${work}`);
} else {
  log(`building a round of ${APPS.toLocaleString('en')} applications in ${work}`);
  const appsCsv = join(work, 'applications.csv');
  const scoresCsv = join(work, 'scores.csv');
  const ids = await writeApplicationsCsv(appsCsv, { rows: APPS, idPrefix: 'B-', family: 0, seed: 42 });
  const scoreRows = await writeScoresCsv(scoresCsv, ids, { experts: 3 });
  // Budgets that fund part of each category, so that the report has every kind of allocation line.
  const share = (yuanPerApp) => `${Math.round((APPS * yuanPerApp) / 10_000)}万`;
  step('init', ['init']);
  step('round create', ['round', 'create', 'B', '--opens', '2022-03-01', '--closes', '2022-04-30',
    '--budget', `benchmark-enterprise=${share(60_000)}`, '--budget', `benchmark-platform=${share(30_000)}`, '--budget', `sme-cloud=${share(60_000)}`,
    '--budget', `cluster-pilot=${share(40_000)}`, '--budget', `talent-training=${share(5_000)}`]);
  step(`import (${APPS.toLocaleString('en')} rows)`, ['import', appsCsv, '--round', 'B']);
  step('check', ['check', '--round', 'B'], [0, 1]);
  step(`scores import (${scoreRows.toLocaleString('en')} rows)`, ['scores', 'import', scoresCsv, '--round', 'B']);
  step('scores aggregate', ['scores', 'aggregate', '--round', 'B']);
  step('allocate', ['allocate', '--round', 'B']);
}
const ledgerBytes = statSync(db).size;
log(`ledger: ${size(ledgerBytes)}`);

// ---------------------------------------------------------------- the reports
const results = [];
for (const kind of KINDS) for (const format of FORMATS) {
  const out = join(work, `${kind}.${format}`);
  const runs = [];
  let failure = null;
  for (let i = 0; i < RUNS && !failure; i++) {
    const r = timed(process.execPath, [BIN, 'report', kind, '--round', 'B', '--format', format, '--out', out, '--force'], { env, ok: null });
    log(`  report ${kind} --format ${format} (${i + 1}/${RUNS}): exit ${r.code}, ${fmt(r.secs)} s, CPU ${fmt(r.cpu)} s, peak RSS ${fmt(r.rssMb, 0)} MB`);
    if (r.code !== 0) {
      // Not repeated: a failure (out of memory, say) is the figure.
      const why = r.stderr.split('\n').map((l) => l.trim()).filter((l) => /error|heap|内存|jmfund:/i.test(l))[0] ?? r.stderr.trim().split('\n').pop();
      failure = `exit ${r.code} after ${fmt(r.secs)} s, peak RSS ${fmt(r.rssMb, 0)} MB: ${why}`;
      log(`    ${failure}`);
    }
    runs.push(r);
  }
  const ok = runs.filter((r) => r.code === 0);
  results.push({
    kind,
    format,
    runs: ok.length,
    failure,
    median_s: median(ok.map((r) => r.secs)),
    min_s: ok.length ? Math.min(...ok.map((r) => r.secs)) : NaN,
    cpu_s: median(ok.map((r) => r.cpu)),
    peak_rss_mb: Math.max(...runs.map((r) => r.rssMb)),
    bytes: failure ? NaN : statSync(out).size,
  });
}

const lines = [
  `| ${KINDS.length > 1 ? 'report | ' : ''}format | runs | median wall s | min wall s | median CPU s | peak RSS MB | file size |`,
  `|${KINDS.length > 1 ? '---|' : ''}---|---:|---:|---:|---:|---:|---:|`,
  ...results.map((r) =>
    r.failure
      ? `| ${KINDS.length > 1 ? `${r.kind} | ` : ''}${r.format} | failed | — | — | — | ${fmt(r.peak_rss_mb, 0)} | ${r.failure.replace(/\|/g, '\\|')} |`
      : `| ${KINDS.length > 1 ? `${r.kind} | ` : ''}${r.format} | ${r.runs} | ${fmt(r.median_s)} | ${fmt(r.min_s)} | ${fmt(r.cpu_s)} | ${fmt(r.peak_rss_mb, 0)} | ${size(r.bytes)} |`,
  ),
];
console.log(lines.join('\n'));
if (opts.jsonOut) writeFileSync(opts.jsonOut, JSON.stringify({ applications: APPS, ledger_bytes: ledgerBytes, build, results }, null, 2));
if (!opts.keep && !opts.reuse) rmSync(work, { recursive: true, force: true });
