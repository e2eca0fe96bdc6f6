// A question before what cannot be undone (SPEC §15, issue 17): on a terminal
// each irreversible command shows what it will do and asks; "no" and Ctrl-C
// write nothing (exit 1, "nothing was changed"); piped it is refused (exit 2)
// unless --yes; --yes skips the question, never a rule. The ledger file is
// byte for byte unchanged after every refusal and every "no".
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lifecycleLedger, storeVersion } from '../../fixtures/lifecycle/seed.js';
import { runCli, tempDir } from '../helpers.js';
import { runOnPty, stripAnsi } from '../pty.js';

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
let dir: string;
let copies = 0;
const copyOf = (db: string) => {
  const to = join(dir, `copy-${++copies}.db`);
  copyFileSync(db, to);
  return to;
};
const env = (db: string, day: string) => ({ JMFUND_DB: db, JMFUND_NOW: day, JMFUND_LANG: 'en', NO_COLOR: '1', JMFUND_OFFICER: 'confirm-test' });
const piped = (db: string, day: string, args: string[]) => runCli(args, { env: env(db, day) });
const yes = (db: string, day: string, args: string[]) => {
  const r = piped(db, day, [...args, '--yes']);
  if (r.code !== 0) throw new Error(`${args.join(' ')} exited ${r.code}\n${r.stderr}`);
  return r;
};

/** Ledgers at each stage: proposed (version 1 stored), on notice with an open objection, filed, paid. */
const L = { proposed: '', objection: '', filed: '', paid: '' };

beforeAll(() => {
  dir = tempDir('jmfund-confirm-');
  const l = lifecycleLedger();
  storeVersion(l.db, 'R1', { A1: 300_000, A2: 200_000, A3: 100_000, T1: 800_000 });
  l.db.close();
  L.proposed = copyOf(l.path);
  L.objection = copyOf(l.path);
  yes(L.objection, '2022-05-30', ['publicize', '--round', 'R1', '--from', '2022-05-30']);
  yes(L.objection, '2022-06-01', ['objection', 'add', 'A2', '--received', '2022-06-01', '--from', '张三', '--text', '项目材料不实']);
  L.filed = copyOf(L.objection);
  yes(L.filed, '2022-06-06', ['objection', 'resolve', '1', '--dismissed', '--note', '经核实无误']);
  yes(L.filed, '2022-06-06', ['finalize', '--round', 'R1']);
  L.paid = copyOf(L.filed);
  yes(L.paid, '2022-09-01', ['accept', 'A1', '--date', '2022-09-01', '--result', 'pass', '--actual-investment', '1000000']);
  yes(L.paid, '2022-09-02', ['disburse', 'A1', '--amount', '300000', '--date', '2022-09-02']);
}, 300_000);

interface Case {
  name: string;
  base: () => string;
  day: string;
  args: string[];
  /** What the question shows before it asks. */
  shows: RegExp[];
  question: RegExp;
  /** What the ledger holds after a "yes". */
  after: (db: string) => void;
}

const stateOf = (db: string, id: string) => runCli(['applications', 'show', id, '--json'], { env: env(db, '2023-01-01') }).json<{ state: string }>().state;

