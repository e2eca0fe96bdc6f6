// Benchmark: the audit report's web page in a browser.
//
// An auditor opens `report audit --format html` in a browser. For each size,
// the round of bench/report.mjs (built once, kept in bench/out/report-N), its
// audit page as jmfund writes it (long listings abridged) and, when asked, with
// every row (--html-rows all); each page opened by headless Chromium (Debian's
// package, scripts/ensure-chromium.sh) until its first screen is drawn
// (--screenshot). The floor is the same browser drawing a one-line page, in the
// same runs, interleaved. A page not drawn within --timeout seconds is reported
// as such.
//
//   npm run build && node bench/browser.mjs [--sizes 10000,100000] [--runs 3] [--whole 10000,100000] [--timeout 180]
//
// --whole: the sizes whose page with every row is opened too (once: it is slow).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, median, options, size, timed } from './lib/measure.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'jmfund.js');
const OUT = join(ROOT, 'bench', 'out', 'browser');
const opts = options(process.argv.slice(2), { sizes: '10000,100000', runs: 3, whole: '10000,100000', timeout: 180 });
const log = (s) => process.stderr.write(`${s}\n`);
if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
  log('build first: npm run build');
  process.exit(2);
}
const found = spawnSync('sh', [join(ROOT, 'scripts', 'ensure-chromium.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const CHROMIUM = found.status === 0 ? found.stdout.trim().split('\n').pop() : null;
if (!CHROMIUM) {
  log('no headless Chromium: nothing measured');
  process.exit(1);
}
mkdirSync(OUT, { recursive: true });
const SIZES = opts.sizes.split(',').map(Number).filter((n) => n > 0);
const WHOLE = new Set(opts.whole.split(',').map(Number));

/** Seconds until Chromium has drawn the page's first screen, or null when it did not within the timeout. */
function open(file) {
  const profile = join(OUT, 'profile');
  rmSync(profile, { recursive: true, force: true });
  const shot = join(OUT, 'shot.png');
  rmSync(shot, { force: true });
  const r = timed(
    CHROMIUM,
    ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', `--user-data-dir=${profile}`, '--window-size=1280,900', `--screenshot=${shot}`, `file://${file}`],
    { ok: null, timeoutMs: opts.timeout * 1000 },
  );
  return r.code === 0 && existsSync(shot) && statSync(shot).size > 0 ? r.secs : null;
}

const blank = join(OUT, 'blank.html');
writeFileSync(blank, '<!DOCTYPE html><html><head><meta charset="utf-8"><title>-</title></head><body><p>jmfund</p></body></html>\n');

const rows = [];
for (const n of SIZES) {
  // The round of bench/report.mjs, built once and kept (it times the html report on the way).
  const built = spawnSync(process.execPath, [join(ROOT, 'bench', 'report.mjs'), '--apps', String(n), '--runs', '1', '--formats', 'html', '--keep', '--reuse'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) throw new Error(`bench/report.mjs --apps ${n} failed`);
  const db = join(ROOT, 'bench', 'out', `report-${n}`, 'ledger.db');
  const env = { JMFUND_DB: db, JMFUND_LANG: 'zh', NO_COLOR: '1', JMFUND_NOW: '2022-06-01T00:00:00.000Z' };
  const pages = [{ name: 'as written (long listings abridged)', args: [], runs: opts.runs }];
  if (WHOLE.has(n)) pages.push({ name: 'every row (--html-rows all)', args: ['--html-rows', 'all'], runs: 1 });
  for (const p of pages) {
    const file = join(OUT, `audit-${n}${p.args.length ? '-all' : ''}.html`);
    const w = timed(process.execPath, [BIN, 'report', 'audit', '--round', 'B', '--format', 'html', '--out', file, '--force', ...p.args], { env });
    const html = readFileSync(file, 'utf8');
    const trs = html.split('<tr>').length - 1;
    const opened = [];
    const floors = [];
    for (let i = 0; i < p.runs; i++) {
      floors.push(open(blank));
      opened.push(open(file));
      log(`  ${n.toLocaleString('en')} ${p.name} (${i + 1}/${p.runs}): ${opened.at(-1) === null ? `not drawn within ${opts.timeout} s` : `${fmt(opened.at(-1))} s`}, blank page ${fmt(floors.at(-1))} s`);
    }
    const ok = opened.filter((x) => x !== null);
    const floor = median(floors.filter((x) => x !== null));
    rows.push({ n, page: p.name, bytes: statSync(file).size, trs, writeSecs: w.secs, runs: p.runs, drawn: ok.length, secs: ok.length === opened.length ? median(ok) : NaN, floor });
    rmSync(file, { force: true });
  }
}
rmSync(join(OUT, 'profile'), { recursive: true, force: true });

const lines = [
  '| applications | page | size | table rows | written in s | runs | drawn in s (median) | blank page s | × blank page |',
  '|---:|---|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map((r) =>
    `| ${r.n.toLocaleString('en')} | ${r.page} | ${size(r.bytes)} | ${r.trs.toLocaleString('en')} | ${fmt(r.writeSecs)} | ${r.runs} | ${r.drawn === r.runs ? fmt(r.secs) : `not drawn within ${opts.timeout} s`} | ${fmt(r.floor)} | ${r.drawn === r.runs ? fmt(r.secs / r.floor) : '—'} |`,
  ),
];
console.log(lines.join('\n'));
