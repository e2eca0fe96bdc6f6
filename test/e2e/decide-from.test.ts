// review --out FILE and decide --from FILE as an officer runs them: the
// worksheet of open items, filled in and given back; usage errors exit 2.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReportLedger, ROUND, type FixtureLedger } from '../../fixtures/report/build-ledger.js';
import { runCli } from '../helpers.js';

let L: FixtureLedger;
beforeAll(() => {
  L = buildReportLedger('imported');
  expect(L.run(['check', '--round', ROUND]).code).toBe(1);
}, 300_000);

describe('review --out, decide --from', () => {
  it('writes the worksheet, records the filled-in decisions, and settles the round', () => {
    const sheet = join(L.dir, 'review.csv');
    const w = L.run(['--json', 'review', '--round', ROUND, '--out', sheet]);
    expect(w.code, w.stderr).toBe(0);
    expect(w.json()).toEqual({ round: ROUND, file: sheet, items: 1 });
    const [head, row] = readFileSync(sheet, 'utf8').replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(head).toBe('application_id,enterprise,uscc,project,rule,rule_name,finding,decision,reason,evidence_hash');
    expect(row).toMatch(/^R013,.*,legal-person,.*,,,[0-9a-f]{64}$/);
    writeFileSync(sheet, `${head}\r\n${row.replace(/,,,([0-9a-f]{64})$/, ',fail,分公司不具备独立法人资格,$1')}\r\n`);
    // Not twice: --out refuses an existing file without --force.
    expect(L.run(['review', '--round', ROUND, '--out', sheet]).code).toBe(2);
    const d = L.run(['--json', 'decide', '--from', sheet, '--round', ROUND]);
    expect(d.code, d.stderr).toBe(0);
    expect(d.json()).toMatchObject({ rows: 1, unchanged: 0, left_open: 0, decided: [{ line: 2, application_id: 'R013', rule: 'legal-person', outcome: 'fail', status: 'ineligible' }] });
    const again = L.run(['decide', '--from', sheet]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('0 decisions recorded (officer 王科员), 1 already so decided, 0 left open');
    const zh = runCli(['decide', '--from', sheet], { env: { ...L.env, JMFUND_LANG: 'zh' } });
    expect(zh.stdout).toContain('记录决定 0 项（经办人 王科员），已有相同决定 1 项，留空未决定 0 项');
    expect(L.run(['--json', 'review', '--round', ROUND, '--out', join(L.dir, 'none.csv')]).json()).toMatchObject({ items: 0 });
  });

  it('usage errors: --from with an application or --pass, neither --from nor application (exit 2)', () => {
    expect(L.run(['decide', 'R013', 'legal-person', '--from', 'x.csv']).code).toBe(2);
    expect(L.run(['decide', '--from', 'x.csv', '--pass']).code).toBe(2);
    const none = L.run(['decide']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('give the application and the rule (or --from FILE)');
    const missing = L.run(['decide', '--from', join(L.dir, 'no-such.csv')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no-such.csv');
  });
});
