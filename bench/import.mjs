// Benchmark: `jmfund import` of a large applications file against the floor,
// the sqlite3 shell's `.import` of the same file into a bare table.
//
//   npm run bench:import                       (1,000,000 rows, 3 runs each)
//   node bench/import.mjs [rows] [runs]        (after npm run build)
//
// Generates bench/out/import-<rows>.csv (git-ignored): every row valid, unique
// ids, ≈ 1 row in 20 with a quoted comma, doubled quote or line break. Each
// run starts from a new ledger with one round. Peak RSS is the child's
// "Maximum resident set size" from /usr/bin/time -v (else VmHWM polled from
// /proc). Writes the figures to bench/import.md.
import { spawnSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureSqlite3 } from './lib/measure.mjs';
import { APPLICATION_HEADER, CATEGORIES, CLUSTERS, DISTRICTS, DIVISIONS, NAMES, orgCheck, q, usccCheck } from './lib/generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const bin = join(root, 'bin', 'jmfund.js');
const rows = Number(process.argv[2] ?? 1_000_000);
const runs = Number(process.argv[3] ?? 3);
// BENCH_PHASES=0 leaves out the in-process phases (read only, read + validate).
const phases = process.env.BENCH_PHASES !== '0';
const outDir = join(here, 'out');
mkdirSync(outDir, { recursive: true });
const file = join(outDir, `import-${rows}.csv`);

// ---------------------------------------------------------------------------
// The file

// The same valid rows as bench/lib/generate.mjs, from its own LCG, so that the
// 1,000,000-row file (one credit-code family holds 999,999) stays as measured before.
async function generate() {
  const ws = createWriteStream(file, { highWaterMark: 1 << 20 });
  let buf = '\uFEFF' + APPLICATION_HEADER.join(',') + '\r\n';
  let seed = 42;
  const rnd = (n) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let i = 1; i <= rows; i++) {
    const d = rnd(7);
    const body = `MA${String(i).padStart(6, '0').slice(-6)}`;
    const first17 = `91${DIVISIONS[d]}${body}${orgCheck(body)}`;
    const special = rnd(20) === 0;
    const project = special ? ['工业互联网平台, 二期', '设备上云"标杆"项目', '数字化车间\r\n改造项目'][rnd(3)] + i : `工业互联网平台建设项目${i}`;
    const cat = CATEGORIES[rnd(CATEGORIES.length)];
    const cells = [
      `B-${String(i).padStart(7, '0')}`,
      q(NAMES[rnd(NAMES.length)]),
      first17 + usccCheck(first17),
      DISTRICTS[d],
      rnd(2) ? `20${10 + rnd(10)}-0${1 + rnd(9)}-1${rnd(10)}` : `20${10 + rnd(10)}年${1 + rnd(12)}月${1 + rnd(28)}日`,
      '是',
      cat,
      cat === 'cluster-pilot' ? CLUSTERS[rnd(4)] : '',
      q(project),
      rnd(2) ? `${1_000_000 + rnd(9_000_000)}.${String(rnd(100)).padStart(2, '0')}` : `${100 + rnd(900)}万`,
      rnd(2) ? String(100_000 + rnd(500_000)) : q(`${(100_000 + rnd(500_000)).toLocaleString('en')}.00`),
      String(10 + rnd(500)),
      `${5_000_000 + rnd(90_000_000)}`,
      '否', '是', 'yes', 'no', '是',
      cat === '人才培养' ? String(10 + rnd(20)) : '',
      cat === '人才培养' ? String(500 + rnd(900)) : '',
      `2022/${3 + rnd(2)}/${1 + rnd(28)}`,
      rnd(3) === 0 ? '无' : '',
    ];
    buf += cells.join(',') + '\r\n';
    if (buf.length > 1 << 20) {
      if (!ws.write(buf)) await once(ws, 'drain');
      buf = '';
    }
  }
  ws.end(buf);
  await once(ws, 'finish');
}

// ---------------------------------------------------------------------------
// Running and measuring

const hasTime = existsSync('/usr/bin/time');

