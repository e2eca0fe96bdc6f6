// Two officers at once (SPEC §11, §13): two jmfund processes writing the same
// ledger. Either both succeed, one after the other, or one waits up to the
// busy timeout (JMFUND_BUSY_TIMEOUT_MS) and fails with "ledger busy … try
// again" (exit 2) having changed nothing. Never a corrupted ledger (verify
// passes), never a lost or half event: the ledger equals, by canonical dump,
// the state of the successful commands run one after the other, and the event
// count is the number of successful writing commands' events.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { ROUND, copyLedger, countDiff, dumpLedger, eventCount, generateApplications, jm, journalOf, scoredRound, start, type LedgerDump, type Run } from './lib.js';

const APPS = 600;
const IMPORT_ROWS = 6_000;
/** A long import: its transaction is surely still open when a second command, started once it has begun, gets going. */
const LONG_ROWS = 20_000;
const BUSY = /ledger busy: another jmfund command is writing it; try again\. Nothing was changed\./;

let dir: string;
let scored: string;
let noticed: string;
let fileA: string;
let fileB: string;
let fileC: string;

beforeAll(async () => {
  dir = tempDir('jmfund-concurrency-');
  const r = await scoredRound(join(dir, 'round'), APPS, { noticed: true });
  scored = r.scored;
  noticed = r.noticed ?? '';
  fileA = join(dir, 'officer-a.csv');
  fileB = join(dir, 'officer-b.csv');
  await generateApplications(fileA, { rows: IMPORT_ROWS, idPrefix: 'A-', family: 2, seed: 21 });
  await generateApplications(fileB, { rows: IMPORT_ROWS, idPrefix: 'B-', family: 3, seed: 22 });
  fileC = join(dir, 'officer-c.csv');
  await generateApplications(fileC, { rows: LONG_ROWS, idPrefix: 'C-', family: 4, seed: 23 });
}, 300_000);

interface Cmd {
  name: string;
  args: string[];
}

const importA = (): Cmd => ({ name: 'import A', args: ['import', fileA, '--round', ROUND] });
const importB = (): Cmd => ({ name: 'import B', args: ['import', fileB, '--round', ROUND] });
const longImport = (): Cmd => ({ name: 'import C', args: ['import', fileC, '--round', ROUND] });
const allocate = (): Cmd => ({ name: 'allocate', args: ['allocate', '--round', ROUND] });

let n = 0;
const fresh = (base: string): string => copyLedger(base, join(dir, `run-${++n}.db`));

/** The dump after running the commands one after the other on a copy of base. */
function sequential(base: string, cmds: Cmd[]): LedgerDump {
  const db = fresh(base);
  // allocate after an import is refused (exit 3: the new rows are unchecked) and writes nothing.
  for (const c of cmds) jm(db, c.args, [0, 3]);
  return dumpLedger(db);
}

/** What a command that lost the race may say, and nothing else. */
function expectCleanOutcome(c: Cmd, r: Run): void {
  const where = `${c.name}: exit ${r.code}\n${r.stderr}`;
  expect([0, 2, 3], where).toContain(r.code);
  // Refused only as the order of steps says: allocate after an import that added unchecked rows.
  if (r.code === 3) expect(r.stderr, where).toMatch(/have not been checked since/);
  expect(r.stderr, where).not.toMatch(/internal error|内部错误/);
  expect(r.stderr, where).not.toMatch(/^\s+at /m);
  if (r.code === 2) expect(r.stderr, where).toMatch(BUSY);
}

/**
 * Starts a and b (b `delayMs` later), waits for both, then checks: clean exits,
 * at least one success, verify, the event count, and the state.
 */
async function race(base: string, a: Cmd, b: Cmd, opts: { delayMs?: number; envB?: Record<string, string> } = {}): Promise<[Run, Run]> {
  const db = fresh(base);
  const events = eventCount(db);
  const pa = start(db, a.args).done;
  if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
  const pb = start(db, b.args, { env: opts.envB }).done;
  const [ra, rb] = await Promise.all([pa, pb]);
  expectCleanOutcome(a, ra);
  expectCleanOutcome(b, rb);
  const ok = [ra.code === 0, rb.code === 0];
  expect(ok[0] || ok[1], `neither succeeded:\n${ra.stderr}\n${rb.stderr}`).toBe(true);
  const v = jm(db, ['verify'], [0, 1, 2]);
  expect(v.code, `verify after ${a.name} + ${b.name}:\n${v.stdout}\n${v.stderr}`).toBe(0);
  expect(eventCount(db), 'one event per successful writing command').toBe(events + ok.filter(Boolean).length);
  // The state is that of the successful commands run one after the other, in some order.
  const got = dumpLedger(db);
  const candidates: [string, LedgerDump][] =
    ok[0] && ok[1]
      ? [
          [`${a.name} then ${b.name}`, sequential(base, [a, b])],
          [`${b.name} then ${a.name}`, sequential(base, [b, a])],
        ]
      : ok[0]
        ? [[`${a.name} alone`, sequential(base, [a])]]
        : [[`${b.name} alone`, sequential(base, [b])]];
  const match = candidates.find(([, d]) => d.hash === got.hash);
  expect(match, `the ledger is none of: ${candidates.map(([k, d]) => `${k} (${countDiff(got, d)})`).join('; ')}`).toBeDefined();
  console.log(`${a.name} + ${b.name}${opts.delayMs ? ` (+${opts.delayMs} ms)` : ''}: exits ${ra.code}, ${rb.code} in ${Math.round(ra.ms)}, ${Math.round(rb.ms)} ms → ${match?.[0]}`);
  return [ra, rb];
}

