// Amounts a fund can have, exact at any size (issue 15): every category's
// budget at the money limit (1,000,000,000,000.00 yuan) and 120 awards of
// category other at the limit, filed, accepted, paid, partly clawed back and
// recovered — sums far past 2^53 fen. status --json and every report, in
// every format, give the exact sums, and one sum agrees with another.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_MONEY_FEN, formatYuan } from '../../src/domain/money.js';
import { REPORT_FORMATS } from '../../src/domain/reports/model.js';
import { writeJson } from '../../src/cli/json-stream.js';
import { accept } from '../../src/ops/acceptance.js';
import { allocate } from '../../src/ops/allocate.js';
import { showApplication } from '../../src/ops/applications.js';
import { orderClawback, recover } from '../../src/ops/clawbacks.js';
import { finalize, setAward } from '../../src/ops/filing.js';
import { publicize } from '../../src/ops/notice.js';
import { disburse } from '../../src/ops/payments.js';
import { writeRoundReport } from '../../src/ops/reports.js';
import { roundStatus } from '../../src/ops/status.js';
import { verifyLedger } from '../../src/ops/verify.js';
import { lifecycleLedger } from '../../fixtures/lifecycle/seed.js';
import type { AppSpec } from '../ledger/allocation-fixtures.js';

const LIMIT_YUAN = MAX_MONEY_FEN / 100;
const N = 120;

describe('money at the limit sizes', () => {
  it('sums past 2^53 fen stay exact in status --json and in every report and format', async () => {
    const others: AppSpec[] = Array.from({ length: N }, (_, i) => ({ id: `O${String(i).padStart(3, '0')}`, category: 'other', requested: LIMIT_YUAN, investment: LIMIT_YUAN, score: null, state: 'eligible' }));
    const apps: AppSpec[] = [{ id: 'S1', category: 'sme-cloud', requested: 500_000, investment: 1_000_000, score: 90, state: 'scored' }, ...others];
    // Every competitive category's budget at the limit; other has none, so its awards are bounded only by each request.
    const budgets = Object.fromEntries(['benchmark-enterprise', 'benchmark-platform', 'sme-cloud', 'cluster-pilot', 'talent-training'].map((k) => [k, MAX_MONEY_FEN]));
    const { db, dir, path } = lifecycleLedger(budgets, apps);
    let day = '2022-05-19';
    const op = { db, officer: 'tester', now: () => `${day}T08:00:00.000Z`, today: () => day };
    for (const a of others) setAward(op, { applicationId: a.id, amountFen: MAX_MONEY_FEN, basis: '江府办〔2022〕12号', on: day });
    day = '2022-05-20';
    allocate(op, { roundId: 'R1' });
    const notice = await publicize(op, { roundId: 'R1', from: '2022-05-20', days: 7, listFile: null });
    day = '2022-05-27';
    const filing = finalize(op, { roundId: 'R1', filedOn: '2022-05-27' });
    const big = BigInt(N) * BigInt(MAX_MONEY_FEN);
    const sme = 50_000_000; // S1: 500,000 yuan
    // The notice's and the filing's totals are exact too.
    expect(notice.totalFen).toBe(big + BigInt(sme));
    expect(filing.filing.total_fen).toBe(big + BigInt(sme));
    day = '2022-09-01';
    for (const a of others) {
      accept(op, { applicationId: a.id, on: day, result: 'pass', actualInvestmentFen: MAX_MONEY_FEN, events: null, trainees: null, note: null });
      disburse(op, { applicationId: a.id, amountFen: MAX_MONEY_FEN, paidOn: day, voucher: null });
    }
    orderClawback(op, { applicationId: 'O000', amountFen: MAX_MONEY_FEN, reason: '审计', on: day });
    recover(op, { applicationId: 'O000', amountFen: MAX_MONEY_FEN - 1, recoveredOn: day, voucher: null });

    const s = roundStatus(op, { roundId: 'R1' });
    expect(s.notices.map((n) => n.total_fen)).toEqual([big + BigInt(sme)]);
    expect(s.money).toEqual({
      budget_fen: 5 * MAX_MONEY_FEN,
      allocated_fen: big + BigInt(sme),
      filed_fen: big + BigInt(sme),
      final_fen: big + BigInt(sme),
      paid_fen: big,
      clawback_due_fen: MAX_MONEY_FEN,
      recovered_fen: MAX_MONEY_FEN - 1,
      outstanding_fen: 1,
      net_paid_fen: big - BigInt(MAX_MONEY_FEN - 1),
    });
    expect(s.states.disbursed).toEqual({ count: N - 1, amount_fen: BigInt(N - 1) * BigInt(MAX_MONEY_FEN) });
    // --json writes the exact integers.
    let out = '';
    writeJson(s, undefined, (t) => (out += t));
    expect(out).toContain(`"allocated_fen":${big + BigInt(sme)}`);
    expect(out).toContain(`"net_paid_fen":${big - BigInt(MAX_MONEY_FEN - 1)}`);
    expect(showApplication(op, { id: 'O000' })).toMatchObject({ award_fen: MAX_MONEY_FEN, money: { paid_fen: MAX_MONEY_FEN, outstanding_fen: 1 } });

    const allocatedYuan = formatYuan(big + BigInt(sme));
    expect(allocatedYuan).toBe('120,000,000,500,000.00');
    for (const kind of ['fund-usage', 'awards', 'performance', 'audit']) {
      for (const format of REPORT_FORMATS) {
        if (format === 'xlsx') {
          const path = join(dir, `${kind}.xlsx`);
          const r = await writeRoundReport(op, { kind, roundId: 'R1', format, out: path, lang: 'en' });
          expect('bytes' in r && r.bytes > 0).toBe(true);
          expect(readFileSync(path).subarray(0, 2).toString()).toBe('PK');
          continue;
        }
        const r = await writeRoundReport(op, { kind, roundId: 'R1', format, lang: 'en' });
        if (!('content' in r)) throw new Error('expected text');
        // Category other's sum is in every report; the round's in all but the awards list (which sums by category).
        const other = format === 'json' ? String(big) : format === 'csv' ? '120000000000000.00' : '120,000,000,000,000.00';
        expect(r.content, `${kind} ${format}`).toContain(other);
        const all = format === 'json' ? String(big + BigInt(sme)) : format === 'csv' ? '120000000500000.00' : allocatedYuan;
        if (kind !== 'awards') expect(r.content, `${kind} ${format}`).toContain(all);
      }
    }
    // fund-usage JSON: the totals row is status's money, exactly.
    const fu = await writeRoundReport(op, { kind: 'fund-usage', roundId: 'R1', format: 'json', lang: 'en' });
    if (!('content' in fu)) throw new Error('expected text');
    const totals = /"id": "totals"[\s\S]*?"rows": \[\s*(\{[\s\S]*?\})/.exec(fu.content)?.[1] ?? '';
    for (const [k, v] of Object.entries(s.money)) expect(totals).toContain(`"${k.replace(/_fen$/, '')}":${String(v)}`);
    // verify compares the filing's total with its items exactly, and finds nothing wrong.
    const v = await verifyLedger(path);
    expect(v.problems.map((p) => `${p.check} ${p.message.en}`)).toEqual([]);
  }, 120_000);
});
