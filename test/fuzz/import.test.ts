// The importer fed hostile files (SPEC §5): random bytes, random CSV structure
// (quotes, line breaks, field counts, title rows, odd headers) and random
// values. Never a crash or a stack trace, never a partial write (the ledger is
// byte-identical after any failed import), and every row error names the file
// and the line. Run in process (hundreds of files), and through the built
// binary for a few (what an officer actually runs).
import fc from 'fast-check';
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/open.js';
import { runChecks } from '../../src/ledger/verify/index.js';
import { appendEvent } from '../../src/ledger/events.js';
import { inTransaction } from '../../src/ledger/open.js';
import { ledgerWithRound, runCli } from '../helpers.js';
import { APPLICATION_HEADER, field, hostileString, validCell } from './arbitraries.js';
import { runImportInProcess, type InProcessRun } from './inprocess.js';

const RUNS = Number(process.env.JMFUND_FUZZ_RUNS ?? 150);
const CLI_RUNS = Math.max(3, Math.round(RUNS / 15));

let dir: string;
let base: string;
let baseBytes: Buffer;
const savedEnv = { ...process.env };

beforeAll(() => {
  const l = ledgerWithRound('R1', { 'sme-cloud': 300_000_000 });
  // The round's event, as `round create` writes it: its rows are sealed to it, so that verify passes (issue 16).
  inTransaction(l.db, () => appendEvent(l.db, { at: '2022-03-01T00:00:00.000Z', officer: 'test', command: 'round create', roundId: 'R1' }));
  l.db.close();
  dir = l.dir;
  base = l.path;
  baseBytes = readFileSync(base);
  process.env.JMFUND_NOW = '2022-06-01T00:00:00.000Z';
  process.env.JMFUND_OFFICER = 'fuzz';
  process.env.NO_COLOR = '1';
});
afterAll(() => {
  process.env = savedEnv;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------
// Files

const EOLS = ['\r\n', '\n', '\r'];

/** Rows of cells → CSV text with random quoting, line ends, BOM. */
const csvText = (rows: string[][]): fc.Arbitrary<Buffer> =>
  fc
    .tuple(
      fc.tuple(...rows.map((r) => (r.length === 0 ? fc.constant<string[]>([]) : fc.tuple(...r.map(field))))),
      fc.constantFrom(...EOLS),
      fc.boolean(),
      fc.boolean(),
    )
    .map(([fields, eol, bom, finalEol]) => Buffer.from(`${bom ? '\ufeff' : ''}${fields.map((f) => f.join(',')).join(eol)}${finalEol ? eol : ''}`, 'utf8'));

/** A header: the usual one, shuffled, with a column dropped or doubled, odd extra names, maybe a title row above. */
const header = fc
  .tuple(
    fc.shuffledSubarray([...APPLICATION_HEADER], { minLength: APPLICATION_HEADER.length - 2 }),
    fc.array(fc.oneof(hostileString(12), fc.constantFrom('error', '申报编号', '备注', '')), { maxLength: 3 }),
    fc.option(hostileString(30), { nil: undefined }),
  )
  .map(([cols, extra, title]) => ({ cols: [...cols, ...extra], title }));

/** Structure: rows whose cells are valid, hostile, missing or in surplus, all written with random quoting. */
const structuredFile = header.chain(({ cols, title }) =>
  fc
    .array(
      fc.tuple(fc.integer({ min: 1, max: 999_999 }), fc.integer({ min: -3, max: 2 })).chain(([n, drift]) =>
        fc
          .tuple(...cols.map((c) => fc.oneof({ weight: 4, arbitrary: validCell(c, n) }, { weight: 1, arbitrary: hostileString(16) })))
          .map((cells) => (drift < 0 ? cells.slice(0, cells.length + drift) : [...cells, ...Array<string>(drift).fill('多余')])),
      ),
      { maxLength: 12 },
    )
    .chain((rows) => csvText([...(title === undefined ? [] : [[title]]), cols, ...rows])),
);

/** Values: the usual header and quoting done right, every cell drawn from valid and hostile values. */
// A third of the files have valid rows only (so that imports also succeed); in the others one cell in eight is hostile.
const valuesFile = fc
  .tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 12 }))
  .chain(([mode, count]) =>
    fc.uniqueArray(fc.integer({ min: 1, max: 999_999 }), { minLength: count, maxLength: count }).chain((ns) =>
      fc.tuple(
        ...ns.map((n) =>
          fc.tuple(...APPLICATION_HEADER.map((c) => (mode === 0 ? validCell(c, n) : fc.oneof({ weight: 7, arbitrary: validCell(c, n) }, { weight: 1, arbitrary: hostileString(24) })))),
        ),
      ),
    ),
  )
  .map((rows) => {
    const q = (s: string) => (/[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    return Buffer.from([APPLICATION_HEADER, ...rows].map((r) => r.map(q).join(',')).join('\r\n') + '\r\n', 'utf8');
  });

/** Random bytes, alone or after a valid header line (so that the row reader sees them). */
const bytesFile = fc.tuple(fc.boolean(), fc.uint8Array({ maxLength: 3000 })).map(([withHeader, bytes]) =>
  Buffer.concat([withHeader ? Buffer.from(`${APPLICATION_HEADER.join(',')}\n`) : Buffer.alloc(0), Buffer.from(bytes)]),
);

// ---------------------------------------------------------------------------
// The properties

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

let case_ = 0;

/** Writes the file, runs the import on a fresh copy of the ledger, checks the outcome. */
async function tryImport(bytes: Buffer, run: (args: string[], db: string) => Promise<Outcome> | Outcome, json: boolean): Promise<Outcome> {
  const n = ++case_;
  const file = join(dir, `fuzz-${n % 50}.csv`);
  writeFileSync(file, bytes);
  const db = join(dir, 'work.db');
  rmSync(`${db}-journal`, { force: true });
  copyFileSync(base, db);
  const args = [...(json ? ['--json'] : []), 'import', file, '--round', 'R1'];
  const r = await run(args, db);
  const where = `exit ${r.code}; file (base64) ${bytes.toString('base64').slice(0, 3000)}\nstderr: ${r.stderr.slice(0, 3000)}`;
  expect(r.stderr, where).not.toMatch(/internal error|内部错误/);
  expect(r.stderr, where).not.toMatch(/^\s+at /m);
  expect([0, 1, 2], where).toContain(r.code);
  expect(existsSync(`${db}-journal`), `${where}\na journal is left`).toBe(false);
  if (r.code !== 0) {
    expect(readFileSync(db).equals(baseBytes), `${where}\nthe ledger changed although the import failed`).toBe(true);
    expect(r.stderr.trim().length, where).toBeGreaterThan(0);
  }
  if (r.code === 1) {
    // Each diagnostic names the file: a row error or an unreadable record with
    // its line (FILE:LINE: or FILE line N:), a header problem with the
    // header's line, or, when no header was found at all, how many rows were
    // searched. A message that quotes a cell holding a line break runs on over
    // the next stderr line (see files-and-messages in test/fuzz/roundtrip.test.ts);
    // such continuation lines belong to the diagnostic before them.
    const esc = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '').map((l) => l.replace(/^(warning|警告): /, ''));
    expect(lines.length, where).toBeGreaterThan(0);
    expect(lines[0].startsWith(file), `${where}\nthe first diagnostic does not name the file`).toBe(true);
    for (const l of lines.filter((x) => x.startsWith(file))) {
      const ok =
        new RegExp(`^${esc}:\\d+[:：]`).test(l) ||
        new RegExp(`^${esc} line \\d+: `).test(l) ||
        new RegExp(`^${esc} \\(header on line \\d+\\): `).test(l) ||
        new RegExp(`^${esc}: .*\\(no header row found in the first \\d+ rows\\)$`).test(l);
      expect(ok, `${where}\nthis diagnostic names no line: ${l}`).toBe(true);
    }
  }
  if (json && r.code !== 2) {
    const out = JSON.parse(r.stdout) as { errors: { line: number | null; message: string }[]; written: boolean; rows: number };
    if (r.code === 1) {
      expect(out.written).toBe(false);
      expect(out.errors.length, where).toBeGreaterThan(0);
      for (const e of out.errors) if (e.line === null) expect(e.message, where).toMatch(/header|表头/);
    }
  }
  if (r.code === 0) {
    const l = openLedger(db, { readonly: true });
    try {
      const v = runChecks(l);
      expect(v.problems, where).toEqual([]);
    } finally {
      l.close();
    }
  }
  return r;
}

const inProcess = async (args: string[], db: string): Promise<InProcessRun> => {
  const r = await runImportInProcess(['--db', db, ...args]);
  if (r.crash) throw new Error(`import crashed: ${r.crash.stack ?? r.crash.message}\n${r.stderr}`);
  return r;
};
const cli = (args: string[], db: string): Outcome => runCli(args, { db, env: { JMFUND_NOW: '2022-06-01T00:00:00.000Z' } });

describe('import of hostile files, in process', () => {
  const tally: Record<string, number[]> = {};
  const refusals = new Map<string, number>();
  const count = (name: string, r: Outcome): void => {
    (tally[name] ??= [0, 0, 0])[r.code]++;
    if (r.code === 2) {
      const why = r.stderr.split('\n')[0].replace(/\/\S*fuzz-\d+\.csv/g, 'FILE').replace(/"[^"]*"|「[^」]*」/g, '"…"').slice(0, 90);
      refusals.set(why, (refusals.get(why) ?? 0) + 1);
    }
  };
  afterAll(() => {
    console.log(`import fuzz (exit 0/1/2): ${Object.entries(tally).map(([k, v]) => `${k} ${v.join('/')}`).join('; ')}`);
    console.log(`exit 2 because: ${[...refusals].map(([k, v]) => `${v}× ${k}`).join(' | ')}`);
  });

  it('random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(bytesFile, fc.boolean(), async (bytes, json) => count('bytes', await tryImport(bytes, inProcess, json))),
      { numRuns: RUNS },
    );
  }, 300_000);

  it('random CSV structure: quotes, line breaks, field counts, headers, title rows', async () => {
    await fc.assert(
      fc.asyncProperty(structuredFile, fc.boolean(), async (bytes, json) => count('structure', await tryImport(bytes, inProcess, json))),
      { numRuns: RUNS },
    );
  }, 300_000);

  it('random values in a well-formed file', async () => {
    await fc.assert(
      fc.asyncProperty(valuesFile, fc.boolean(), async (bytes, json) => count('values', await tryImport(bytes, inProcess, json))),
      { numRuns: RUNS },
    );
  }, 300_000);

  it('the same hostile files as GB18030 and UTF-16 bytes', async () => {
    const { default: iconv } = await import('iconv-lite');
    await fc.assert(
      fc.asyncProperty(fc.oneof(valuesFile, structuredFile), fc.constantFrom('gb18030', 'utf16le'), async (bytes, enc) => {
        const text = bytes.toString('utf8').replace(/^\ufeff/, '');
        const encoded = enc === 'utf16le' ? Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf16le')]) : iconv.encode(text, 'gb18030');
        count(enc, await tryImport(encoded, inProcess, false));
      }),
      { numRuns: Math.max(10, Math.round(RUNS / 3)) },
    );
  }, 300_000);
});

describe('import of hostile files, through the built binary', () => {
  it('random structure and bytes: no stack trace, no partial write, errors name a line', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(structuredFile, valuesFile, bytesFile), fc.boolean(), async (bytes, json) => {
        await tryImport(bytes, cli, json);
      }),
      { numRuns: CLI_RUNS },
    );
  }, 300_000);
});