/** Resolves once the ledger has a -journal beside it: a write transaction is open. */
async function transactionOpen(db: string, within = 60_000): Promise<void> {
  const t0 = performance.now();
  while (!existsSync(journalOf(db))) {
    if (performance.now() - t0 > within) throw new Error('no write transaction began');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('two officers writing the same ledger at once', () => {
  it('import + allocate started together', async () => {
    await race(scored, importA(), allocate());
    await race(scored, allocate(), importA(), { delayMs: 300 });
  }, 300_000);

  it('allocate started while an import is writing: the ledger is as if one ran after the other', async () => {
    // allocate reads the round while the import's transaction is open (a
    // RESERVED lock lets readers in), then waits for the lock (a long busy
    // timeout here) to store its plan. Run one after the other, allocate would
    // plan either without the new rows or with them; whichever, the ledger must
    // be one that running them one after the other gives.
    const db = fresh(scored);
    const a = start(db, longImport().args);
    await transactionOpen(db);
    const b = start(db, allocate().args, { env: { JMFUND_BUSY_TIMEOUT_MS: '120000' } });
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expectCleanOutcome(longImport(), ra);
    expectCleanOutcome(allocate(), rb);
    // allocate waits for the import's lock, then finds its rows unchecked: refused, as it would be after it.
    expect(ra.code, ra.stderr).toBe(0);
    expect([0, 3], rb.stderr).toContain(rb.code);
    expect(jm(db, ['verify']).code).toBe(0);
    const got = dumpLedger(db);
    const serial: [string, LedgerDump][] = [
      ['import then allocate', sequential(scored, [longImport(), allocate()])],
      ['allocate then import', sequential(scored, [allocate(), longImport()])],
    ];
    expect(
      serial.some(([, d]) => d.hash === got.hash),
      `the ledger is none of: ${serial.map(([k, d]) => `${k} (${countDiff(got, d)})`).join('; ')}`,
    ).toBe(true);
  }, 300_000);

  it('import + import of different files into the same round, started together', async () => {
    await race(scored, importA(), importB());
    await race(scored, importB(), importA(), { delayMs: 500 });
  }, 300_000);

  for (const second of [importB, allocate]) {
    it(`${second().name} with a short busy timeout while an import is writing fails with "ledger busy" and changes nothing`, async () => {
      const db = fresh(scored);
      const events = eventCount(db);
      const a = start(db, longImport().args);
      await transactionOpen(db);
      const b = await start(db, second().args, { env: { JMFUND_BUSY_TIMEOUT_MS: '50' } }).done;
      const ra = await a.done;
      expectCleanOutcome(longImport(), ra);
      expectCleanOutcome(second(), b);
      expect(ra.code, ra.stderr).toBe(0);
      expect(b.code, `${second().name} finished ${Math.round(b.ms)} ms after it started, the import ${Math.round(ra.ms)} ms after\n${b.stderr}`).toBe(2);
      expect(jm(db, ['verify']).code).toBe(0);
      expect(eventCount(db)).toBe(events + 1);
      expect(dumpLedger(db).hash).toBe(sequential(scored, [longImport()]).hash);
    }, 300_000);
  }
});

describe('a command that finds the ledger locked by another writer', () => {
  // The test holds the lock itself, so the timing is certain: RESERVED
  // (another command's transaction is open) or EXCLUSIVE (another command is
  // writing pages to the file: committing, or spilling the cache of a large
  // import, which then keeps the lock until it commits).
  const cases: [string, () => string, string[]][] = [
    ['import', () => scored, ['import', '<A>', '--round', ROUND]],
    ['allocate', () => scored, ['allocate', '--round', ROUND]],
    ['check', () => scored, ['check', '--round', ROUND]],
    ['scores aggregate', () => scored, ['scores', 'aggregate', '--round', ROUND, '--method', 'median']],
    ['finalize', () => noticed, ['finalize', '--round', ROUND, '--on', '2022-05-20', '--yes']],
    ['backup', () => scored, ['backup', '<OUT>']],
  ];
  for (const lock of ['RESERVED', 'EXCLUSIVE'] as const) {
    it(`while another writer holds a ${lock} lock: ${cases.map(([c]) => c).join(', ')} exit 2 with "ledger busy" and change nothing`, () => {
      const problems: string[] = [];
      for (const [name, base, args] of cases) {
        const db = fresh(base());
        const before = dumpLedger(db);
        const outDir = join(dir, `out-${n}`);
        mkdirSync(outDir, { recursive: true });
        const argv = args.map((x) => (x === '<A>' ? fileA : x === '<OUT>' ? join(outDir, 'backup.db') : x));
        const holder = new Database(db);
        let r: Run;
        try {
          holder.exec(lock === 'RESERVED' ? 'BEGIN IMMEDIATE' : 'BEGIN EXCLUSIVE');
          r = jm(db, argv, [0, 1, 2, 3], { JMFUND_BUSY_TIMEOUT_MS: '300' });
          holder.exec('ROLLBACK');
        } finally {
          holder.close();
        }
        const said = `${name}: exit ${r.code}, stderr ${JSON.stringify(r.stderr.trim())}`;
        if (name === 'backup' && lock === 'RESERVED') {
          // Readers may read under a RESERVED lock: the backup is taken.
          if (r.code !== 0) problems.push(said);
        } else if (r.code !== 2 || !BUSY.test(r.stderr) || /internal error|^\s+at /m.test(r.stderr)) {
          problems.push(said);
        }
        const after = dumpLedger(db);
        if (after.hash !== before.hash) problems.push(`${name} changed the ledger: ${countDiff(after, before)}`);
        if (jm(db, ['verify'], [0, 1, 2]).code !== 0) problems.push(`${name}: verify fails afterwards`);
      }
      expect(problems, problems.join('\n')).toEqual([]);
    }, 300_000);
  }
});
