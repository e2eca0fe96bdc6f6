// allocate --what-if: its --json shape and its tables.
import { formatYuan } from '../domain/money.js';
import { text } from '../domain/text.js';
import type { WhatIfChange } from '../domain/what-if.js';
import type { WhatIfResult, WhatIfRun } from '../ops/what-if.js';
import type { Context } from './context.js';
import { words } from './words.js';
import { firstRowsShown, listRows, type Printer, TTY_TABLE_ROWS } from './render.js';

export function whatIfJson(ctx: Context, r: WhatIfResult) {
  const change = (c: WhatIfChange) => ({ application_id: c.applicationId, category: c.category, stored_award_fen: c.storedAwardFen, award_fen: c.awardFen });
  return {
    round: r.round.roundId,
    compared_with_version: r.version,
    method: r.method,
    shortfall: r.shortfall,
    budget_steps: r.steps,
    scenarios: r.scenarios.map((s) => ({
      budgets_fen: s.budgets,
      refused: s.refused === null ? null : ctx.t(s.refused),
      categories: s.categories.map((c) => ({
        category: c.category,
        budget_fen: c.budgetFen,
        allocated_fen: c.awardedFen,
        left_fen: c.leftFen,
        funded: c.funded,
        stored_budget_fen: c.storedBudgetFen,
        stored_allocated_fen: c.storedAwardedFen,
        stored_funded: c.storedFunded,
      })),
      comes_in: s.comesIn.map(change),
      drops_out: s.dropsOut.map(change),
      award_changes: s.awardChanges.map(change),
    })),
  };
}

const money = (fen: number | null) => (fen === null ? '—' : formatYuan(fen));

/** Applications a cell of the steps table names: at a province's scale a step brings in thousands. */
export const STEP_CELL_IDS = 5;

/** A steps-table cell: the applications, or their count and the first STEP_CELL_IDS of them in plan order. */
function ids(ctx: Context, cs: WhatIfChange[]): string {
  if (cs.length === 0) return '—';
  const first = cs.slice(0, STEP_CELL_IDS).map((c) => c.applicationId).join(', ');
  if (cs.length <= STEP_CELL_IDS) return first;
  return ctx.t(text(`${cs.length} 项：${first} 等`, `${cs.length}: ${first} …`));
}

/** The categories where something differs from the stored version. */
const touched = (s: WhatIfRun) => s.categories.filter((c) => c.budgetFen !== c.storedBudgetFen || c.awardedFen !== c.storedAwardedFen || c.funded !== c.storedFunded);

/** `tty`: a terminal shows the first TTY_TABLE_ROWS of each list of applications; a pipe every one. */
export function renderWhatIf(ctx: Context, out: Printer, r: WhatIfResult, tty: boolean): void {
  const round = r.round.roundId;
  out.line(
    ctx.t(
      text(
        `批次 ${round}：假设预算不同，${words(ctx).method(r.method)}重新分配（预算不足时：${words(ctx).shortfall(r.shortfall)}），与第 ${r.version} 版比较。未写入账本。`,
        `round ${round}: the plan under other budgets (${r.method}, shortfall ${r.shortfall}) against version ${r.version}. Nothing written.`,
      ),
    ),
  );
  if (r.steps !== null) {
    const cat = r.steps;
    out.heading(text(`${words(ctx).category(cat)}的预算逐级变化`, `${cat}: budget in steps`));
    out.table(
      [text('预算（元）', 'budget (yuan)'), text('获资助', 'funded'), text('拟安排（元）', 'allocated (yuan)'), text('结余（元）', 'left (yuan)'), text('新增', 'comes in'), text('退出', 'drops out'), text('金额变化', 'award changes')],
      r.scenarios.map((s) => {
        const c = s.categories.find((x) => x.category === cat)!;
        const mine = (cs: WhatIfChange[]) => cs.filter((x) => x.category === cat);
        return [
          s.refused === null ? money(c.budgetFen) : `${money(c.budgetFen)} (${ctx.t(text('将被拒绝', 'refused'))})`,
          c.funded,
          money(c.awardedFen),
          money(c.leftFen),
          ids(ctx, mine(s.comesIn)),
          ids(ctx, mine(s.dropsOut)),
          ids(ctx, mine(s.awardChanges)),
        ];
      }),
      { align: ['right', 'right', 'right', 'right', 'left', 'left', 'left'] },
    );
    const cut = r.scenarios.some((s) => [s.comesIn, s.dropsOut, s.awardChanges].some((cs) => cs.filter((x) => x.category === cat).length > STEP_CELL_IDS));
    if (cut) {
      out.line(
        ctx.t(
          text(
            `（每格列出前 ${STEP_CELL_IDS} 项及总数；某一预算下的全部项目用 --budget ${cat}=金额 查看，每一级的全部项目用 --json）`,
            `(a cell gives the count and the first ${STEP_CELL_IDS} applications; --budget ${cat}=AMOUNT lists every one for one budget, --json every one for each step)`,
          ),
        ),
      );
    }
    const c0 = r.scenarios[0]?.categories.find((x) => x.category === cat);
    if (c0) out.line(ctx.t(text(`第 ${r.version} 版：预算 ${money(c0.storedBudgetFen)} 元，获资助 ${c0.storedFunded} 项，拟安排 ${money(c0.storedAwardedFen)} 元。`, `version ${r.version}: budget ${money(c0.storedBudgetFen)}, ${c0.storedFunded} funded, ${money(c0.storedAwardedFen)} allocated.`)));
    return;
  }
  const s = r.scenarios[0];
  if (s.refused !== null) out.warn(ctx.t(text(`allocate 将拒绝此方案：${s.refused.zh}`, `allocate would refuse this plan: ${s.refused.en}`)));
  out.heading(text('各类别', 'categories'));
  out.table(
    [text('类别', 'category'), text('预算（元）', 'budget (yuan)'), text('拟安排（元）', 'allocated (yuan)'), text('结余（元）', 'left (yuan)'), text('获资助', 'funded')],
    touched(s).map((c) => [
      words(ctx).category(c.category),
      `${money(c.storedBudgetFen)} → ${money(c.budgetFen)}`,
      `${money(c.storedAwardedFen)} → ${money(c.awardedFen)}`,
      money(c.leftFen),
      `${c.storedFunded} → ${c.funded}`,
    ]),
    { align: ['left', 'right', 'right', 'right', 'right'] },
  );
  const list = (title: Parameters<Printer['heading']>[0], cs: WhatIfChange[]) => {
    out.heading(title);
    if (cs.length === 0) return out.line(ctx.t(text('无', 'none')));
    const rows = listRows(cs, tty, (c) => [c.applicationId, words(ctx).category(c.category), money(c.storedAwardFen), money(c.awardFen)]);
    out.table(
      [text('申报编号', 'application'), text('类别', 'category'), text(`第 ${r.version} 版（元）`, `version ${r.version} (yuan)`), text('假设（元）', 'what if (yuan)')],
      rows.rows,
      { align: ['left', 'left', 'right', 'right'] },
    );
    if (tty && rows.count() > TTY_TABLE_ROWS) out.line(ctx.t(firstRowsShown(rows.count())));
  };
  list(text('新增获资助', 'comes in'), s.comesIn);
  list(text('不再获资助', 'drops out'), s.dropsOut);
  list(text('金额变化', 'award changes'), s.awardChanges);
}