const CASES: Case[] = [
  {
    name: 'publicize',
    base: () => L.proposed,
    day: '2022-05-30',
    args: ['publicize', '--round', 'R1', '--from', '2022-05-30'],
    shows: [/this puts 4 awards on public notice, 1,400,000\.00 in all, 2022-05-30 through 2022-06-05 \(7 days, Art\. 11\)/, /A1 .* 300,000\.00/, /T1 .* 800,000\.00/],
    question: /put these 4 awards on notice\?/,
    after: (db) => expect(stateOf(db, 'A1')).toBe('in-notice'),
  },
  {
    name: 'award set',
    base: () => L.proposed,
    day: '2022-05-30',
    args: ['award', 'set', 'O1', '--amount', '50万', '--basis', '江府办〔2022〕12号'],
    shows: [/this sets the award of O1 to 500,000\.00 on 江府办〔2022〕12号, dated 2022-05-30; it becomes proposed/],
    question: /set O1 to 500,000\.00\?/,
    after: (db) => expect(stateOf(db, 'O1')).toBe('proposed'),
  },
  {
    name: 'objection resolve --upheld',
    base: () => L.objection,
    day: '2022-06-03',
    args: ['objection', 'resolve', '1', '--upheld', '--note', '核查属实'],
    shows: [/this upholds objection #1: the award of A2 is withdrawn \(in-notice → withdrawn\) on 2022-06-03/],
    question: /withdraw the award of A2\?/,
    after: (db) => expect(stateOf(db, 'A2')).toBe('withdrawn'),
  },
  {
    name: 'finalize',
    base: () => {
      const db = copyOf(L.objection);
      yes(db, '2022-06-06', ['objection', 'resolve', '1', '--dismissed', '--note', '经核实无误']);
      return db;
    },
    day: '2022-06-06',
    args: ['finalize', '--round', 'R1'],
    shows: [/this files 4 awards of round R1 on 2022-06-06, 1,400,000\.00 in all/, /filed amounts can never change afterwards/],
    question: /file these 4 awards\?/,
    after: (db) => expect(stateOf(db, 'T1')).toBe('filed'),
  },
  {
    name: 'accept --result fail',
    base: () => L.filed,
    day: '2022-09-01',
    args: ['accept', 'A3', '--date', '2022-09-01', '--result', 'fail', '--actual-investment', '0', '--note', '项目未实施'],
    shows: [/this records that A3 failed acceptance on 2022-09-01: filed award 100,000\.00, final award 0\.00, now rejected-at-acceptance/],
    question: /record A3 as failed\?/,
    after: (db) => expect(stateOf(db, 'A3')).toBe('rejected-at-acceptance'),
  },
  {
    name: 'clawback',
    base: () => L.paid,
    day: '2022-10-01',
    args: ['clawback', 'A1', '--amount', '100000', '--reason', '审计发现重复列支'],
    shows: [/this orders 100,000\.00 back from A1 on 2022-10-01 \(reason: 审计发现重复列支\); paid 300,000\.00/],
    question: /order 100,000\.00 back from A1\?/,
    after: (db) => expect(stateOf(db, 'A1')).toBe('clawback-due'),
  },
  {
    name: 'round budget',
    base: () => L.proposed,
    day: '2022-05-30',
    args: ['round', 'budget', 'R1', 'sme-cloud=307'],
    shows: [/warning: the budget of sme-cloud was written "307", which is 307\.00 yuan, below 10,000\.00; did you mean 307万\?/, /this changes the budgets of round R1 \(yuan\):/, /sme-cloud: 600,000\.00 → 307\.00/],
    question: /change this budget\?/,
    after: (db) => expect(runCli(['round', 'show', 'R1', '--json'], { env: env(db, '2023-01-01') }).json<{ budgets_fen: Record<string, number> }>().budgets_fen['sme-cloud']).toBe(30_700),
  },
];

describe('a question before what cannot be undone', () => {
  for (const c of CASES) {
    describe(c.name, () => {
      it('piped without --yes: refused (exit 2), nothing written; with --yes: done without a question', () => {
        const db = copyOf(c.base());
        const before = sha(db);
        const r = piped(db, c.day, c.args);
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).toContain(`${c.name.split(' --')[0]}`);
        expect(r.stderr).toMatch(/cannot be undone; when not on a terminal, confirm it with --yes\. Nothing was changed\./);
        expect(r.stdout).toBe('');
        expect(sha(db)).toBe(before);
        const ok = piped(db, c.day, [...c.args, '--yes']);
        expect(ok.code, ok.stderr).toBe(0);
        expect(ok.stderr).not.toMatch(/\(y\/N\)/);
        c.after(db);
      });

      it('on a terminal: shows what it will do and asks; "no" and Ctrl-C change nothing (exit 1), "yes" does it', () => {
        for (const send of ['n\r', '\x03']) {
          const db = copyOf(c.base());
          const before = sha(db);
          const r = runOnPty(c.args, { env: env(db, c.day), answers: [{ when: '(y/N)', send }] });
          const screen = stripAnsi(r.output);
          for (const s of c.shows) expect(screen).toMatch(s);
          expect(screen).toMatch(c.question);
          expect(r.code, screen).toBe(1);
          expect(screen).toContain('nothing was changed');
          expect(sha(db), `${JSON.stringify(send)}: the ledger changed`).toBe(before);
        }
        const db = copyOf(c.base());
        const r = runOnPty(c.args, { env: env(db, c.day), answers: [{ when: '(y/N)', send: 'y\r' }] });
        expect(r.code, stripAnsi(r.output)).toBe(0);
        c.after(db);
      });
    });
  }

  it('--yes never skips a rule: a refused command is refused (exit 3) with or without it, on a terminal before any question', () => {
    const db = copyOf(L.proposed);
    const before = sha(db);
    const args = ['finalize', '--round', 'R1'];
    expect(piped(db, '2022-06-06', args).code).toBe(3);
    expect(piped(db, '2022-06-06', [...args, '--yes']).code).toBe(3);
    const t = runOnPty(args, { env: env(db, '2022-06-06'), answers: [{ when: '(y/N)', send: 'y\r' }] });
    expect(t.code).toBe(3);
    expect(stripAnsi(t.output)).not.toMatch(/\(y\/N\)/);
    expect(sha(db)).toBe(before);
  });

  it('round budget is refused after the first notice (exit 3), with or without --yes', () => {
    const db = copyOf(L.objection);
    const before = sha(db);
    for (const extra of [[], ['--yes']]) {
      const r = piped(db, '2022-06-02', ['round', 'budget', 'R1', 'sme-cloud=700000', ...extra]);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(/round R1 has been on public notice since 2022-05-30 \(notice #1\); its budgets can no longer change/);
    }
    expect(sha(db)).toBe(before);
  });

  it('round create with a budget that looks wrong: warned piped (made), asked on a terminal ("no" makes nothing)', () => {
    const args = ['round', 'create', 'R2', '--opens', '2022-03-01', '--closes', '2022-04-30', '--budget', 'sme-cloud=307'];
    const p = copyOf(L.proposed);
    const r = piped(p, '2023-01-01', args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning: the budget of sme-cloud was written "307", which is 307.00 yuan, below 10,000.00; did you mean 307万?');
    for (const send of ['n\r', '\x03']) {
      const db = copyOf(L.proposed);
      const before = sha(db);
      const t = runOnPty(args, { env: env(db, '2023-01-01'), answers: [{ when: '(y/N)', send }] });
      const screen = stripAnsi(t.output);
      expect(screen).toMatch(/did you mean 307万\?/);
      expect(screen).toMatch(/create round R2 with these budgets anyway\?/);
      expect(t.code, screen).toBe(1);
      expect(sha(db)).toBe(before);
    }
    const db = copyOf(L.proposed);
    const t = runOnPty(args, { env: env(db, '2023-01-01'), answers: [{ when: '(y/N)', send: 'y\r' }] });
    expect(t.code, stripAnsi(t.output)).toBe(0);
    // A sound budget asks nothing.
    const q = runOnPty(['round', 'create', 'R3', '--opens', '2022-03-01', '--closes', '2022-04-30', '--budget', 'sme-cloud=307万'], { env: env(db, '2023-01-01'), timeoutSec: 30 });
    expect(q.code, stripAnsi(q.output)).toBe(0);
    expect(stripAnsi(q.output)).not.toMatch(/\(y\/N\)|warning/);
  });

  it('dismissing an objection and a passed acceptance ask nothing', () => {
    const db = copyOf(L.objection);
    expect(piped(db, '2022-06-03', ['objection', 'resolve', '1', '--dismissed', '--note', '无误']).code).toBe(0);
    const f = copyOf(L.filed);
    expect(piped(f, '2022-09-01', ['accept', 'A2', '--date', '2022-09-01', '--result', 'pass', '--actual-investment', '500000']).code).toBe(0);
  });
});
