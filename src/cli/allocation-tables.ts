// The category tables of an allocation view (SPEC §14 reasons and bindings):
// per policy category its totals, its lines and its reserve list. Apart from
// allocation-view.ts so that the worker thread that writes a large plan's
// tables (allocation-render-worker.ts) loads no ledger: it reads nothing but the view.
import { formatYuan } from '../domain/money.js';
import { text } from '../domain/text.js';
import { BINDING_LABELS, categoryLabel, REASON_LABELS } from '../domain/labels.js';
import type { AllocationReason, BindingLimit } from '../domain/allocation.js';
import type { Policy } from '../domain/policy.js';
import type { ViewBody } from '../ops/plan-view.js';
import type { Context } from './context.js';
import { formatFraction } from '../domain/scoring.js';
import { tsvCell, type Cell, type Printer } from './render.js';

/** On a terminal, a category of more lines than this shows its top and its funding line; pipes and --json get every line. */
export const TTY_LINES = 100;
const TTY_TOP = 30;
const TTY_AROUND = 15;
const TTY_RESERVE = 30;

/**
 * The line indexes a terminal shows of a category: all of a short one, else
 * the top of the ranking and the lines around the funding line (the last
 * funded line), null marking what is left out.
 */
export function terminalLines(n: number, lastFunded: number): (number | null)[] {
  const out: (number | null)[] = [];
  const ranges: [number, number][] = [[0, Math.min(n, TTY_TOP)]];
  if (lastFunded >= 0) ranges.push([Math.max(0, lastFunded + 1 - TTY_AROUND), Math.min(n, lastFunded + 1 + TTY_AROUND)]);
  let next = 0;
  for (const [from, to] of ranges) {
    if (from > next) out.push(null);
    for (let i = Math.max(from, next); i < to; i++) out.push(i);
    next = Math.max(next, to);
  }
  if (next < n) out.push(null);
  return out;
}