/** Runs a command; returns seconds and peak RSS (MB) of the child. */
async function measure(cmd, args, env = {}) {
  const useTime = hasTime;
  const argv = useTime ? ['-v', cmd, ...args] : args;
  const t0 = process.hrtime.bigint();
  const child = spawn(useTime ? '/usr/bin/time' : cmd, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  let hwm = 0;
  const poll = useTime
    ? null
    : setInterval(() => {
        try {
          const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (m) hwm = Math.max(hwm, Number(m[1]));
        } catch {
          /* exited */
        }
      }, 20);
  const [code] = await once(child, 'exit');
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (poll) clearInterval(poll);
  let cpu = NaN;
  if (useTime) {
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
    if (m) hwm = Number(m[1]);
    const u = /User time \(seconds\): ([\d.]+)/.exec(stderr);
    const s = /System time \(seconds\): ([\d.]+)/.exec(stderr);
    if (u && s) cpu = Number(u[1]) + Number(s[1]);
  }
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${code}\n${stdout}\n${stderr.slice(-2000)}`);
  return { seconds, cpu, rssMb: hwm / 1024, stdout };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// ---------------------------------------------------------------------------

if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) {
  console.error('build first: npm run build');
  process.exit(2);
}
if (!existsSync(file)) {
  console.log(`generating ${file} …`);
  await generate();
}
const size = statSync(file).size;
console.log(`${file}: ${(size / 1e6).toFixed(0)} MB, ${rows.toLocaleString('en')} rows; ${runs} runs each`);

const results = {};
const record = (name, r) => {
  (results[name] ??= []).push(r);
  console.log(`  ${name.padEnd(28)} ${r.seconds.toFixed(2).padStart(7)} s  ${Math.round(rows / r.seconds).toLocaleString('en').padStart(9)} rows/s  CPU ${r.cpu.toFixed(2)} s  peak RSS ${r.rssMb.toFixed(0)} MB`);
};

const sqliteVersion = ensureSqlite3((s) => console.log(s));
const sqliteOk = sqliteVersion !== null;
const work = join(outDir, 'work');
mkdirSync(work, { recursive: true });

// Phases inside one process, to see where the time goes (no ledger).
const phaseScript = join(work, 'phases.mjs');
writeFileSync(
  phaseScript,
  `import { readTableBatches } from ${JSON.stringify(pathToFileURL(join(root, 'dist', 'io', 'table-reader.js')).href)};
import { matchHeader, parseApplicationRow, APPLICATION_COLUMNS } from ${JSON.stringify(pathToFileURL(join(root, 'dist', 'domain', 'import-row.js')).href)};
import { loadPolicy } from ${JSON.stringify(pathToFileURL(join(root, 'dist', 'io', 'policies.js')).href)};
const parse = process.argv[3] === 'parse';
const { policy } = loadPolicy();
let map = null, n = 0, bad = 0;
for await (const batch of readTableBatches(process.argv[2])) for (const r of batch) {
  if (!parse) { n++; continue; }
  if (!map) { map = matchHeader(r.cells, APPLICATION_COLUMNS).map; continue; }
  const p = parseApplicationRow(r.cells, map, policy, 'B1');
  n++; if (!p.value) { if (!bad) console.error(JSON.stringify(p.errors)); bad++; }
}
if (bad) { console.error(bad + ' bad rows'); process.exit(1); }
console.log(n);
`,
);

for (let i = 0; i < runs; i++) {
  console.log(`run ${i + 1}/${runs}`);
  if (sqliteOk) {
    const db = join(work, 'bare.db');
    rmSync(db, { force: true });
    // The floor: the shell's CSV import into a table with no types, no checks, no indexes.
    record('sqlite3 .import (floor)', await measure('sqlite3', [db, `.import --csv ${file} apps`]));
  }
  if (phases) {
    record('read only (table-reader)', await measure(process.execPath, [phaseScript, file, 'read']));
    record('read + validate (domain)', await measure(process.execPath, [phaseScript, file, 'parse']));
  }
  const ledger = join(work, 'ledger.db');
  rmSync(ledger, { force: true });
  const env = { JMFUND_DB: ledger, JMFUND_OFFICER: 'bench', JMFUND_LANG: 'en', NO_COLOR: '1' };
  spawnSync(process.execPath, [bin, 'init'], { env: { ...process.env, ...env } });
  spawnSync(process.execPath, [bin, 'round', 'create', 'B1', '--opens', '2022-03-01', '--closes', '2022-04-30'], { env: { ...process.env, ...env } });
  const r = await measure(process.execPath, [bin, 'import', file, '--round', 'B1', '--json'], env);
  const out = JSON.parse(r.stdout);
  if (out.new !== rows) throw new Error(`expected ${rows} new rows, got ${out.new}`);
  record('jmfund import', r);
  // Re-import of the same file: every row already there.
  record('jmfund import (again)', await measure(process.execPath, [bin, 'import', file, '--round', 'B1', '--json'], env));
}

const med = (name) =>
  results[name] ? { s: median(results[name].map((r) => r.seconds)), cpu: median(results[name].map((r) => r.cpu)), rss: Math.max(...results[name].map((r) => r.rssMb)) } : null;
const floor = med('sqlite3 .import (floor)');
const lines = [
  `Generated by \`npm run bench:import\` (bench/import.mjs) on ${new Date().toISOString().slice(0, 10)}: ${rows.toLocaleString('en')} application rows, ${(size / 1e6).toFixed(0)} MB UTF-8 CSV (22 columns, Chinese text, ≈ 1 row in 20 quoted), median of ${runs} runs; Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB${sqliteVersion ? `, sqlite3 shell ${sqliteVersion}` : ''}. Peak RSS is the child's maximum resident set size (highest of the runs).`,
  '',
  `Load average when the run ended: ${loadavg().map((x) => x.toFixed(1)).join(', ')}. Wall time depends on what else the machine runs; CPU time (user + system, from /usr/bin/time) less so.`,
  '',
  '| what | median wall s | rows/s (wall) | × floor (wall) | median CPU s | × floor (CPU) | peak RSS MB |',
  '|---|---:|---:|---:|---:|---:|---:|',
];
for (const name of Object.keys(results)) {
  const m = med(name);
  const x = (a, b) => (b ? (a / b).toFixed(2) : '—');
  lines.push(
    `| ${name} | ${m.s.toFixed(2)} | ${Math.round(rows / m.s).toLocaleString('en')} | ${x(m.s, floor?.s)} | ${m.cpu.toFixed(2)} | ${x(m.cpu, floor?.cpu)} | ${m.rss.toFixed(0)} |`,
  );
}
// The figures go between the markers of bench/import.md; the notes around them are kept.
const md = join(here, 'import.md');
const START = '<!-- figures: written by bench/import.mjs -->';
const END = '<!-- /figures -->';
const block = `${START}\n${lines.join('\n')}\n${END}`;
const old = existsSync(md) ? readFileSync(md, 'utf8') : `${START}\n${END}\n`;
const i = old.indexOf(START);
const j = old.indexOf(END);
writeFileSync(md, i >= 0 && j > i ? old.slice(0, i) + block + old.slice(j + END.length) : `${block}\n\n${old}`);
console.log(`\n${lines.join('\n')}\n\nwritten to bench/import.md`);
