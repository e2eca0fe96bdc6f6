// jmfund check (SPEC §6): every application of a round against the eligibility rules.
import type { Command } from 'commander';
import { articleLabel } from '../../domain/eligibility.js';
import { ELIGIBILITY_STATUS_LABELS, OUTCOME_LABELS } from '../../domain/labels.js';
import { text } from '../../domain/text.js';
import { resultReason } from '../../domain/eligibility.js';
import type { Decision } from '../../ledger/eligibility.repo.js';
import { checkAsync } from '../../ops/check.js';
import { opContext, type Context } from '../context.js';
import { dateOption } from '../options.js';
import type { Output, Printer } from '../render.js';
import { handler } from '../runner.js';
import { keepHeapNearLiveSet } from '../heap.js';
import { lazyArray } from '../json-stream.js';
import { decideHint } from './review.js';
import { words } from '../words.js';

const article = (ctx: Context, a: string): string => ctx.t(articleLabel(a));

function decisionLine(ctx: Context, d: Decision): string {
  return ctx.t(
    text(
      `${d.decidedBy} ${ctx.instant(d.decidedAt).slice(0, 10)} ${OUTCOME_LABELS[d.outcome].zh}：${d.reason}`,
      `${d.decidedBy} ${ctx.instant(d.decidedAt).slice(0, 10)} ${d.outcome}: ${d.reason}`,
    ),
  );
}

/** Problem rows printed without --all: an officer reads a few hundred; 10^5 rows (a file of repeats) would be hundreds of MB of text. */
const PROBLEM_ROWS_SHOWN = 200;

async function runCheck(ctx: Context, opts: { round?: string; asOf?: string; all?: boolean }): Promise<Output> {
  keepHeapNearLiveSet();
  const r = await checkAsync(opContext(ctx), { roundId: opts.round, asOf: opts.asOf === undefined ? undefined : dateOption('as-of', opts.asOf) });
  const round = r.round.roundId;
  const review = r.byStatus['needs-review'];
  return {
    json: {
      round,
      as_of: r.asOf,
      // 10^5 applications × 12 results: written as they are read back, not held.
      applications: lazyArray(function* () {
        for (const a of r.results()) {
          yield {
            application_id: a.applicationId,
            status: a.status,
            results: a.results.map((v) => ({ rule: v.rule, outcome: v.outcome, article: v.article, reason: ctx.t(resultReason(v)), decided_by: v.decision?.decidedBy ?? null })),
          };
        }
      }),
    },
    exitCode: review > 0 ? 1 : 0,
    human: (out: Printer) => {
      const w = words(ctx);
      out.line(ctx.t(text(`批次 ${round}，核查基准日 ${r.asOf}：共 ${r.applications} 件申报`, `round ${round}, as of ${r.asOf}: ${r.applications} application(s)`)));
      out.heading(text('按状态', 'By status'));
      out.table(
        [text('状态', 'status'), text('件数', 'applications')],
        (['eligible', 'ineligible', 'needs-review'] as const).map((s) => [ctx.t(ELIGIBILITY_STATUS_LABELS[s]), r.byStatus[s]]),
        { align: ['left', 'right'] },
      );
      out.heading(text('按规则', 'By rule'));
      out.table(
        [text('规则', 'rule'), text('条款', 'article'), OUTCOME_LABELS.fail, OUTCOME_LABELS['needs-review'], text('已人工决定', 'decided')],
        // Categories cite their own paragraphs of Art. 7 and 8; the summary names the articles.
        r.byRule.map((c) => [w.rule(c.rule), c.articles.length > 1 && c.rule === 'category' ? article(ctx, '7, 8') : c.articles.map((a) => article(ctx, a)).join(' / '), c.fail, c.review, c.decided]),
        { align: ['left', 'left', 'right', 'right', 'right'] },
      );
      if (r.byStatus.ineligible + review > 0) {
        out.heading(text('有问题的申报', 'Problem applications'));
        let more = false;
        out.table(
          [text('申报编号', 'application'), text('企业', 'enterprise'), text('状态', 'status'), text('规则', 'rule'), text('结果', 'outcome'), text('理由', 'reason')],
          // Streamed from the ledger: piped, each row is written as it is read.
          (function* () {
            let n = 0;
            for (const p of r.problems()) {
              if (!opts.all && n++ === PROBLEM_ROWS_SHOWN) {
                more = true;
                return;
              }
              yield [p.applicationId, p.enterpriseName, ctx.t(ELIGIBILITY_STATUS_LABELS[p.status]), ctx.t(text(`${w.rule(p.rule)}（${article(ctx, p.article)}）`, `${w.rule(p.rule)} (${article(ctx, p.article)})`)), ctx.t(OUTCOME_LABELS[p.outcome]), ctx.t(p.reason)];
            }
          })(),
          // At 80 columns the reason column was 16 wide: 8–9 lines a row.
          { align: ['left', 'left', 'left', 'left', 'left', 'left'], paragraphs: { below: 100, head: 3 } },
        );
        if (more) {
          const apps = r.byStatus.ineligible + review;
          out.line(
            ctx.t(
              text(
                `只列出前 ${PROBLEM_ROWS_SHOWN} 条（有问题的申报共 ${apps} 件）。全部：jmfund check --round ${round} --all，或 --json，或 jmfund report audit --round ${round}；待复核的：jmfund review --round ${round}。`,
                `the first ${PROBLEM_ROWS_SHOWN} rows are shown (${apps} application(s) have problems). All of them: jmfund check --round ${round} --all, or --json, or jmfund report audit --round ${round}; those to review: jmfund review --round ${round}.`,
              ),
            ),
          );
        }
      }
      if (r.reopened.length) {
        out.heading(text('不再适用的人工决定', 'Decisions that no longer apply'));
        out.table(
          [text('申报编号', 'application'), text('规则', 'rule'), text('原决定', 'decision'), text('原因', 'why')],
          r.reopened.map((x) => [x.applicationId, w.rule(x.rule), decisionLine(ctx, x.decision), ctx.t(x.why)]),
          { align: ['left', 'left', 'left', 'left'] },
        );
      }
      if (r.kept) out.line(ctx.t(text(`保留了 ${r.kept} 项证据未变的人工决定。`, `kept ${r.kept} officer decision(s) whose evidence is unchanged.`)));
      if (review > 0) out.line(ctx.t(text(`${review} 件申报待复核：`, `${review} application(s) need review: `)) + ctx.t(decideHint(round)));
    },
  };
}

export function register(program: Command): void {
  program
    .command('check')
    .description('check every application of a round against the eligibility rules (Art. 9, 12, 18; 7, 8, 10)')
    .option('--round <id>', 'round to check')
    .option('--as-of <date>', "as-of date of the checks (default: the round's closing date)")
    .option('--all', `list every problem result (default: the first ${PROBLEM_ROWS_SHOWN})`)
    .action(handler((ctx, opts: { round?: string; asOf?: string; all?: boolean }) => runCheck(ctx, opts)));
}
