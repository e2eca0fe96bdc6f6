// e2e: the built binary against a real ledger — check, --json, decide,
// re-check keeping the decision, changed evidence sending it back, review.
import { beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { RULE_IDS } from '../../src/domain/eligibility.js';
import { makeApp, uscc } from '../../fixtures/check/builders.js';
import { insertApplication, insertPriorFunding } from '../../fixtures/check/ledger.js';
import { ledgerWithRound, runCli } from '../helpers.js';
import { runOnPty, stripAnsi } from '../pty.js';

interface CheckJson {
  round: string;
  as_of: string;
  applications: {
    application_id: string;
    status: string;
    results: { rule: string; outcome: string; article: string; reason: string; decided_by: string | null }[];
  }[];
}

function scenario(): string {
  const { db, path } = ledgerWithRound('R1');
  const dup = uscc('91440704', '31415926');
  const apps = [
    makeApp({ applicationId: 'OK-1' }),
    makeApp({ applicationId: 'BAD-1', readyToImplement: false, uscc: uscc('92440703', '10000001') }),
    makeApp({ applicationId: 'REV-1', district: '台山市', uscc: uscc('91440703', '77777777') }),
    makeApp({ applicationId: 'DUP-1', uscc: dup, district: '江海区', projectName: '云平台建设' }),
    makeApp({ applicationId: 'DUP-2', uscc: dup, district: '江海区', projectName: '云平台建设二期' }),
    makeApp({ applicationId: 'PF-1', uscc: uscc('91440705', '24681357'), district: '新会区', projectName: '注塑车间联网改造' }),
  ];
  apps.forEach((a, i) => insertApplication(db, a, i + 2));
  insertPriorFunding(db, { uscc: apps[5].uscc, projectName: '注塑车间联网改造一期', program: '省级技改资金', year: 2019, line: 5 });
  db.close();
  return path;
}

const cli = (path: string, args: string[], env: Record<string, string> = {}) => runCli(args, { db: path, env });
const result = (j: CheckJson, app: string, rule: string) => j.applications.find((a) => a.application_id === app)?.results.find((r) => r.rule === rule);

describe('jmfund check', () => {
  let path: string;
  beforeAll(() => {
    path = scenario();
  });

  it('prints a summary by status and by rule and the problem applications; exit 1 while review remains', () => {
    const r = cli(path, ['check', '--round', 'R1']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('By status');
    expect(r.stdout).toMatch(/eligible\t1/);
    expect(r.stdout).toMatch(/ineligible\t1/);
    expect(r.stdout).toMatch(/needs-review\t4/);
    expect(r.stdout).toContain('By rule');
    expect(r.stdout).toMatch(/duplicate\tArt\. 10\t0\t2\t0/);
    expect(r.stdout).toMatch(/legal-person\tArt\. 9\(1\)\t1\t0\t0/);
    expect(r.stdout).toContain('Problem applications');
    expect(r.stdout).toContain('BAD-1');
    expect(r.stdout).not.toMatch(/^OK-1/m);
    expect(r.stdout).toContain('jmfund decide');
  });

  it('--json: every application and every rule, reasons in the chosen language', () => {
    const r = cli(path, ['check', '--round', 'R1', '--json']);
    expect(r.code).toBe(1);
    const j = r.json<CheckJson>();
    expect(Object.keys(j).sort()).toEqual(['applications', 'as_of', 'round']);
    expect(j.round).toBe('R1');
    expect(j.as_of).toBe('2022-04-30');
    expect(j.applications.map((a) => [a.application_id, a.status])).toEqual([
      ['BAD-1', 'ineligible'],
      ['DUP-1', 'needs-review'],
      ['DUP-2', 'needs-review'],
      ['OK-1', 'eligible'],
      ['PF-1', 'needs-review'],
      ['REV-1', 'needs-review'],
    ]);
    for (const a of j.applications) {
      expect(a.results.map((x) => x.rule)).toEqual([...RULE_IDS]);
      for (const x of a.results) {
        expect(Object.keys(x).sort()).toEqual(['article', 'decided_by', 'outcome', 'reason', 'rule']);
        expect(['pass', 'fail', 'needs-review']).toContain(x.outcome);
        expect(x.decided_by).toBeNull();
      }
    }
    expect(result(j, 'BAD-1', 'legal-person')).toMatchObject({ outcome: 'fail', article: '9(1)' });
    expect(result(j, 'BAD-1', 'legal-person')?.reason).toContain('92 (individual business)');
    expect(result(j, 'REV-1', 'region')?.reason).toContain('440703');
    expect(result(j, 'PF-1', 'no-other-funding')?.reason).toContain('prior.csv line 5');
    const zh = cli(path, ['check', '--round', 'R1', '--json', '--lang', 'zh']).json<CheckJson>();
    expect(result(zh, 'BAD-1', 'legal-person')?.reason).toContain('个体工商户');
  });

  it('--as-of changes the as-of date; a bad date or unknown round is exit 2', () => {
    expect(cli(path, ['check', '--round', 'R1', '--json', '--as-of', '2022/5/31']).json<CheckJson>().as_of).toBe('2022-05-31');
    const bad = cli(path, ['check', '--round', 'R1', '--as-of', '2022-02-30']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--as-of');
    expect(cli(path, ['check', '--round', 'NOPE']).code).toBe(2);
  });

  it('decide refuses: no reason, blank reason, both or neither flag, unknown rule (exit 2), a rule that is not needs-review (exit 3)', () => {
    const noReason = cli(path, ['decide', 'REV-1', 'region', '--pass']);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('reason');
    expect(cli(path, ['decide', 'REV-1', 'region', '--pass', '--reason', '   ']).code).toBe(2);
    expect(cli(path, ['decide', 'REV-1', 'region', '--pass', '--fail', '--reason', 'x']).code).toBe(2);
    expect(cli(path, ['decide', 'REV-1', 'region', '--reason', 'x']).code).toBe(2);
    expect(cli(path, ['decide', 'REV-1', 'regio', '--pass', '--reason', 'x']).code).toBe(2);
    expect(cli(path, ['decide', 'NOPE', 'region', '--pass', '--reason', 'x']).code).toBe(2);
    const notReview = cli(path, ['decide', 'OK-1', 'region', '--fail', '--reason', 'x']);
    expect(notReview.code).toBe(3);
    expect(notReview.stderr).toContain('not needs-review');
    const db = new Database(path, { readonly: true });
    expect((db.prepare("SELECT count(*) AS n FROM events WHERE command = 'decide'").get() as { n: number }).n).toBe(0);
    db.close();
  });

  it('review without a terminal is exit 2 and points to decide', () => {
    const r = cli(path, ['review', '--round', 'R1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('jmfund decide');
  });

  it('decide settles items; re-check keeps the decisions; exit 0 when nothing is left', () => {
    const d = cli(path, ['decide', 'REV-1', 'region', '--pass', '--reason', 'business licence address is in Taishan', '--json'], { JMFUND_OFFICER: '李工' });
    expect(d.code).toBe(0);
    expect(d.json()).toMatchObject({ application_id: 'REV-1', rule: 'region', outcome: 'pass', decided_by: '李工', status: 'eligible' });
    expect(cli(path, ['decide', 'DUP-1', 'duplicate', '--pass', '--reason', 'phase 2 is a different build']).code).toBe(0);
    expect(cli(path, ['decide', 'DUP-2', 'duplicate', '--fail', '--reason', 'repeats DUP-1']).code).toBe(0);
    expect(cli(path, ['decide', 'PF-1', 'no-other-funding', '--pass', '--reason', 'phase 1 is another project']).code).toBe(0);

    const r = cli(path, ['check', '--round', 'R1', '--json']);
    expect(r.code).toBe(0);
    const j = r.json<CheckJson>();
    expect(result(j, 'REV-1', 'region')).toMatchObject({ outcome: 'pass', decided_by: '李工' });
    expect(result(j, 'REV-1', 'region')?.reason).toContain('business licence address is in Taishan');
    expect(result(j, 'DUP-2', 'duplicate')).toMatchObject({ outcome: 'fail', decided_by: 'test-officer' });
    expect(j.applications.find((a) => a.application_id === 'DUP-2')?.status).toBe('ineligible');
    expect(j.applications.filter((a) => a.status === 'needs-review')).toEqual([]);

    const human = cli(path, ['check', '--round', 'R1']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('kept 4 officer decision(s)');

    const db = new Database(path, { readonly: true });
    const ev = db.prepare("SELECT officer, app_ids, details FROM events WHERE command = 'decide' ORDER BY seq").all() as { officer: string; app_ids: string; details: string }[];
    db.close();
    expect(ev).toHaveLength(4);
    expect(ev[0].officer).toBe('李工');
    expect(JSON.parse(ev[0].app_ids)).toEqual(['REV-1']);
    expect(JSON.parse(ev[0].details)).toMatchObject({ rule: 'region', outcome: 'pass', reason: 'business licence address is in Taishan' });
  });

  it('changed evidence sends the item back to review, and the output says why', () => {
    const db = new Database(path);
    db.prepare("UPDATE applications SET district = '开平市' WHERE application_id = 'REV-1'").run();
    db.close();
    const human = cli(path, ['check', '--round', 'R1']);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain('Decisions that no longer apply');
    expect(human.stdout).toContain('台山市 → 开平市');

    const j = cli(path, ['check', '--round', 'R1', '--json']).json<CheckJson>();
    expect(result(j, 'REV-1', 'region')).toMatchObject({ outcome: 'needs-review', decided_by: null });
    expect(result(j, 'REV-1', 'region')?.reason).toContain('no longer applies because the evidence changed');
    expect(j.applications.find((a) => a.application_id === 'REV-1')?.status).toBe('needs-review');
    // the other decisions stand
    expect(result(j, 'DUP-1', 'duplicate')?.decided_by).toBe('test-officer');

    // a re-imported side list with a different row reopens the prior-funding decision
    const db2 = new Database(path);
    db2
      .prepare("INSERT INTO prior_funding (uscc, project_name, program, amount_fen, year, source_file, source_line, row_hash) VALUES (?, '注塑车间联网改造二期', '市级专项', NULL, 2021, 'prior2.csv', 2, 'h2')")
      .run(uscc('91440705', '24681357'));
    db2.close();
    const j2 = cli(path, ['check', '--round', 'R1', '--json']).json<CheckJson>();
    expect(result(j2, 'PF-1', 'no-other-funding')).toMatchObject({ outcome: 'needs-review', decided_by: null });
    expect(result(j2, 'PF-1', 'no-other-funding')?.reason).toContain('prior2.csv line 2');
  });
});

describe('jmfund review on a terminal', () => {
  it('records each decision as it is made (through decide), skips, and a quit keeps what was decided', () => {
    const path = scenario();
    expect(cli(path, ['check', '--round', 'R1']).code).toBe(1);
    const down = '\u001b[B';
    const r = runOnPty(['review', '--round', 'R1'], {
      env: { JMFUND_DB: path, JMFUND_LANG: 'en', JMFUND_OFFICER: '李工', NO_COLOR: '1' },
      answers: [
        { when: '[1/4] DUP-1', send: '\r' },
        { when: 'reason (logged', send: 'phase 2 is a different build\r' },
        { when: '[2/4] DUP-2', send: `${down}${down}\r` },
        { when: '[3/4] PF-1', send: `${down}${down}${down}\r` },
      ],
      timeoutSec: 30,
    });
    const out = stripAnsi(r.output);
    expect(r.code, out).toBe(1);
    expect(out).toContain('DUP-1 duplicate: pass — phase 2 is a different build');
    expect(out).toContain('decided 1, skipped 1, 3 still need review.');
    const db = new Database(path, { readonly: true });
    const ev = db.prepare("SELECT officer, app_ids, details FROM events WHERE command = 'decide'").all() as { officer: string; app_ids: string; details: string }[];
    db.close();
    expect(ev.map((e) => [e.officer, JSON.parse(e.app_ids), JSON.parse(e.details).reason])).toEqual([['李工', ['DUP-1'], 'phase 2 is a different build']]);
  });
});

describe('check of a round with many problems', () => {
  it('lists the first 200 problem rows and says where the rest are; --all and --json list every one', () => {
    const { db, path } = ledgerWithRound('R1');
    // 260 phases of one project of one enterprise: each name is similar to the others (a repeat: needs review).
    const same = uscc('91440704', '27182818');
    for (let i = 0; i < 260; i++) insertApplication(db, makeApp({ applicationId: `M-${String(i).padStart(3, '0')}`, uscc: same, district: '江海区', projectName: `车间联网改造${i + 1}期` }), i + 2);
    db.close();
    const r = cli(path, ['check', '--round', 'R1']);
    expect(r.code, r.stderr).toBe(1);
    const rows = r.stdout.split('\n').filter((l) => /\bM-\d{3}\b/.test(l) && !l.includes('the first'));
    expect(rows.length).toBe(200);
    expect(r.stdout).toContain('the first 200 rows are shown (260 application(s) have problems)');
    expect(r.stdout).toContain('jmfund check --round R1 --all');
    const zh = cli(path, ['--lang', 'zh', 'check', '--round', 'R1']);
    expect(zh.stdout).toContain('只列出前 200 条（有问题的申报共 260 件）');
    const all = cli(path, ['check', '--round', 'R1', '--all']);
    expect(all.stdout.split('\n').filter((l) => /\bM-\d{3}\b/.test(l)).length).toBeGreaterThanOrEqual(260);
    expect(all.stdout).not.toContain('the first 200 rows');
    expect(cli(path, ['--json', 'check', '--round', 'R1']).json<CheckJson>().applications).toHaveLength(260);
  });
});
