// One money story, through the built binary (issue 15): a fixture round taken
// through a manual award, allocation, notice, an upheld objection and
// re-allocation, filing, acceptance lowering one award and failing another,
// payments, a clawback and a partial recovery. status --json, report
// fund-usage / awards / audit --format json and applications show --json for
// every application then tell the same amounts under the same words, equal to
// amounts worked out by hand from the story. Limits: award set above the
// request (exit 3) and a budget above the money limit (exit 2).
import { describe, expect, it } from 'vitest';
import { fen, lifecycleLedger } from '../../fixtures/lifecycle/seed.js';
import { runCli } from '../helpers.js';

type Json = Record<string, unknown>;
type Row = Record<string, unknown>;
interface ReportJson {
  sections: { id: string; columns: { key: string }[]; rows: Row[] }[];
  charts: { id: string; title: string; bars: { label: string; fen: number }[] }[];
}

const WORDS = ['budget', 'allocated', 'filed', 'final', 'paid', 'clawback_due', 'recovered', 'outstanding', 'net_paid'] as const;
type Word = (typeof WORDS)[number];
const money = (m: Partial<Record<Word, number>>): Record<Word, number> => ({ budget: 0, allocated: 0, filed: 0, final: 0, paid: 0, clawback_due: 0, recovered: 0, outstanding: 0, net_paid: 0, ...m });
const asFen = (m: Record<Word, number>, budget: number | null) => ({ ...Object.fromEntries(WORDS.map((w) => [`${w}_fen`, m[w]])), budget_fen: budget });

/**
 * Worked out by hand. sme-cloud (budget 600,000): A1 300,000, A2 200,000 and
 * A3 100,000 on notice; A2's objection is upheld, and the re-allocation gives
 * the freed money to A4 (150,000; A5's 120,000 no longer fits). At acceptance
 * A1 is lowered to 80 % of its actual investment of 300,000 = 240,000, A3
 * fails, A4 waits. A1 is paid 240,000, 100,000 is ordered back and 60,000
 * recovered. talent-training: T1 800,000, accepted in full, paid 500,000.
 * other (no budget): O1 set at 400,000 by an officer, accepted, paid in full.
 */
const APPS: Record<string, { state: string; award: number; money: Record<Word, number> }> = {
  A1: { state: 'clawback-due', award: fen(240_000), money: money({ allocated: fen(300_000), filed: fen(300_000), final: fen(240_000), paid: fen(240_000), clawback_due: fen(100_000), recovered: fen(60_000), outstanding: fen(40_000), net_paid: fen(180_000) }) },
  A2: { state: 'withdrawn', award: 0, money: money({}) },
  A3: { state: 'rejected-at-acceptance', award: 0, money: money({ allocated: fen(100_000), filed: fen(100_000) }) },
  A4: { state: 'filed', award: fen(150_000), money: money({ allocated: fen(150_000), filed: fen(150_000), final: fen(150_000) }) },
  A5: { state: 'not-funded', award: 0, money: money({}) },
  T1: { state: 'disbursed', award: fen(800_000), money: money({ allocated: fen(800_000), filed: fen(800_000), final: fen(800_000), paid: fen(500_000), net_paid: fen(500_000) }) },
  O1: { state: 'disbursed', award: fen(400_000), money: money({ allocated: fen(400_000), filed: fen(400_000), final: fen(400_000), paid: fen(400_000), net_paid: fen(400_000) }) },
};
const CATEGORY_OF: Record<string, string> = { A1: 'sme-cloud', A2: 'sme-cloud', A3: 'sme-cloud', A4: 'sme-cloud', A5: 'sme-cloud', T1: 'talent-training', O1: 'other' };
const BUDGETS: Record<string, number | null> = { 'sme-cloud': fen(600_000), 'talent-training': fen(1_000_000), other: null };

function sumOf(ids: string[], budget: number | null): Record<Word, number> {
  const t = money({ budget: budget ?? 0 });
  for (const id of ids) for (const w of WORDS) if (w !== 'budget') t[w] += APPS[id].money[w];
  return t;
}

