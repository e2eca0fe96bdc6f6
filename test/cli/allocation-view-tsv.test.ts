// Piped, an allocation view writes each line as finished TSV text (Printer.tsvTable)
// instead of cells through Printer.table: both must give the same bytes, for a
// plan and for a stored version, in both languages.
import { describe, expect, it } from 'vitest';
import { renderView } from '../../src/cli/allocation-view.js';
import { renderCategories } from '../../src/cli/allocation-tables.js';
import { tablesRequest } from '../../src/cli/allocation-render.js';
import { tablesBytes } from '../../src/cli/allocation-render-worker.js';
import { makeContext } from '../../src/cli/context.js';
import { makePrinter, type Printer } from '../../src/cli/render.js';
import { allocate, allocationVersion, type AllocationView } from '../../src/ops/allocate.js';
import { addApplications, type AppSpec } from '../ledger/allocation-fixtures.js';
import { ledgerWithRound } from '../helpers.js';
import { opContextFor } from '../ops/op-context.js';

const fen = (yuan: number) => yuan * 100;

/** Ties on the rounded score with and without equal exact scores, every reason, tabs and line breaks in names, several categories. */
function specs(): AppSpec[] {
  const out: AppSpec[] = [];
  for (let i = 0; i < 300; i++) {
    const id = `A-${String(i).padStart(4, '0')}`;
    const category = ['sme-cloud', 'benchmark-enterprise', 'cluster-pilot', 'other'][i % 4];
    const score: AppSpec['score'] =
      i % 11 === 0 ? null : i % 19 === 0 ? [24253, 301] : i % 5 === 0 ? [23237 + (i % 3), 300] : i % 7 === 0 ? 59.5 : i % 3 === 0 ? [24253, 300] : 60 + (i % 37) / 2;
    out.push({
      id,
      category,
      cluster: category === 'cluster-pilot' ? ['stainless-steel', 'motorcycle', 'unnamed'][i % 3] : null,
      uscc: `91440703MA${String(i % 40).padStart(7, '0')}X`,
      enterprise: i % 13 === 0 ? `江门市\t${i}\n科技\r有限公司` : `江门市${i}科技有限公司`,
      requested: 100_000 + ((i * 7919) % 400_000),
      eligibility: i % 17 === 0 ? 'ineligible' : 'eligible',
      score,
      status: score === null && i % 2 === 0 ? 'insufficient-reviews' : undefined,
    });
  }
  return out;
}

function both<L>(db: string, lang: 'zh' | 'en', view: AllocationView<L>): { fast: string; cells: string } {
  const ctx = makeContext({ lang, db });
  const term = { tty: false, columns: Infinity, color: false };
  const fast: string[] = [];
  const cells: string[] = [];
  const p = makePrinter(ctx, (s) => fast.push(s), term);
  expect(p.tsvTable).not.toBeNull();
  renderView(ctx, p, view);
  const q: Printer = { ...makePrinter(ctx, (s) => cells.push(s), term), tsvTable: null };
  renderView(ctx, q, view);
  ctx.close();
  return { fast: fast.join(''), cells: cells.join('') };
}

describe('allocation view, piped', () => {
  it('writes the same TSV as the cells would, for a plan and for the stored version', () => {
    const l = ledgerWithRound('R1', { 'sme-cloud': fen(3_000_000), 'benchmark-enterprise': fen(2_000_000), 'cluster-pilot': fen(1_500_000) });
    addApplications(l.db, 'R1', specs());
    const op = opContextFor(l.db);
    const planned = allocate(op, { roundId: 'R1', shortfall: 'partial' });
    const stored = allocationVersion(op, { roundId: 'R1', version: null });
    for (const lang of ['zh', 'en'] as const) {
      for (const view of [planned, stored] as AllocationView<unknown>[]) {
        const { fast, cells } = both(l.path, lang, view);
        expect(fast).toBe(cells);
        // The cases this is meant to cover are there.
        expect(fast).toContain('(= 24253/300 = 80.843333333333…)');
        expect(fast).toContain('(= 24253/301 = 80.574750830564…)');
        expect(fast).toContain('江门市 0 科技 有限公司');
        expect(fast.split('\n').length).toBeGreaterThan(300);
      }
    }
    // A stored version reads back as it was planned.
    expect(both(l.path, 'en', planned).fast).toBe(both(l.path, 'en', stored).fast);
  });

  it('writes the same tables in the worker thread, from a copy of the plan columns, as in the command', () => {
    const l = ledgerWithRound('R1', { 'sme-cloud': fen(3_000_000), 'benchmark-enterprise': fen(2_000_000), 'cluster-pilot': fen(1_500_000) });
    addApplications(l.db, 'R1', specs());
    // Aggregates a double cannot hold (the plan's `exact` map), equal to a tied score.
    l.db.prepare("UPDATE score_aggregates SET score_num = '242530000000024253', score_den = '3000000000000300' WHERE application_id IN ('A-0003', 'A-0009')").run();
    const planned = allocate(opContextFor(l.db), { roundId: 'R1', shortfall: 'partial', dryRun: true });
    expect(planned.plan.apps.exact.size).toBe(2);
    for (const lang of ['zh', 'en'] as const) {
      for (const color of [false, true]) {
        const ctx = { ...makeContext({ lang, db: l.path }), color };
        const here: string[] = [];
        renderCategories(ctx, makePrinter(ctx, (s) => here.push(s), { tty: false, columns: Infinity, color }), planned, false);
        // The worker is sent a structured clone of the request.
        const there = Buffer.concat(tablesBytes(structuredClone(tablesRequest(ctx, planned.round.policy, planned.plan)))).toString('utf8');
        expect(there).toBe(here.join(''));
        expect(there).toContain('(= 24253/300 = 80.843333333333…)');
        expect(there.split('\n').length).toBeGreaterThan(300);
        ctx.close();
      }
    }
  });
});
