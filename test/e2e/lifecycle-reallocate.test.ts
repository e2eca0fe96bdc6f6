// Re-allocation after an upheld objection, through the real `allocate`
// command: the reserve list takes only the freed money, awards on notice stay
// on their notice, and only the changed award goes on a new one (SPEC §8, §9).
import { describe, expect, it } from 'vitest';
import { fen, lifecycleLedger } from '../../fixtures/lifecycle/seed.js';
import { stateSql } from '../../src/ledger/states.js';
import { runCli } from '../helpers.js';

type Json = Record<string, unknown>;

describe('re-allocation after an upheld objection', () => {
  it('fills the freed money from the reserve list and publicizes only the change', () => {
    const { db, path } = lifecycleLedger();
    // Piped: the irreversible commands are confirmed with --yes.
    const run = (day: string, args: string[]) => runCli([...args, '--json', '--yes'], { db: path, env: { JMFUND_NOW: day } });
    const ok = (day: string, args: string[]): Json => {
      const r = run(day, args);
      if (r.code !== 0) throw new Error(`${args.join(' ')} exited ${r.code}: ${r.stderr}`);
      return r.json<Json>();
    };
    const states = () => Object.fromEntries((db.prepare(`SELECT a.application_id, ${stateSql(db, 'a')} AS state FROM applications a WHERE a.category = 'sme-cloud' ORDER BY a.application_id`).all() as { application_id: string; state: string }[]).map((r) => [r.application_id, r.state]));

    ok('2022-05-20', ['allocate', '--round', 'R1']);
    expect(states()).toEqual({ A1: 'proposed', A2: 'proposed', A3: 'proposed', A4: 'not-funded', A5: 'not-funded' });
    const n1 = ok('2022-05-30', ['publicize', '--round', 'R1', '--from', '2022-05-30']);
    expect((n1.applications as Json[]).map((a) => a.application_id)).toEqual(['A1', 'A2', 'A3', 'T1']);

    ok('2022-06-02', ['objection', 'add', 'A2', '--received', '2022-06-02', '--from', '江门市某公司（盖章）', '--text', '申报投入虚报']);
    ok('2022-06-03', ['objection', 'resolve', '1', '--upheld', '--note', '核实属实，撤销']);
    expect(states().A2).toBe('withdrawn');

    ok('2022-06-04', ['allocate', '--round', 'R1']);
    expect(states()).toEqual({ A1: 'in-notice', A2: 'withdrawn', A3: 'in-notice', A4: 'proposed', A5: 'not-funded' });
    const awards = Object.fromEntries(
      (db.prepare("SELECT application_id, award_fen FROM allocation_lines WHERE round_id = 'R1' AND version = 2 AND category = 'sme-cloud'").all() as { application_id: string; award_fen: number }[]).map((r) => [r.application_id, r.award_fen]),
    );
    expect(awards).toEqual({ A1: fen(300_000), A2: 0, A3: fen(100_000), A4: fen(150_000), A5: 0 });

    const n2 = ok('2022-06-04', ['publicize', '--round', 'R1', '--from', '2022-06-04']);
    expect(n2).toMatchObject({ notice_id: 2, allocation_version: 2, through: '2022-06-10' });
    expect((n2.applications as Json[]).map((a) => a.application_id)).toEqual(['A4']);

    const early = run('2022-06-10', ['finalize', '--round', 'R1']);
    expect(early.code).toBe(3);
    const filed = ok('2022-06-11', ['finalize', '--round', 'R1']);
    expect(filed).toMatchObject({ count: 4, total_fen: fen(300_000 + 100_000 + 150_000 + 800_000) });
    const status = ok('2022-06-11', ['status', '--round', 'R1']);
    expect(status.states).toMatchObject({ filed: { count: 4, amount_fen: fen(1_350_000) }, withdrawn: { count: 1, amount_fen: 0 } });

    // After acceptance, payment and a clawback the ledger still verifies.
    ok('2022-09-01', ['accept', 'A1', '--date', '2022-09-01', '--result', 'pass', '--actual-investment', '1000000']);
    ok('2022-09-02', ['disburse', 'A1', '--amount', '300000', '--date', '2022-09-02']);
    ok('2022-10-01', ['clawback', 'A1', '--amount', '100000', '--reason', '审计发现部分支出不合规']);
    ok('2022-10-02', ['clawback', 'recover', 'A1', '--amount', '100000', '--date', '2022-10-02']);
    const verify = runCli(['verify'], { db: path, env: { JMFUND_NOW: '2022-10-02' } });
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });
});
