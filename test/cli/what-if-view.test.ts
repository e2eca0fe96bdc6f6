// allocate --what-if's tables at a province's scale: a budget step that brings
// in hundreds names its count and its first applications, not all of them in
// one cell; a terminal shows the first TTY_TABLE_ROWS of a long list; --json
// and a pipe keep every application.
import { describe, expect, it } from 'vitest';
import { makeContext } from '../../src/cli/context.js';
import { makePrinter, TTY_TABLE_ROWS } from '../../src/cli/render.js';
import { renderWhatIf, STEP_CELL_IDS, whatIfJson } from '../../src/cli/what-if-view.js';
import { allocate } from '../../src/ops/allocate.js';
import { allocateWhatIf, type WhatIfResult } from '../../src/ops/what-if.js';
import { addApplications, type AppSpec } from '../ledger/allocation-fixtures.js';
import { ledgerWithRound } from '../helpers.js';
import { opContextFor } from '../ops/op-context.js';

const fen = (yuan: number) => yuan * 100;

/** 1,200 sme-cloud applications of 100,000 yuan each, every score different (the plan's order is the score's). */
function round(): { path: string; op: ReturnType<typeof opContextFor> } {
  const l = ledgerWithRound('R1', { 'sme-cloud': fen(10_000_000) });
  const specs: AppSpec[] = [];
  for (let i = 0; i < 1200; i++) {
    specs.push({ id: `A-${String(i).padStart(4, '0')}`, category: 'sme-cloud', uscc: `91440703MA${String(i).padStart(7, '0')}X`, requested: 100_000, score: [900_000 - i * 7, 10_000] });
  }
  addApplications(l.db, 'R1', specs);
  const op = opContextFor(l.db);
  allocate(op, { roundId: 'R1' });
  return { path: l.path, op };
}

function render(path: string, lang: 'zh' | 'en', w: WhatIfResult, tty: boolean): string {
  const ctx = makeContext({ lang, db: path });
  const out: string[] = [];
  renderWhatIf(ctx, makePrinter(ctx, (s) => out.push(s), { tty, columns: 400, color: false }), w, tty);
  ctx.close();
  return out.join('');
}

describe('allocate --what-if, rendered', () => {
  it('a step cell gives the count and the first applications in plan order; a few are named in full', () => {
    const { path, op } = round();
    const w = allocateWhatIf(op, { roundId: 'R1', budgetSteps: 'sme-cloud=10000000:70000000:30000000' });
    const [same, plus300, plus600] = w.scenarios;
    expect([same.comesIn.length, plus300.comesIn.length, plus600.comesIn.length]).toEqual([0, 300, 600]);
    const first = plus600.comesIn.slice(0, STEP_CELL_IDS).map((c) => c.applicationId);
    // The plan's order: the best score left out first.
    expect(first).toEqual(['A-0100', 'A-0101', 'A-0102', 'A-0103', 'A-0104']);

    const rows = render(path, 'en', w, false).split('\n').filter((l) => /^\d/.test(l)).map((l) => l.split('\t'));
    expect(rows.map((r) => r[0])).toEqual(['10,000,000.00', '40,000,000.00', '70,000,000.00']);
    expect(rows[0][4]).toBe('—');
    expect(rows[2][4]).toBe(`600: ${first.join(', ')} …`);
    expect(rows[1][4]).toBe(`300: ${first.join(', ')} …`);
    const en = render(path, 'en', w, false);
    expect(en).toContain('(a cell gives the count and the first 5 applications; --budget sme-cloud=AMOUNT lists every one for one budget, --json every one for each step)');
    const zh = render(path, 'zh', w, false);
    expect(zh).toContain(`600 项：${first.join(', ')} 等`);
    expect(zh).toContain('（每格列出前 5 项及总数；某一预算下的全部项目用 --budget sme-cloud=金额 查看，每一级的全部项目用 --json）');
    // --json keeps every application of every step.
    const json = whatIfJson(makeContext({ lang: 'en', db: path }), w);
    expect(json.scenarios[2].comes_in).toHaveLength(600);

    const few = allocateWhatIf(op, { roundId: 'R1', budgetSteps: 'sme-cloud=10000000:10300000:300000' });
    const fewRows = render(path, 'en', few, false).split('\n').filter((l) => /^\d/.test(l)).map((l) => l.split('\t'));
    expect(fewRows[1][4]).toBe('A-0100, A-0101, A-0102');
    expect(render(path, 'en', few, false)).not.toContain('a cell gives the count');
  }, 60_000);

  it('one budget: a terminal shows the first rows of a long list and says how many there are; a pipe every row', () => {
    const { path, op } = round();
    const w = allocateWhatIf(op, { roundId: 'R1', budgets: ['sme-cloud=130000000'] });
    expect(w.scenarios[0].comesIn).toHaveLength(1100);
    const idsIn = (s: string) => s.match(/A-\d{4}/g)?.length ?? 0;
    const tty = render(path, 'en', w, true);
    expect(idsIn(tty)).toBe(TTY_TABLE_ROWS);
    expect(tty).toContain(`(first ${TTY_TABLE_ROWS} of 1100 shown; use --json or a pipe for all)`);
    expect(render(path, 'zh', w, true)).toContain(`（仅显示前 ${TTY_TABLE_ROWS} 项，共 1100 项；完整列表请用 --json 或输出到管道）`);
    const piped = render(path, 'en', w, false);
    expect(idsIn(piped)).toBe(1100);
    expect(piped).not.toContain('shown;');
  }, 60_000);
});
