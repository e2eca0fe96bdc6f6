// Shared benchmark helpers: run a command and measure it (wall time, CPU
// time, peak RSS of the child), medians, and a description of the machine and
// the software versions, for the figures in bench/README.md.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, freemem } from 'node:os';
import { join } from 'node:path';

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const MARK = 'JMFUND_BENCH_TIME';

/**
 * Runs cmd synchronously. Wall time from hrtime around the spawn; CPU (user +
 * system) and peak RSS of the child from /usr/bin/time when it exists (else
 * NaN). Throws unless the exit code is in `ok` (ok: null accepts any).
 * `stdoutFile` sends the child's output to a file instead of memory;
 * `timeoutMs` kills it with coreutils' timeout (exit code 137), so that the
 * command itself, not only /usr/bin/time, ends.
 */
export function timed(cmd0, args0, { env = {}, cwd, ok = [0], input, stdoutFile, timeoutMs } = {}) {
  const [cmd, args] = timeoutMs ? ['timeout', ['-s', 'KILL', String(Math.ceil(timeoutMs / 1000)), cmd0, ...args0]] : [cmd0, args0];
  const argv = TIME ? ['-f', `${MARK} %e %U %S %M`, cmd, ...args] : args;
  const out = stdoutFile ? openSync(stdoutFile, 'w') : 'pipe';
  const t0 = process.hrtime.bigint();
  let r;
  try {
    r = spawnSync(TIME ?? cmd, argv, { env: { ...process.env, ...env }, cwd, input, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['pipe', out, 'pipe'] });
  } finally {
    if (stdoutFile) closeSync(out);
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  let cpu = NaN;
  let rssMb = NaN;
  let stderr = r.stderr ?? '';
  const m = new RegExp(`${MARK} ([\\d.]+) ([\\d.]+) ([\\d.]+) (\\d+)\\s*$`).exec(stderr);
  if (m) {
    cpu = Number(m[2]) + Number(m[3]);
    rssMb = Number(m[4]) / 1024;
    stderr = stderr.slice(0, m.index);
  }
  const code = r.status ?? (r.signal ? `signal ${r.signal}` : -1);
  if (ok !== null && !ok.includes(code)) throw new Error(`${cmd0} ${args0.join(' ')} exited ${code}\n${stderr.slice(-2000)}`);
  return { secs, cpu, rssMb, code, stdout: r.stdout ?? '', stderr };
}

/** The sqlite3 shell (Debian's sqlite3 package), installed when missing; its version, or null if it cannot be had. */
export function ensureSqlite3(log = (s) => process.stderr.write(`${s}\n`)) {
  const version = () => {
    const r = spawnSync('sqlite3', ['--version'], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.split(' ')[0] : null;
  };
  let v = version();
  if (v) return v;
  log('sqlite3 shell not found; installing Debian sqlite3 (apt-get update && apt-get install -y sqlite3) …');
  spawnSync('sh', ['-c', 'apt-get update && apt-get install -y sqlite3'], { stdio: ['ignore', 'inherit', 'inherit'] });
  v = version();
  if (!v) log('sqlite3 could not be installed: the floors are not measured');
  return v;
}

export const median = (xs) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export const fmt = (x, digits = 2) => (Number.isNaN(x) || x === undefined || x === null ? '—' : x.toFixed(digits));

/** CPU model, cores, memory and load average now. */
export function machine() {
  const c = cpus();
  let model = c[0]?.model ?? 'unknown CPU';
  try {
    // cpus() can say just "AMD EPYC"; /proc/cpuinfo has the full name.
    const m = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m && m[1].length > model.length) model = m[1].trim();
  } catch {
    /* not Linux */
  }
  return {
    cpu: model,
    cores: c.length,
    memGiB: totalmem() / 2 ** 30,
    freeGiB: freemem() / 2 ** 30,
    load: loadavg(),
    platform: `${process.platform} ${process.arch}`,
  };
}

/** Node, SQLite (as linked into better-sqlite3) and the installed versions of the packages. */
export async function versions(root) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const installed = {};
  for (const name of [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})].sort()) {
    try {
      installed[name] = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
    } catch {
      installed[name] = '(not installed)';
    }
  }
  let sqlite = 'unknown';
  try {
    const { default: Database } = await import(join(root, 'node_modules', 'better-sqlite3', 'lib', 'index.js'));
    const db = new Database(':memory:');
    sqlite = db.prepare('SELECT sqlite_version()').pluck().get();
    db.close();
  } catch {
    /* reported as unknown */
  }
  let sqliteShell = null;
  const s = spawnSync('sqlite3', ['--version'], { encoding: 'utf8' });
  if (s.status === 0) sqliteShell = s.stdout.split(' ')[0];
  // The commit measured: git, else JMFUND_BENCH_COMMIT (a copy of the checkout without .git).
  const git = spawnSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  const dirty = spawnSync('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no', '--', 'src'], { encoding: 'utf8' });
  const commit = git.status === 0 ? `${git.stdout.trim()}${dirty.stdout.trim() ? ' (with uncommitted changes in src/)' : ''}` : (process.env.JMFUND_BENCH_COMMIT ?? 'unknown');
  return { node: process.version, sqlite, sqliteShell, jmfund: pkg.version, commit, packages: installed };
}

/** Human-readable MB/GB of a byte count. */
export const size = (bytes) => (bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`);

/** Reads `--name value` and `--flag` options from argv. */
export function options(argv, defaults) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const key = a.slice(2).replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (typeof defaults[key] === 'boolean') out[key] = true;
    else out[key] = typeof defaults[key] === 'number' ? Number(argv[++i]) : argv[++i];
  }
  return out;
}
