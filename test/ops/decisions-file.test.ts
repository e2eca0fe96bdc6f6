// review --out and decide --from, called directly: the worksheet of open
// items, filled in, records every decision with its own event naming the file
// and line; a wrong row (named by file, line, column and value) records none.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { RefusedError, UserError } from '../../src/domain/errors.js';
import { check, reviewItems } from '../../src/ops/check.js';
import { decideFromFile, writeReviewSheet } from '../../src/ops/decisions-file.js';
import { makeApp, uscc } from '../../fixtures/check/builders.js';
import { insertApplication } from '../../fixtures/check/ledger.js';
import { ledgerWithRound } from '../helpers.js';
import { eventsOf, opContextFor } from './op-context.js';

/** REV-1 needs review (region); DUP-1/2 need review (duplicate); OK-1 eligible. */
function checked() {
  const l = ledgerWithRound('R1');
  const dup = uscc('91440704', '31415926');
  [
    makeApp({ applicationId: 'OK-1' }),
    makeApp({ applicationId: 'REV-1', district: '台山市', uscc: uscc('91440703', '77777777') }),
    makeApp({ applicationId: 'DUP-1', uscc: dup, district: '江海区', projectName: '云平台建设' }),
    makeApp({ applicationId: 'DUP-2', uscc: dup, district: '江海区', projectName: '云平台建设二期' }),
  ].forEach((a, i) => insertApplication(l.db, a, i + 2));
  const op = opContextFor(l.db);
  check(op, { roundId: 'R1' });
  return { ...l, op };
}

const open = (op: ReturnType<typeof opContextFor>) => reviewItems(op, { roundId: 'R1' }).items.map((i) => `${i.applicationId} ${i.result.rule}`);

async function rejected(p: Promise<unknown>): Promise<UserError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(UserError);
  return e as UserError;
}

