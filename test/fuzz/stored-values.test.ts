// No stored value ends a command in an internal error (issue 16). Import and
// every date option refuse dates outside 1900-01-01 … 2100-12-31, but a ledger
// can be edited behind jmfund's back: here the demo's finished round gets
// extreme dates (far future, year 1, text that is not a date, empty) in every
// date column — one column at a time, the value drawn from a seed, and all
// columns at once — and the commands that read them must end with a message
// and an exit code of 0–3, never "internal error".
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runChild, runCli, tempDir } from '../helpers.js';
import { crashSeed, random } from '../crash/lib.js';

const NOW = '2023-06-30T08:00:00.000Z';
const EXTREMES = ['9999-12-31', '0001-01-01', 'not a date', '', '2022-02-30', '99999-01-01'];
/** Every column that holds a calendar date. */
const DATE_COLUMNS = [
  'rounds.opens_on',
  'rounds.closes_on',
  'applications.established_on',
  'applications.submitted_on',
  'credit_listings.listed_on',
  'credit_listings.removed_on',
  'violations.occurred_on',
  'accidents.occurred_on',
  'eligibility_checks.as_of',
  'manual_awards.set_on',
  'notices.starts_on',
  'notices.ends_on',
  'objections.received_on',
  'objections.resolved_on',
  'filings.filed_on',
  'acceptances.accepted_on',
  'payments.paid_on',
  'clawbacks.ordered_on',
  'recoveries.recovered_on',
  'spot_checks.drawn_on',
  'spot_check_findings.found_on',
];

let dir: string;
let demo: string;
let round: string;

beforeAll(() => {
  dir = tempDir('jmfund-stored-');
  const made = runChild(process.execPath, [BIN, 'demo', '--dir', join(dir, 'demo'), '--quiet'], { env: { ...process.env, JMFUND_LANG: 'en', NO_COLOR: '1' }, encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`demo exited ${made.status}: ${made.stderr}`);
  demo = join(dir, 'demo', 'demo.db');
  const d = new Database(demo, { readonly: true });
  round = (d.prepare('SELECT round_id FROM rounds').get() as { round_id: string }).round_id;
  d.close();
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let copies = 0;
/** A copy of the demo ledger with `value` written into the columns (the append-only triggers set aside for the edit). Columns whose CHECK refuses the value are left. */
function edited(columns: readonly string[], value: string | bigint): { db: string; set: string[] } {
  const db = join(dir, `edited-${++copies}.db`);
  copyFileSync(demo, db);
  const d = new Database(db);
  const set: string[] = [];
  try {
    for (const tc of columns) {
      const [table, column] = tc.split('.');
      const triggers = d.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?").all(table) as { name: string; sql: string }[];
      for (const t of triggers) d.exec(`DROP TRIGGER "${t.name}"`);
      try {
        d.prepare(`UPDATE "${table}" SET "${column}" = ?`).run(value);
        set.push(tc);
      } catch {
        /* a CHECK constraint refuses it: jmfund's schema already guards that column */
      }
      for (const t of triggers) d.exec(t.sql);
    }
  } finally {
    d.close();
  }
  return { db, set };
}

const COMMANDS = (r: string): string[][] => [
  ['check', '--round', r],
  ['status', '--round', r],
  ['report', 'audit', '--round', r, '--format', 'json'],
  ['report', 'fund-usage', '--round', r],
  ['report', 'performance', '--round', r],
  ['report', 'notice', '--round', r],
  ['report', 'line', '--round', r, '--draws', '20'],
  ['allocate', '--round', r],
  ['verify'],
  ['log', '--since', '2022-01-01'],
  ['applications', 'list', '--round', r],
];

function expectNoCrash(db: string, args: string[], what: string): void {
  const r = runCli(args, { db, env: { JMFUND_NOW: NOW } });
  const where = `${what}: jmfund ${args.join(' ')} → exit ${r.code}\n${r.stderr.slice(0, 400)}`;
  expect(r.stderr, where).not.toMatch(/internal error/);
  expect([0, 1, 2, 3], where).toContain(r.code);
}

describe('extreme stored dates', () => {
  const SEED = crashSeed();

  it(`one column at a time, a value drawn for each (seed ${SEED})`, () => {
    const rnd = random(SEED ^ 0xda7e);
    const commands = COMMANDS(round);
    for (const tc of DATE_COLUMNS) {
      const value = EXTREMES[Math.floor(rnd() * EXTREMES.length)];
      const { db, set } = edited([tc], value);
      if (set.length === 0) continue;
      // The commands that read dates the most, and one more drawn from the rest.
      const extra = commands[3 + Math.floor(rnd() * (commands.length - 3))];
      for (const args of [commands[0], commands[1], commands[2], extra]) expectNoCrash(db, args, `${tc} = ${JSON.stringify(value)} (seed ${SEED})`);
    }
  }, 600_000);

  // Not dates: text that is not JSON where JSON is stored, an amount past 2^53 fen, a category the policy lacks.
  const OTHERS: [string, string | bigint][] = [
    ['rounds.policy_json', 'not json'],
    ['applications.extra_json', '{"备注": '],
    ['events.details', 'not json'],
    ['applications.category', 'no-such-category'],
    ['applications.requested_amount_fen', 2n ** 53n + 1n],
    ['filed_awards.amount_fen', 2n ** 53n + 1n],
  ];
  for (const [tc, value] of OTHERS) {
    it(`${tc} = ${typeof value === 'bigint' ? `${value}n` : JSON.stringify(value)}: a message (exit 0–3), not an internal error`, () => {
      const { db, set } = edited([tc], value);
      expect(set).toEqual([tc]);
      for (const args of [...COMMANDS(round).slice(0, 3), ['allocate', '--round', round], ['applications', 'show', 'D003'], ['applications', 'list', '--round', round]]) {
        expectNoCrash(db, args, `${tc} = ${String(value)}`);
      }
    }, 600_000);
  }

  for (const value of ['9999-12-31', 'not a date']) {
    it(`every date column at once set to ${JSON.stringify(value)}`, () => {
      const { db, set } = edited(DATE_COLUMNS, value);
      expect(set.length).toBeGreaterThan(10);
      for (const args of COMMANDS(round)) expectNoCrash(db, args, `all date columns = ${JSON.stringify(value)}`);
    }, 600_000);
  }
});
