// Benchmark: how fast does io/table-reader read a large CSV?
//
//   npm run build && node bench/read-csv.mjs [rows=1000000]
//
// Generates bench/out/apps-<rows>.csv (≈ 280 bytes a row, 20 columns, Chinese
// text, about 1 row in 20 with a quoted comma, doubled quote or line break),
// then times, each on a warm page cache:
//   - sqlite3 shell: `.import --csv` into a new database file (the yardstick)
//   - decode only: openTextStream, counting characters (the floor)
//   - csv-parse 6 with info, relax_column_count, bom (the library option)
//   - readTableBatches / readTable (what import uses)
// Set JMFUND_DIST to read the modules from another build directory.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { once } from 'node:events';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(process.env.JMFUND_DIST ?? join(here, '..', 'dist'));
const rows = Number(process.argv[2] ?? 1_000_000);
const outDir = join(here, 'out');
mkdirSync(outDir, { recursive: true });
const file = join(outDir, `apps-${rows}.csv`);

const DISTRICTS = ['蓬江区', '江海区', '新会区', '台山市', '开平市', '鹤山市', '恩平市'];
const CATEGORIES = ['platform', 'sme-cloud', 'cluster-pilot', 'talent-training', 'security'];
const NAMES = ['江门市堃珺燊智能制造有限公司', '江门市新会区五金科技有限公司', '台山市"海宴"食品有限公司', '开平市水口卫浴股份有限公司', '鹤山市𠮷祥纺织有限公司'];

async function generate() {
  const ws = createWriteStream(file, { highWaterMark: 1 << 20 });
  const header = [
    '申报编号', '企业名称', '统一社会信用代码', '所属区（市）', '成立日期', '是否独立法人', '申报类别', '产业集群',
    '项目名称', '项目总投入（元）', '申请补贴金额（元）', '从业人员', '营业收入（元）', '是否已获其他财政资金支持',
    '近三年财政资金项目执行良好', '近三年信用良好', '近三年发生重大安全、环保、质量事故', '具备实施条件', '申报日期', '备注',
  ];
  let buf = '\uFEFF' + header.join(',') + '\r\n';
  let seed = 42;
  const rnd = (n) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let i = 1; i <= rows; i++) {
    const name = NAMES[rnd(NAMES.length)];
    const special = rnd(20) === 0;
    const project = special
      ? ['"工业互联网平台, 二期"', '"设备上云""标杆""项目"', '"数字化车间\r\n改造项目"'][rnd(3)]
      : `工业互联网平台建设项目${i}`;
    const q = name.includes('"') ? `"${name.replace(/"/g, '""')}"` : name;
    const cells = [
      `2024-${String(i).padStart(7, '0')}`, q, `91440700MA${String(1000000 + rnd(8999999)).padStart(7, '0')}X`,
      DISTRICTS[rnd(7)], `20${10 + rnd(13)}-0${1 + rnd(9)}-1${rnd(10)}`, '是', CATEGORIES[rnd(5)], '先进材料',
      project, String(1_000_000 + rnd(9_000_000)) + '.00', String(100_000 + rnd(500_000)), String(10 + rnd(500)),
      String(5_000_000 + rnd(90_000_000)), '否', '是', '是', '否', '是', '2024-03-15', rnd(3) === 0 ? '无' : '',
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

// Wall time, and CPU time (user + system) of this process, which is less
// disturbed by other load on a shared machine. For the sqlite3 shell the CPU
// time is that of the child process.
async function time(label, fn) {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const r = await fn();
  const n = typeof r === 'number' ? r : r.rows;
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = typeof r === 'number' ? process.cpuUsage(c0) : r.cpu;
  const cpu = (c.user + c.system) / 1e6;
  const rate = n ? `${Math.round(n / s).toLocaleString('en')} rows/s` : '';
  console.log(`${label.padEnd(34)} wall ${s.toFixed(2).padStart(6)} s  cpu ${cpu.toFixed(2).padStart(6)} s  ${rate}`);
  return s;
}

if (!existsSync(file)) {
  console.log(`generating ${file} …`);
  await generate();
}
console.log(`${file}: ${(statSync(file).size / 1e6).toFixed(0)} MB, ${rows.toLocaleString('en')} data rows`);

const decode = await import(pathToFileURL(join(dist, 'io', 'decode.js')).href);
const reader = await import(pathToFileURL(join(dist, 'io', 'table-reader.js')).href);
const which = (process.argv[3] ?? 'sqlite,decode,csv-parse,batches,rows').split(',');

if (which.includes('sqlite')) {
  const db = join(outDir, 'bench.db');
  const r = spawnSync('sqlite3', ['--version'], { encoding: 'utf8' });
  if (r.status === 0) {
    rmSync(db, { force: true });
    await time('sqlite3 .import --csv', () => {
      // `time -f` gives the child's CPU time; fall back to wall time only.
      const p = spawnSync('/usr/bin/time', ['-f', '%U %S', 'sqlite3', db, `.import --csv ${file} apps`], { encoding: 'utf8' });
      if (p.error) {
        const q = spawnSync('sqlite3', [db, `.import --csv ${file} apps`], { stdio: 'inherit' });
        if (q.status !== 0) throw new Error('sqlite3 failed');
        return { rows, cpu: { user: 0, system: 0 } };
      }
      if (p.status !== 0) throw new Error(`sqlite3 failed: ${p.stderr}`);
      const [u, sy] = p.stderr.trim().split(/\s+/).slice(-2).map(Number);
      return { rows, cpu: { user: u * 1e6, system: sy * 1e6 } };
    });
    rmSync(db, { force: true });
  } else {
    console.log('sqlite3 shell not found; skipped');
  }
}

if (which.includes('decode')) {
  await time('decode only (openTextStream)', async () => {
    const { stream } = await decode.openTextStream(file);
    let chars = 0;
    for await (const c of stream) chars += c.length;
    return 0;
  });
}

if (which.includes('csv-parse')) {
  const { parse } = await import('csv-parse');
  await time('csv-parse 6 (info, relax, bom)', async () => {
    const { stream } = await decode.openTextStream(file);
    const p = stream.pipe(parse({ info: true, relax_column_count: true, bom: true, skip_empty_lines: true }));
    let n = 0;
    for await (const r of p) if (r.info.lines > 0) n++;
    return n;
  });
}

if (which.includes('batches')) {
  await time('readTableBatches (hand parser)', async () => {
    let n = 0;
    for await (const b of reader.readTableBatches(file)) n += b.length;
    return n;
  });
}

if (which.includes('rows')) {
  await time('readTable (hand parser)', async () => {
    let n = 0;
    for await (const r of reader.readTable(file)) if (r.line > 0) n++;
    return n;
  });
}
