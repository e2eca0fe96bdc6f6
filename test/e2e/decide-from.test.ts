// review --out FILE and decide --from FILE as an officer runs them: the
// worksheet of open items, filled in and given back; usage errors exit 2.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReportLedger, ROUND, type FixtureLedger } from '../../fixtures/report/build-ledger.js';
import { ledgerWithRound, runCli } from '../helpers.js';
import { writeOfficerCsv } from '../../bench/lib/generate.mjs';

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

  it('a worksheet of hundreds: the first 20 decisions listed back, then how many of each; all with --json', async () => {
    const { path, dir, db } = ledgerWithRound('B');
    db.close();
    const file = join(dir, 'applications.csv');
    // An officer's rows: repeated projects and credit-code warnings, which check leaves for review.
    await writeOfficerCsv(file, { rows: 1500, idPrefix: 'SQ' });
    const env = { JMFUND_NOW: '2022-05-05T01:00:00.000Z' };
    expect(runCli(['import', file, '--round', 'B'], { db: path, env }).code).toBe(0);
    expect(runCli(['check', '--round', 'B'], { db: path, env }).code).toBe(1);
    const sheet = join(dir, 'review.csv');
    const items = runCli(['--json', 'review', '--round', 'B', '--out', sheet], { db: path, env }).json<{ items: number }>().items;
    expect(items).toBeGreaterThan(40);
    const [head, ...rows] = readFileSync(sheet, 'utf8').replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    const filled = rows.map((row, i) => row.replace(/,,,([0-9a-f]{64})$/, i % 5 === 4 ? ',fail,核对原件，不符合条件,$1' : ',pass,核对营业执照原件，信息无误,$1'));
    writeFileSync(sheet, `\uFEFF${[head, ...filled].join('\r\n')}\r\n`);
    const fails = rows.filter((_, i) => i % 5 === 4).length;
    const zh = runCli(['decide', '--from', sheet], { db: path, env: { ...env, JMFUND_LANG: 'zh' } });
    expect(zh.code, zh.stderr).toBe(0);
    const lines = zh.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 20).every((l) => /^SQ\d+ \S+：(通过|不通过) — /.test(l)), lines.slice(0, 20).join('\n')).toBe(true);
    expect(lines[20]).toBe(`……共 ${items} 项决定（通过 ${items - fails} 项，不通过 ${fails} 项），上面列出前 20 项；全部见 --json 或 \`jmfund log\`。`);
    expect(lines).toHaveLength(22);
    expect(lines[21]).toContain(`记录决定 ${items} 项`);
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