/** `tty`: whether stdout is a terminal (long categories are then cut to their top and funding line). */
export function renderCategories<L>(ctx: Pick<Context, 'lang' | 't'>, out: Printer, v: ViewBody<L> & { round: { policy: Policy } }, tty: boolean): void {
  const { of } = v;
  // Labels looked up once: 10^5 rows each name a reason and a binding.
  const reasonLabel = Object.fromEntries(Object.entries(REASON_LABELS).map(([k, t]) => [k, ctx.t(t)])) as Record<AllocationReason, string>;
  const limitLabel = Object.fromEntries(Object.entries(BINDING_LABELS).map(([k, t]) => [k, ctx.t(t)])) as Record<BindingLimit, string>;
  const reasonTsv = Object.fromEntries(Object.entries(reasonLabel).map(([k, t]) => [k, tsvCell(t)])) as Record<AllocationReason, string>;
  const limitTsv = Object.fromEntries(Object.entries(limitLabel).map(([k, t]) => [k, tsvCell(t)])) as Record<BindingLimit, string>;
  for (const c of v.round.policy.categories) {
    const lines = v.groups.get(c.key) ?? [];
    const summary = v.summary.categories.find((s) => s.category === c.key);
    if (lines.length === 0 && (!summary || summary.budgetFen === null)) continue;
    out.heading(ctx.lang === 'zh' ? categoryLabel(v.round.policy, c.key).zh : `${c.key} ${categoryLabel(v.round.policy, c.key).en}`);
    if (summary) {
      const budget = summary.budgetFen;
      out.fields([
        [text('预算（元）', 'budget (yuan)'), budget === null ? ctx.t(text('无', 'none')) : formatYuan(budget)],
        [text('拟安排（元）', 'allocated (yuan)'), formatYuan(summary.awardedFen)],
        [text('结余（元）', 'left (yuan)'), budget === null ? '' : formatYuan(budget - summary.awardedFen)],
        [text('获资助项目', 'funded'), summary.funded],
      ]);
    }
    // Rounded scores that cannot tell two applications apart (or the threshold from its side):
    // those rows show the exact aggregate too. One pass over the scores, no row held.
    const seen = new Set<string>();
    const tied = new Set<string>([formatFraction(v.threshold[0], v.threshold[1])]);
    for (const l of lines) {
      const d = of.score(l);
      if (d === null) continue;
      if (seen.has(d)) tied.add(d);
      seen.add(d);
    }
    const scoreCell = (l: (typeof lines)[number]): string | null => {
      const d = of.score(l);
      if (d === null || !tied.has(d)) return d;
      const exact = v.exactText(l, d);
      return exact === null || exact === d ? d : `${d} (= ${exact})`;
    };
    const row = (l: L): Cell[] => {
      const award = of.award(l);
      const limit = of.binding(l);
      return [
        award > 0 ? '✓' : '',
        of.rank(l),
        of.id(l),
        of.enterprise(l),
        scoreCell(l),
        formatYuan(of.cap(l)),
        formatYuan(award),
        reasonLabel[of.reason(l)],
        limit === null ? '' : limitLabel[limit],
      ];
    };
    // An officer cannot read 10^5 lines on a terminal (nor can a boxed table be laid out for them).
    const lastFunded = () => {
      let last = -1;
      for (let i = 0; i < lines.length; i++) if (of.award(lines[i]) > 0) last = i;
      return last;
    };
    const terminal = tty && lines.length > TTY_LINES ? terminalLines(lines.length, lastFunded()) : null;
    // One row at a time: 10^5 rows are never held as arrays of cells.
    function* rows(): Generator<Cell[]> {
      if (!terminal) {
        for (const l of lines) yield row(l);
        return;
      }
      for (let k = 0; k < terminal.length; k++) {
        const i = terminal[k];
        if (i !== null) {
          yield row(lines[i]);
          continue;
        }
        const from = k === 0 ? 0 : (terminal[k - 1] as number) + 1;
        const to = k + 1 < terminal.length ? (terminal[k + 1] as number) : lines.length;
        yield ['', '⋮', '⋮', ctx.t(text(`（略去 ${to - from} 行）`, `(${to - from} lines left out)`)), '', '', '', '', ''];
      }
    }
    const headers = [
      text('入选', 'funded'),
      text('排名', 'rank'),
      text('申报编号', 'application'),
      text('企业', 'enterprise'),
      text('得分', 'score'),
      text('上限（元）', 'cap (yuan)'),
      text('补贴（元）', 'award (yuan)'),
      text('原因', 'reason'),
      text('约束', 'binding'),
    ];
    if (out.tsvTable && !terminal) {
      // Piped: each line as text, the same as row() through the TSV table, without its cells.
      const zero = formatYuan(0);
      const tsvLine = (l: L): string => {
        const award = of.award(l);
        const rank = of.rank(l);
        const limit = of.binding(l);
        const cap = formatYuan(of.cap(l));
        const given = award === 0 ? zero : award === of.cap(l) ? cap : formatYuan(award);
        return `${award > 0 ? '✓' : ''}\t${rank === null ? '' : rank}\t${tsvCell(of.id(l))}\t${tsvCell(of.enterprise(l))}\t${tsvCell(scoreCell(l))}\t${cap}\t${given}\t${reasonTsv[of.reason(l)]}\t${limit === null ? '' : limitTsv[limit]}\n`;
      };
      out.tsvTable(headers, (function* () {
        for (const l of lines) yield tsvLine(l);
      })());
    } else {
      // Nine columns need 105 or more (amounts keep their width): narrower, a paragraph a row (three lines) rather than a block of nine.
      out.table(headers, rows(), { align: ['left', 'right', 'left', 'left', 'right', 'right', 'right', 'left', 'left'], paragraphs: { below: 105, head: 4, labelled: true } });
    }
    if (terminal) {
      const shown = terminal.filter((i) => i !== null).length;
      out.line(
        ctx.t(
          text(
            `（终端上显示 ${lines.length} 行中的 ${shown} 行：排名靠前的和资助线附近的；完整列表请用 --json、输出到管道或 \`jmfund report awards\`）`,
            `(${shown} of ${lines.length} lines shown on the terminal: the top of the ranking and the funding line; every line: --json, a pipe, or \`jmfund report awards\`)`,
          ),
        ),
      );
    }
    const reserve = v.summary.reserve[c.key] ?? [];
    if (reserve.length > 0) {
      // On a terminal, the head of the list: the rest follows the ranking (--json or a pipe names all).
      const head = tty && reserve.length > TTY_RESERVE ? reserve.slice(0, TTY_RESERVE) : reserve;
      const more = reserve.length - head.length;
      out.line(ctx.t(text(`候补名单：${head.join('、')}${more > 0 ? `……（另有 ${more} 个）` : ''}`, `reserve list: ${head.join(', ')}${more > 0 ? ` … (${more} more)` : ''}`)));
    }
  }
}