describe('one money story through the binary', () => {
  it('status, fund-usage, awards, audit and applications show agree to the fen with the story worked out by hand', () => {
    const { db, path } = lifecycleLedger();
    db.close();
    const run = (day: string, args: string[], lang = 'en') => runCli(args, { db: path, env: { JMFUND_NOW: day, JMFUND_LANG: lang } });
    const ok = (day: string, args: string[]): Json => {
      const r = run(day, [...args, '--json']);
      if (r.code !== 0) throw new Error(`${args.join(' ')} exited ${r.code}: ${r.stderr}`);
      return r.json<Json>();
    };

    // award set above the request: refused, naming the limit; above the money limit: a usage error naming it.
    const over = run('2022-05-19', ['award', 'set', 'O1', '--amount', '500001', '--basis', '江府办〔2022〕12号', '--yes']);
    expect(over.code).toBe(3);
    expect(over.stderr).toContain("requested amount of 500,000.00 yuan");
    const huge = run('2022-05-19', ['award', 'set', 'O1', '--amount', '90,000,000,000,000', '--basis', '江府办〔2022〕12号', '--yes']);
    expect(huge.code).toBe(2);
    expect(huge.stderr).toContain('1,000,000,000,000.00');
    const budget = run('2022-05-19', ['allocate', '--round', 'R1', '--dry-run', '--budget', 'sme-cloud=90,071,992,547,409.91']);
    expect(budget.code).toBe(2);
    expect(budget.stderr).toContain('90,071,992,547,409.91');
    expect(budget.stderr).toContain('1,000,000,000,000.00');

    ok('2022-05-19', ['award', 'set', 'O1', '--amount', '400000', '--basis', '江府办〔2022〕12号', '--yes']);
    ok('2022-05-20', ['allocate', '--round', 'R1']);
    ok('2022-05-30', ['publicize', '--round', 'R1', '--from', '2022-05-30', '--yes']);
    ok('2022-06-02', ['objection', 'add', 'A2', '--received', '2022-06-02', '--from', '江门市某公司（盖章）', '--text', '申报投入虚报']);
    ok('2022-06-03', ['objection', 'resolve', '1', '--upheld', '--note', '核实属实，撤销', '--yes']);
    ok('2022-06-04', ['allocate', '--round', 'R1']);
    ok('2022-06-04', ['publicize', '--round', 'R1', '--from', '2022-06-04', '--yes']);
    const filed = ok('2022-06-11', ['finalize', '--round', 'R1', '--yes']);
    expect(filed).toMatchObject({ count: 5, total_fen: fen(300_000 + 100_000 + 150_000 + 800_000 + 400_000) });
    ok('2022-09-01', ['accept', 'A1', '--date', '2022-09-01', '--result', 'pass', '--actual-investment', '300000']);
    ok('2022-09-01', ['accept', 'A3', '--date', '2022-09-01', '--result', 'fail', '--actual-investment', '0', '--note', '未按期实施', '--yes']);
    ok('2022-09-01', ['accept', 'T1', '--date', '2022-09-01', '--result', 'pass', '--actual-investment', '1000000', '--events', '12', '--trainees', '600']);
    ok('2022-09-01', ['accept', 'O1', '--date', '2022-09-01', '--result', 'pass', '--actual-investment', '2000000']);
    ok('2022-09-10', ['disburse', 'A1', '--amount', '240000', '--date', '2022-09-10']);
    ok('2022-09-10', ['disburse', 'T1', '--amount', '500000', '--date', '2022-09-10']);
    ok('2022-09-10', ['disburse', 'O1', '--amount', '400000', '--date', '2022-09-10']);
    ok('2022-10-01', ['clawback', 'A1', '--amount', '100000', '--reason', '审计发现部分支出不合规', '--yes']);
    ok('2022-10-02', ['clawback', 'recover', 'A1', '--amount', '60000', '--date', '2022-10-02']);

    const day = '2022-10-03';
    const cats = Object.keys(BUDGETS);
    const round = sumOf(Object.keys(APPS), null);
    const catSums = Object.fromEntries(cats.map((k) => [k, sumOf(Object.keys(APPS).filter((id) => CATEGORY_OF[id] === k), BUDGETS[k])]));
    expect(round).toMatchObject({ allocated: fen(1_750_000), filed: fen(1_750_000), final: fen(1_590_000), paid: fen(1_140_000), clawback_due: fen(100_000), recovered: fen(60_000), outstanding: fen(40_000), net_paid: fen(1_080_000) });

    // 1. applications show --json: award_fen and the money object of each application.
    for (const [id, want] of Object.entries(APPS)) {
      const a = ok(day, ['applications', 'show', id]);
      expect({ id, state: a.state, award_fen: a.award_fen, money: a.money }).toEqual({ id, state: want.state, award_fen: want.award, money: asFen(want.money, null) });
    }

    // 2. status --json: one money object for the round, one per category.
    const status = ok(day, ['status', '--round', 'R1']) as Json & { money: Json; categories: { category: string; money: Json }[]; states: Record<string, { count: number; amount_fen: number }> };
    const budgets = status.categories.reduce((t, c) => t + ((c.money.budget_fen as number | null) ?? 0), 0);
    expect(status.money).toEqual(asFen(round, budgets));
    for (const k of cats) expect(status.categories.find((c) => c.category === k)?.money).toEqual(asFen(catSums[k], BUDGETS[k]));
    expect(status.categories.find((c) => c.category === 'sme-cloud')?.money.budget_fen).toBe(fen(600_000));
    expect(status.states['clawback-due']).toEqual({ count: 1, amount_fen: fen(240_000) });
    expect(status.states.disbursed).toEqual({ count: 2, amount_fen: fen(1_200_000) });
    for (const old of ['awarded_fen', 'filed_fen', 'paid_fen', 'clawed_back_fen', 'clawback_due_fen', 'recovered_fen']) expect(status).not.toHaveProperty(old);

    // 3. report fund-usage --format json: the same words as keys, in fen.
    const fu = ok(day, ['report', 'fund-usage', '--round', 'R1', '--format', 'json']) as unknown as ReportJson;
    const totals = fu.sections.find((s) => s.id === 'totals')!;
    expect(totals.columns.map((c) => c.key)).toEqual([...WORDS]);
    expect(totals.rows).toEqual([{ ...round, budget: budgets }]);
    const byCat = fu.sections.find((s) => s.id === 'by-category')!.rows;
    // Each category by its key (as in status), its name beside it.
    const row = (k: string) => byCat.find((r) => r.category === k);
    expect(row('sme-cloud')).toEqual({ category: 'sme-cloud', category_label: 'SMEs onto the cloud and platforms', ...catSums['sme-cloud'] });
    expect(row('talent-training')).toEqual({ category: 'talent-training', category_label: 'Talent training', ...catSums['talent-training'] });
    expect(row('other')).toEqual({ category: 'other', category_label: 'Other matters set by the municipal Party committee and government', ...catSums.other, budget: null });
    expect(byCat.map((r) => r.category)).toEqual(status.categories.map((c) => c.category));
    for (const w of WORDS.filter((x) => x !== 'budget')) expect(byCat.reduce((t, r) => t + (r[w] as number), 0)).toBe(round[w]);

    // 4. report awards --format json: each application's allocated and final; the summary per category; charts titled by their amount.
    const aw = ok(day, ['report', 'awards', '--round', 'R1', '--format', 'json']) as unknown as ReportJson;
    for (const [id, want] of Object.entries(APPS)) {
      const r = aw.sections.filter((s) => s.id.startsWith('category-')).flatMap((s) => s.rows).find((x) => x.application_id === id);
      expect({ id, allocated: r?.allocated, final: r?.final }).toEqual({ id, allocated: want.money.allocated, final: want.money.final });
    }
    const summary = aw.sections.find((s) => s.id === 'summary')!.rows;
    expect(summary.find((r) => r.category === 'sme-cloud')).toMatchObject({ budget: fen(600_000), allocated: fen(550_000), final: fen(390_000), remaining: fen(50_000) });
    const chart = aw.charts.find((c) => c.id === 'by-category')!;
    expect(chart.title).toBe('Final by category');
    expect(chart.bars.find((b) => b.label === 'SMEs onto the cloud and platforms')?.fen).toBe(fen(390_000));
    const stages = aw.charts.find((c) => c.id === 'stages')!;
    expect(stages.bars.map((b) => b.fen)).toEqual(WORDS.map((w) => (w === 'budget' ? budgets : round[w])));

    // 5. report audit --format json: each application's money and the totals by category and round.
    const audit = ok(day, ['report', 'audit', '--round', 'R1', '--format', 'json']) as unknown as ReportJson;
    for (const r of audit.sections.find((s) => s.id === 'money')!.rows) {
      const want = APPS[r.application_id as string].money;
      for (const w of WORDS.filter((x) => x !== 'budget')) expect(r[w], `${String(r.application_id)} ${w}`).toBe(want[w]);
    }
    const auditTotals = audit.sections.find((s) => s.id === 'money-totals')!.rows;
    expect(auditTotals.at(-1)).toEqual({ category: 'Round total', ...round, budget: budgets });
    for (const k of cats) expect(auditTotals.find((r) => r.category === k)).toMatchObject({ ...catSums[k], budget: BUDGETS[k] });

    // The terminal says the same, under the same words, in both languages.
    const en = run(day, ['status', '--round', 'R1']);
    expect(en.stdout).toMatch(/final\s+1,590,000\.00/);
    expect(en.stdout).toMatch(/outstanding\s+40,000\.00/);
    expect(en.stdout).toMatch(/net paid\s+1,080,000\.00/);
    const zh = run(day, ['status', '--round', 'R1'], 'zh');
    expect(zh.stdout).toMatch(/核定\s+1,590,000\.00/);
    expect(zh.stdout).toMatch(/待追回\s+40,000\.00/);
    const show = run(day, ['applications', 'show', 'A1'], 'zh');
    expect(show.stdout).toMatch(/当前补贴（元）\s+240,000\.00/);
    expect(show.stdout).toMatch(/已追回\s+60,000\.00/);

    // And verify finds the stored rows keep the identities.
    const verify = run(day, ['verify']);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  }, 180_000);
});