describe('review --out, then decide --from', () => {
  it('writes the open items with empty decision and reason; filled in, records each with its own event naming file and line', async () => {
    const { db, dir, op } = checked();
    const sheet = join(dir, '待复核.csv');
    expect(await writeReviewSheet(op, { roundId: 'R1', out: sheet, lang: 'zh' })).toMatchObject({ round: 'R1', items: 3 });
    const lines = readFileSync(sheet, 'utf8').replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('申报编号,企业名称,统一社会信用代码,项目名称,规则,规则名称,核查发现,决定,理由,证据哈希');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 1).concat(l.split(',')[4]).join(' '))).toEqual(['DUP-1 duplicate', 'DUP-2 duplicate', 'REV-1 region']);
    // The officer fills in two of the three, in Excel (the other left empty).
    const filled = [lines[0], ...lines.slice(1).map((l, i) => (i === 2 ? l : l.replace(/,,,([0-9a-f]{64})$/, i === 0 ? ',通过,二期是另一工程,$1' : ',不通过,与一期重复,$1')))];
    writeFileSync(sheet, `\uFEFF${filled.join('\r\n')}\r\n`);
    const r = await decideFromFile(op, { file: sheet, roundId: 'R1' });
    expect(r).toMatchObject({ rows: 3, unchanged: 0, leftOpen: 1 });
    expect(r.decided.map((d) => [d.line, d.applicationId, d.outcome, d.reason, d.status])).toEqual([
      [2, 'DUP-1', 'pass', '二期是另一工程', 'eligible'],
      [3, 'DUP-2', 'fail', '与一期重复', 'ineligible'],
    ]);
    expect(open(op)).toEqual(['REV-1 region']);
    const events = eventsOf(db, 'decide');
    expect(events.map((e) => e.details.source)).toEqual([
      { file: '待复核.csv', line: 2, sha256: r.sha256 },
      { file: '待复核.csv', line: 3, sha256: r.sha256 },
    ]);
    // Run again (nothing changed in the file): nothing recorded twice.
    const again = await decideFromFile(op, { file: sheet });
    expect(again).toMatchObject({ decided: [], unchanged: 2, leftOpen: 1 });
    expect(eventsOf(db, 'decide')).toHaveLength(2);
  });

  it('reads an officer’s own sheet: English or Chinese headers in any order, rule names, GB18030, extra columns', async () => {
    const { dir, op } = checked();
    const file = join(dir, 'decisions.csv');
    writeFileSync(file, iconv.encode('备注,理由,规则,申报编号,决定\r\n无,营业执照在台山,在江门市注册,REV-1,同意\r\n,同一项目,duplicate,DUP-2,fail\r\n', 'gb18030'));
    const r = await decideFromFile(op, { file });
    expect(r.decided.map((d) => [d.applicationId, d.rule, d.outcome, d.reason])).toEqual([
      ['REV-1', 'region', 'pass', '营业执照在台山'],
      ['DUP-2', 'duplicate', 'fail', '同一项目'],
    ]);
  });

  it('refuses the whole file (nothing recorded) for a bad cell, naming file, line, column and value', async () => {
    const { db, dir, op } = checked();
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'application_id,rule,decision,reason\nREV-1,region,pass,ok\nDUP-1,duplicate,maybe,hmm\nDUP-2,no-such-rule,pass,x\nDUP-2,duplicate,fail,\n');
    const e = await rejected(decideFromFile(op, { file }));
    expect(e.exitCode).toBe(2);
    expect(e.text.en).toContain(`${file}:3: column decision (决定): is not a decision`);
    expect(e.text.en).toContain(`${file}:4: column rule (规则): unknown rule`);
    expect(e.text.en).toContain(`${file}:5: column reason (理由): is empty`);
    expect(e.text.zh).toContain(`${file}:3：列 decision（决定）`);
    expect(eventsOf(db, 'decide')).toEqual([]);
    expect(open(op)).toHaveLength(3);
  });

  it('refuses the whole file for a row the ledger refuses: the first rows are rolled back, the line is named', async () => {
    const { db, dir, op } = checked();
    const cases: [string, number, RegExp][] = [
      ['REV-1,region,pass,ok\nOK-1,region,pass,x\n', 3, /:3: rule region of application OK-1 is "pass", not needs-review/],
      ['REV-1,region,pass,ok\nNOPE-9,region,pass,x\n', 2, /:3: .*NOPE-9/],
      ['REV-1,region,pass,ok\nREV-1,region,fail,changed my mind\n', 2, /:3: application REV-1, rule region is already on line 2/],
    ];
    for (const [rows, code, says] of cases) {
      const file = join(dir, `refused-${code}.csv`);
      writeFileSync(file, `application_id,rule,decision,reason\n${rows}`);
      const e = await rejected(decideFromFile(op, { file }));
      expect(e.text.en).toMatch(says);
      if (code === 3) expect(e).toBeInstanceOf(RefusedError);
      expect(eventsOf(db, 'decide')).toEqual([]);
      expect(open(op)).toHaveLength(3);
    }
  });

  it('refuses a clock behind the ledger once, for the whole file, not as the fault of its first line; a file deciding nothing is not refused for it', async () => {
    const { db, dir, op } = checked();
    const file = join(dir, 'decisions.csv');
    writeFileSync(file, 'application_id,rule,decision,reason\nREV-1,region,pass,ok\n');
    const behind = { ...op, now: () => '2000-01-01T00:00:00.000Z' };
    const e = await rejected(decideFromFile(behind, { file }));
    expect(e.exitCode).toBe(3);
    expect(e.text.en).toMatch(/^the clock reads 2000-01-01T00:00:00\.000Z, earlier than/);
    expect(e.text.en).not.toContain(':2:');
    expect(eventsOf(db, 'decide')).toEqual([]);
    writeFileSync(file, 'application_id,rule,decision,reason\nREV-1,region,,\n');
    expect((await decideFromFile(behind, { file })).leftOpen).toBe(1);
  });

  it('refuses a row whose item was checked again since the worksheet was written (its evidence hash)', async () => {
    const { db, dir, op } = checked();
    const file = join(dir, 'stale.csv');
    writeFileSync(file, `application_id,rule,decision,reason,evidence_hash\nREV-1,region,pass,ok,${'0'.repeat(64)}\n`);
    const e = await rejected(decideFromFile(op, { file }));
    expect(e).toBeInstanceOf(RefusedError);
    expect(e.text.en).toMatch(/:2: rule region of application REV-1 was checked again/);
    expect(eventsOf(db, 'decide')).toEqual([]);
  });

  it('refuses a file without the columns, and rows of another round with --round', async () => {
    const { dir, op } = checked();
    const file = join(dir, 'cols.csv');
    writeFileSync(file, 'application_id,decision\nREV-1,pass\n');
    expect((await rejected(decideFromFile(op, { file }))).text.en).toMatch(/missing required columns: rule \(规则\), reason \(理由\)/);
    writeFileSync(file, 'application_id,rule,decision,reason\nREV-1,region,pass,ok\n');
    expect((await rejected(decideFromFile(op, { file, roundId: 'R2' }))).text.en).toMatch(/R2/);
  });
});
