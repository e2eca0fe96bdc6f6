// jmfund line: expected ranks, funding probabilities, grey zone, leave-one-expert-out
// and marginal budgets for the collective decision (Art. 11; SPEC §15). Read-only.
import type { Command } from 'commander';
import type { LineApplication } from '../../domain/funding-line.js';
import { formatYuan } from '../../domain/money.js';
import { LINE_MARK_LABELS } from '../../domain/labels.js';
import { text } from '../../domain/text.js';
import { fundingLineOfAsync, type LineResult } from '../../ops/line.js';
import { opContext, warnOnStderr } from '../context.js';
import type { Context } from '../context.js';
import { countOption } from '../options.js';
import type { Cell, Printer } from '../render.js';
import { terminalLines, TTY_LINES } from '../allocation-tables.js';
import { handler } from '../runner.js';
import { keepHeapNearLiveSet } from '../heap.js';
import { words } from '../words.js';

/** The --json shape of issue 20. */
export function lineJson(r: LineResult) {
  return {
    round: r.round.roundId,
    draws: r.draws,
    seed: r.seed,
    applications: r.applications.map((a) => ({
      application_id: a.applicationId,
      category: a.category,
      score: a.score,
      expected_rank: Math.round(a.expectedRank * 1e4) / 1e4,
      rank_low: a.rankLow,
      rank_high: a.rankHigh,
      p_funded: a.pFunded,
      margin: a.margin,
      funded: a.funded,
    })),
    grey_zone: r.greyZone,
    expert_influence: r.expertInfluence.map((e) => ({
      expert: e.expert,
      changes: e.changes.map((c) => ({ application_id: c.applicationId, category: c.category, funded: c.funded, funded_without: c.fundedWithout })),
    })),
    marginal_budget: r.marginalBudget.map((m) => ({ category: m.category, amount_fen: m.amountFen, application_id: m.applicationId })),
  };
}

/** On a terminal, lists of application ids (the grey zone, an expert's changes) show this many and a count. */
const TTY_IDS = 30;
/** The first TTY_IDS of a list on a terminal, and how many are left out (none: every one). */
function head<T>(list: readonly T[], tty: boolean): { shown: readonly T[]; more: number } {
  return tty && list.length > TTY_IDS ? { shown: list.slice(0, TTY_IDS), more: list.length - TTY_IDS } : { shown: list, more: 0 };
}

const percent = (p: number): string => `${(Math.round(p * 1000) / 10).toFixed(1)}%`;
const signed = (m: number | null): string => (m === null ? '' : m > 0 ? `+${m.toFixed(2)}` : m.toFixed(2));

/** `tty`: stdout is a terminal: a long category shows its top and its funding line, long lists their head (a pipe and --json: all). */
function render(ctx: Context, out: Printer, r: LineResult, tty: boolean): void {
  const policy = r.round.policy;
  const more = (n: number) => (n > 0 ? ctx.t(text(` …（另有 ${n} 个）`, ` … (${n} more)`)) : '');
  out.line(
    ctx.t(
      text(
        `批次 ${r.round.roundId}，分配方案第 ${r.version} 版的资助线：${r.draws} 次抽样，种子「${r.seed}」。仅供集体审议参考，补贴仍以 allocate 的结果为准。`,
        `round ${r.round.roundId}, funding line of allocation version ${r.version}: ${r.draws} draws, seed "${r.seed}". Decision support for the collective decision; the awards remain those of allocate.`,
      ),
    ),
  );
  out.line(
    ctx.t(
      text(
        `专家宽严模型：${r.model.experts} 位专家对 ${r.model.applications} 个项目的 ${r.model.scores} 个有效评分（回避及汇总时剔除的评分不计）。`,
        `leniency model fitted to ${r.model.scores} valid scores by ${r.model.experts} experts on ${r.model.applications} applications (recused scores and those the aggregation left out excluded).`,
      ),
    ),
  );
  for (const c of r.categories) {
    const cat = policy.categories.find((x) => x.key === c.category)!;
    out.heading(ctx.lang === 'zh' ? cat.zh : `${c.category} ${cat.en}`);
    out.fields([
      [text('预算（元）', 'budget (yuan)'), c.budgetFen === null ? ctx.t(text('无', 'none')) : formatYuan(c.budgetFen)],
      [text('资助线（分）', 'line (points)'), c.line === null ? '—' : c.line.toFixed(2)],
      [text('获资助（本版）', 'funded (this version)'), `${c.funded} / ${c.participants}`],
      [text('期望获资助数', 'expected number funded'), c.expectedFunded.toFixed(2)],
    ]);
    const apps = r.applications.filter((a) => a.category === c.category);
    const row = (a: LineApplication): Cell[] => [
      a.funded ? '✓' : '',
      a.rank,
      a.applicationId,
      a.enterpriseName,
      a.score,
      signed(a.margin),
      a.expectedRank.toFixed(2),
      `${a.rankLow}–${a.rankHigh}`,
      percent(a.pFunded),
      a.greyZone ? ctx.t(LINE_MARK_LABELS['grey-zone']) : '',
    ];
    // On a terminal a long category shows its top and the rows around the funding line (in expected-rank order, the last funded).
    let lastFunded = -1;
    for (let i = 0; i < apps.length; i++) if (apps[i].funded) lastFunded = i;
    const terminal = tty && apps.length > TTY_LINES ? terminalLines(apps.length, lastFunded) : null;
    const rows = terminal
      ? terminal.map((i, k): Cell[] => {
          if (i !== null) return row(apps[i]);
          const from = k === 0 ? 0 : (terminal[k - 1] as number) + 1;
          const to = k + 1 < terminal.length ? (terminal[k + 1] as number) : apps.length;
          return ['', '⋮', '⋮', ctx.t(text(`（略去 ${to - from} 行）`, `(${to - from} rows left out)`)), '', '', '', '', '', ''];
        })
      : apps.map(row);
    out.table(
      [
        text('入选', 'funded'),
        text('排名', 'rank'),
        text('申报编号', 'application'),
        text('企业', 'enterprise'),
        text('得分', 'score'),
        text('距资助线', 'margin'),
        text('期望排名', 'expected rank'),
        text('90% 区间', '90% interval'),
        text('获资助概率', 'P(funded)'),
        LINE_MARK_LABELS['grey-zone'],
      ],
      rows,
      { align: ['left', 'right', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'left'] },
    );
    if (terminal) {
      const shown = terminal.filter((i) => i !== null).length;
      const grey = apps.filter((a) => a.greyZone).length;
      out.line(
        ctx.t(
          text(
            `（终端上显示 ${apps.length} 行中的 ${shown} 行：期望排名靠前的和资助线附近的；灰区 ${grey} 个；完整列表请用 --json、输出到管道或 \`jmfund report line\`）`,
            `(${shown} of ${apps.length} rows shown on the terminal: the top by expected rank and the funding line; ${grey} in the grey zone; every row: --json, a pipe, or \`jmfund report line\`)`,
          ),
        ),
      );
    }
  }
  out.heading(text('灰区（获资助概率 10%–90%），提请集体审议', 'grey zone (probability of funding 10%–90%), for the committee to discuss'));
  const grey = head(r.greyZone, tty);
  out.line(r.greyZone.length > 0 ? `${grey.shown.join(', ')}${more(grey.more)}` : ctx.t(text('无', 'none')));

  out.heading(text('逐一剔除专家：哪些资助结果会改变', 'leave one expert out: which funding decisions would change'));
  const change = (funded: boolean) => ctx.t(LINE_MARK_LABELS[funded ? 'funded' : 'not-funded']);
  out.table(
    [text('专家', 'expert'), text('评分数', 'scores'), text('变化', 'changes')],
    r.expertInfluence.map((e) => {
      const changes = head(e.changes, tty);
      const listed = changes.shown.map((c) => `${c.applicationId} ${change(c.funded)} → ${change(c.fundedWithout)}`).join('; ');
      return [e.expert, e.scored, e.changes.length === 0 ? '—' : `${listed}${more(changes.more)}`];
    }),
    { align: ['left', 'right', 'left'] },
  );

  out.heading(text('边际预算：再增加多少资金可资助下一个项目', 'marginal budget: how much more money funds the next application in line'));
  out.table(
    [text('类别', 'category'), text('增加（元）', 'more (yuan)'), text('下一个项目', 'next application')],
    r.marginalBudget.map((m) => [words(ctx).category(m.category, policy), m.amountFen === null ? '—' : formatYuan(m.amountFen), m.applicationId ?? '—']),
    { align: ['left', 'right', 'left'] },
  );
}

export function register(program: Command): void {
  program
    .command('line')
    .description('how firm the funding line is: expected ranks, funding probabilities, grey zone (read-only, Art. 11)')
    .option('--round <id>', 'round')
    .option('--category <category>', 'one category (key or name); default all')
    .option('--draws <n>', 'draws from the model (default 1000)')
    .option('--seed <text>', 'seed of the random draws (default the round ID): same seed, same output')
    .action(
      handler(async (ctx, opts: { round?: string; category?: string; draws?: string; seed?: string }) => {
        // Each draw's plan is garbage the moment it is tallied (bench/README.md has the figures).
        keepHeapNearLiveSet();
        const r = await fundingLineOfAsync(opContext(ctx), { roundId: opts.round, category: opts.category, draws: countOption('draws', opts.draws), seed: opts.seed });
        // Diagnostics go to stderr, also under --json.
        if (r.stale.length > 0) {
          warnOnStderr(
            ctx,
            text(
              `按当前评分汇总重新分配，以下项目的资助结果与第 ${r.version} 版不同：${r.stale.join('、')}。请重新运行 allocate。`,
              `on today's score aggregate the funding of ${r.stale.join(', ')} differs from version ${r.version}; run allocate again.`,
            ),
          );
        }
        return { json: lineJson(r), human: (out) => render(ctx, out, r, !!process.stdout.isTTY) };
      }),
    );
}
