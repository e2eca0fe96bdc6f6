// jmfund check | review | decide (SPEC §6): eligibility results and the
// officer decisions that settle needs-review items.
import type { Command } from 'commander';
import { parseDate } from '../../domain/dates.js';
import {
  RULE_IDS,
  articleLabel,
  checkRound,
  evidenceLabel,
  isRuleId,
  type EligibilityStatus,
  type Evidence,
  type Outcome,
  type RuleId,
} from '../../domain/eligibility.js';
import { canonicalJson } from '../../domain/policy.js';
import { type Text, text } from '../../domain/text.js';
import { ELIGIBILITY_STATUS_LABELS, OUTCOME_LABELS } from '../../domain/labels.js';
import { appendEvent } from '../../ledger/events.js';
import {
  applyCheckStore,
  currentResult,
  applicationStatus,
  lastCheck,
  loadCheckInput,
  openReviewItems,
  planCheckStore,
  recordDecision,
  planViews,
  resultReason,
  type ApplicationResults,
  type Decision,
  type ReviewItem,
} from '../../ledger/eligibility.repo.js';
import { getApplication } from '../../ledger/applications.repo.js';
import { inTransaction, type Db } from '../../ledger/open.js';
import type { Context } from '../context.js';
import { RefusedError, UserError } from '../../domain/errors.js';
import { requireRound } from '../../ops/lookup.js';
import type { Output, Printer } from '../render.js';
import { handler } from '../runner.js';

const decideHint = (roundId: string): Text =>
  text(
    `用 \`jmfund review --round ${roundId}\` 逐项复核，或 \`jmfund decide 申报编号 规则 --pass|--fail --reason 理由\`。`,
    `walk them with \`jmfund review --round ${roundId}\`, or settle each with \`jmfund decide APP RULE --pass|--fail --reason TEXT\`.`,
  );

function parseAsOf(value: string): string {
  const r = parseDate(value);
  if (!r.ok) throw new UserError(text(`--as-of：${r.error.zh}`, `--as-of: ${r.error.en}`), 2);
  return r.value;
}

const article = (ctx: Context, a: string): string => ctx.t(articleLabel(a));

function applicationsJson(ctx: Context, apps: ApplicationResults[]) {
  return apps.map((a) => ({
    application_id: a.applicationId,
    status: a.status,
    results: a.results.map((v) => ({
      rule: v.rule,
      outcome: v.outcome,
      article: v.article,
      reason: ctx.t(resultReason(v)),
      decided_by: v.decision?.decidedBy ?? null,
    })),
  }));
}

interface CheckOptions {
  round?: string;
  asOf?: string;
}

function runCheck(ctx: Context, opts: CheckOptions): Output {
  const db = ctx.db();
  const round = requireRound(db, opts.round);
  const asOf = opts.asOf ? parseAsOf(opts.asOf) : round.closesOn;
  const at = ctx.now();

  const { plan, apps } = inTransaction(db, () => {
    const input = loadCheckInput(db, round.roundId);
    const checks = checkRound(round, asOf, input.applications, input.lists);
    const plan = planCheckStore(db, round.roundId, checks);
    const byStatus: Record<EligibilityStatus, number> = { eligible: 0, ineligible: 0, 'needs-review': 0 };
    const changes: { application_id: string; before: EligibilityStatus | null; after: EligibilityStatus }[] = [];
    for (const [id, s] of plan.statuses) {
      byStatus[s.after]++;
      if (s.before !== s.after) changes.push({ application_id: id, before: s.before, after: s.after });
    }
    const ev = appendEvent(db, {
      at,
      officer: ctx.officer,
      command: 'check',
      roundId: round.roundId,
      appIds: checks.map((c) => c.applicationId),
      details: {
        as_of: asOf,
        applications: checks.length,
        by_status: byStatus,
        status_changes: changes.length,
        // The results table keeps every result with this event's seq; the event names the first changes.
        changes: changes.slice(0, 1000),
        decisions_kept: plan.kept,
        decisions_set_aside: plan.reopened.map((r) => ({
          application_id: r.applicationId,
          rule: r.rule,
          decision_id: r.decision.decisionId,
          decided_by: r.decision.decidedBy,
          kind: r.kind,
          why: r.why.en,
        })),
      },
    });
    applyCheckStore(db, round.roundId, plan, { asOf, at, officer: ctx.officer, eventSeq: ev.seq });
    const names = new Map(input.applications.map((a) => [a.applicationId, a]));
    const apps: ApplicationResults[] = planViews(plan).map((v) => ({
      ...v,
      enterpriseName: names.get(v.applicationId)?.enterpriseName ?? '',
      projectName: names.get(v.applicationId)?.projectName ?? '',
    }));
    return { plan, apps };
  });

  const statusCount: Record<EligibilityStatus, number> = { eligible: 0, ineligible: 0, 'needs-review': 0 };
  const perRule = new Map<RuleId, { fail: number; review: number; decided: number }>(RULE_IDS.map((r) => [r, { fail: 0, review: 0, decided: 0 }]));
  const articles = new Map<RuleId, Set<string>>(RULE_IDS.map((r) => [r, new Set<string>()]));
  for (const a of apps) {
    if (a.status) statusCount[a.status]++;
    for (const v of a.results) {
      const c = perRule.get(v.rule);
      articles.get(v.rule)?.add(v.article);
      if (!c) continue;
      if (v.outcome === 'fail') c.fail++;
      if (v.outcome === 'needs-review') c.review++;
      if (v.decision) c.decided++;
    }
  }
  const problems = apps.filter((a) => a.status === 'ineligible' || a.status === 'needs-review');

  return {
    json: { round: round.roundId, as_of: asOf, applications: applicationsJson(ctx, apps) },
    exitCode: statusCount['needs-review'] > 0 ? 1 : 0,
    human: (out: Printer) => {
      out.line(
        ctx.t(
          text(`批次 ${round.roundId}，核查基准日 ${asOf}：共 ${apps.length} 件申报`, `round ${round.roundId}, as of ${asOf}: ${apps.length} application(s)`),
        ),
      );
      out.heading(text('按状态', 'By status'));
      out.table(
        [text('状态', 'status'), text('件数', 'applications')],
        (['eligible', 'ineligible', 'needs-review'] as const).map((s) => [ctx.t(ELIGIBILITY_STATUS_LABELS[s]), statusCount[s]]),
        { align: ['left', 'right'] },
      );
      out.heading(text('按规则', 'By rule'));
      out.table(
        [text('规则', 'rule'), text('条款', 'article'), text('不通过', 'fail'), text('待复核', 'needs review'), text('已人工决定', 'decided')],
        RULE_IDS.map((r) => {
          const c = perRule.get(r) ?? { fail: 0, review: 0, decided: 0 };
          const arts = [...(articles.get(r) ?? [])];
          // Categories cite their own paragraphs of Art. 7 and 8; the summary names the articles.
          return [r, arts.length > 1 && r === 'category' ? article(ctx, '7, 8') : arts.map((a) => article(ctx, a)).join(' / '), c.fail, c.review, c.decided];
        }),
        { align: ['left', 'left', 'right', 'right', 'right'] },
      );
      if (problems.length) {
        out.heading(text('有问题的申报', 'Problem applications'));
        out.table(
          [text('申报编号', 'application'), text('企业', 'enterprise'), text('状态', 'status'), text('规则', 'rule'), text('结果', 'outcome'), text('理由', 'reason')],
          problems.flatMap((a) =>
            a.results
              .filter((v) => v.outcome !== 'pass')
              .map((v) => [a.applicationId, a.enterpriseName, a.status ? ctx.t(ELIGIBILITY_STATUS_LABELS[a.status]) : '', `${v.rule} (${article(ctx, v.article)})`, ctx.t(OUTCOME_LABELS[v.outcome]), ctx.t(resultReason(v))]),
          ),
          { align: ['left', 'left', 'left', 'left', 'left', 'left'] },
        );
      }
      if (plan.reopened.length) {
        out.heading(text('不再适用的人工决定', 'Decisions that no longer apply'));
        out.table(
          [text('申报编号', 'application'), text('规则', 'rule'), text('原决定', 'decision'), text('原因', 'why')],
          plan.reopened.map((r) => [r.applicationId, r.rule, decisionLine(ctx, r.decision), ctx.t(r.why)]),
          { align: ['left', 'left', 'left', 'left'] },
        );
      }
      if (plan.kept) out.line(ctx.t(text(`保留了 ${plan.kept} 项证据未变的人工决定。`, `kept ${plan.kept} officer decision(s) whose evidence is unchanged.`)));
      if (statusCount['needs-review'] > 0) {
        out.line(ctx.t(text(`${statusCount['needs-review']} 件申报待复核：`, `${statusCount['needs-review']} application(s) need review: `)) + ctx.t(decideHint(round.roundId)));
      }
    },
  };
}

function decisionLine(ctx: Context, d: Decision): string {
  return ctx.t(
    text(
      `${d.decidedBy} ${d.decidedAt.slice(0, 10)} ${OUTCOME_LABELS[d.outcome].zh}：${d.reason}`,
      `${d.decidedBy} ${d.decidedAt.slice(0, 10)} ${d.outcome}: ${d.reason}`,
    ),
  );
}

// ---------------------------------------------------------------------------
// Decisions

interface DecisionOutcome {
  application_id: string;
  rule: RuleId;
  outcome: 'pass' | 'fail';
  reason: string;
  decided_by: string;
  decided_at: string;
  evidence_hash: string;
  status: EligibilityStatus;
  replaces: { decided_by: string; outcome: 'pass' | 'fail'; reason: string } | null;
}

/**
 * Records one decision in its own transaction with its own event. With
 * `expectedHash` (review), the evidence must still be what the officer saw.
 */
function decide(ctx: Context, db: Db, applicationId: string, rule: RuleId, outcome: 'pass' | 'fail', reason: string, expectedHash?: string): DecisionOutcome {
  const at = ctx.now();
  return inTransaction(db, () => {
    const app = getApplication(db, applicationId);
    if (!app) throw new UserError(text(`没有申报 ${applicationId}。`, `no application ${applicationId}.`), 2);
    const current = currentResult(db, applicationId, rule);
    if (!current) {
      throw new RefusedError(
        text(`申报 ${applicationId} 尚未核查，无法对规则 ${rule} 作出决定。`, `application ${applicationId} has not been checked; there is nothing to decide for rule ${rule}.`),
        text(`先运行 \`jmfund check --round ${app.roundId}\`。`, `run \`jmfund check --round ${app.roundId}\` first.`),
      );
    }
    if (current.checkOutcome !== 'needs-review') {
      throw new RefusedError(
        text(
          `申报 ${applicationId} 的规则 ${rule} 核查结果为「${OUTCOME_LABELS[current.checkOutcome].zh}」，不是待复核，不能人工决定（${current.checkReason.zh}）。`,
          `rule ${rule} of application ${applicationId} is "${current.checkOutcome}", not needs-review, so it cannot be decided (${current.checkReason.en}).`,
        ),
        text('只有核查结果为待复核的规则可以人工决定；若申报材料有误，请更正后重新导入并核查。', 'only needs-review results can be decided; if the application is wrong, correct it, re-import and check again.'),
      );
    }
    if (expectedHash !== undefined && current.evidenceHash !== expectedHash) {
      throw new RefusedError(text(`申报 ${applicationId} 的规则 ${rule} 在复核期间被重新核查，证据已变化。`, `rule ${rule} of application ${applicationId} was checked again while you were reviewing it; its evidence changed.`));
    }
    const before = { outcome: current.outcome, status: applicationStatus(db, applicationId), decision_id: current.decision?.decisionId ?? null };
    const ev = appendEvent(db, {
      at,
      officer: ctx.officer,
      command: 'decide',
      roundId: app.roundId,
      appIds: [applicationId],
      details: { rule, outcome, reason, evidence_hash: current.evidenceHash, before },
    });
    const { decision, status } = recordDecision(db, { applicationId, rule, outcome, reason, decidedBy: ctx.officer, decidedAt: at, eventSeq: ev.seq });
    return {
      application_id: applicationId,
      rule,
      outcome,
      reason,
      decided_by: decision.decidedBy,
      decided_at: decision.decidedAt,
      evidence_hash: decision.evidenceHash,
      status,
      replaces: current.decision ? { decided_by: current.decision.decidedBy, outcome: current.decision.outcome, reason: current.decision.reason } : null,
    };
  });
}

function requireRule(rule: string): RuleId {
  if (!isRuleId(rule)) {
    throw new UserError(text(`未知规则「${rule}」。规则：${RULE_IDS.join('、')}`, `unknown rule "${rule}". Rules: ${RULE_IDS.join(', ')}`), 2);
  }
  return rule;
}

interface DecideOptions {
  pass?: boolean;
  fail?: boolean;
  reason?: string;
}

function runDecide(ctx: Context, applicationId: string, ruleArg: string, opts: DecideOptions): Output {
  if (Boolean(opts.pass) === Boolean(opts.fail)) {
    throw new UserError(text('请给出 --pass 或 --fail 之一。', 'give exactly one of --pass or --fail.'), 2);
  }
  const reason = (opts.reason ?? '').normalize('NFKC').trim();
  if (!reason) {
    throw new UserError(
      text('人工决定必须写明理由（--reason 理由），理由与经办人姓名一并记入日志。', 'a decision needs a reason (--reason TEXT); it is logged with your name.'),
      2,
    );
  }
  const rule = requireRule(ruleArg);
  const r = decide(ctx, ctx.db(), applicationId.normalize('NFKC').trim(), rule, opts.pass ? 'pass' : 'fail', reason);
  return {
    json: r,
    human: (out) => {
      out.line(
        ctx.t(
          text(
            `${r.application_id} ${r.rule}：${ctx.officer} 决定${OUTCOME_LABELS[r.outcome].zh}（理由：${r.reason}）；申报状态：${ELIGIBILITY_STATUS_LABELS[r.status].zh}`,
            `${r.application_id} ${r.rule}: ${ctx.officer} decided ${r.outcome} (reason: ${r.reason}); application status: ${r.status}`,
          ),
        ),
      );
      if (r.replaces) out.line(ctx.t(text(`取代 ${r.replaces.decided_by} 此前的决定（${r.replaces.outcome}：${r.replaces.reason}）`, `replaces the earlier decision by ${r.replaces.decided_by} (${r.replaces.outcome}: ${r.replaces.reason})`)));
    },
  };
}

// ---------------------------------------------------------------------------
// Interactive review

function evidenceText(ctx: Context, e: Evidence): string[] {
  return Object.entries(e).map(([k, v]) => `    ${ctx.t(evidenceLabel(k))}: ${v === null ? '—' : typeof v === 'string' ? v : canonicalJson(v)}`);
}

function describeItem(ctx: Context, item: ReviewItem, i: number, n: number): string {
  const v = item.result;
  const lines = [
    '',
    `[${i}/${n}] ${item.applicationId}  ${item.enterpriseName}  ${item.uscc}`,
    `  ${ctx.t(text('项目', 'project'))}: ${item.projectName}    ${ctx.t(text('所属区（市）', 'district'))}: ${item.district}    ${ctx.t(text('类别', 'category'))}: ${item.category}`,
    `  ${ctx.t(text('规则', 'rule'))}: ${v.rule} (${article(ctx, v.article)})`,
    `  ${ctx.t(text('核查发现', 'finding'))}: ${ctx.t(resultReason(v))}`,
    `  ${ctx.t(text('证据', 'evidence'))}:`,
    ...evidenceText(ctx, v.evidence),
  ];
  return lines.join('\n');
}

async function runReview(ctx: Context, opts: { round?: string }): Promise<Output> {
  // Prompts only on a terminal (SPEC §13); scripts use decide.
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw new UserError(
      text('review 需要在交互终端中运行（标准输入和标准错误均为终端）。', 'review is interactive and needs a terminal (stdin and stderr must be TTYs).'),
      2,
      text('在脚本中请用 `jmfund decide 申报编号 规则 --pass|--fail --reason 理由`。', 'from scripts use `jmfund decide APP RULE --pass|--fail --reason TEXT`.'),
    );
  }
  const db = ctx.db();
  const round = requireRound(db, opts.round);
  if (!lastCheck(db, round.roundId)) {
    throw new RefusedError(
      text(`批次 ${round.roundId} 尚未核查，没有待复核的事项。`, `round ${round.roundId} has not been checked; there is nothing to review.`),
      text(`先运行 \`jmfund check --round ${round.roundId}\`。`, `run \`jmfund check --round ${round.roundId}\` first.`),
    );
  }
  const items = openReviewItems(db, round.roundId);
  const decided: DecisionOutcome[] = [];
  let skipped = 0;
  if (items.length) {
    const { select, input } = await import('@inquirer/prompts');
    const io = { output: process.stderr };
    try {
      for (const [i, item] of items.entries()) {
        process.stderr.write(`${describeItem(ctx, item, i + 1, items.length)}\n`);
        const choice = await select(
          {
            message: ctx.t(text('决定', 'decision')),
            choices: [
              { name: ctx.t(text('通过 pass', 'pass')), value: 'pass' as const },
              { name: ctx.t(text('不通过 fail', 'fail')), value: 'fail' as const },
              { name: ctx.t(text('跳过 skip', 'skip')), value: 'skip' as const },
              { name: ctx.t(text('结束 quit', 'quit')), value: 'quit' as const },
            ],
          },
          io,
        );
        if (choice === 'quit') break;
        if (choice === 'skip') {
          skipped++;
          continue;
        }
        const reason = await input(
          {
            message: ctx.t(text('理由（记入日志）', 'reason (logged with your name)')),
            validate: (s: string) => s.trim() !== '' || ctx.t(text('必须写明理由', 'a reason is required')),
          },
          io,
        );
        try {
          decided.push(decide(ctx, db, item.applicationId, item.result.rule, choice, reason.normalize('NFKC').trim(), item.result.evidenceHash));
        } catch (e) {
          if (!(e instanceof UserError)) throw e;
          process.stderr.write(`${ctx.t(e.text)}\n`);
          skipped++;
        }
      }
    } catch (e) {
      // Ctrl+C ends the walk; decisions already made are committed.
      if (!(e instanceof Error && e.name === 'ExitPromptError')) throw e;
    }
  }
  const remaining = openReviewItems(db, round.roundId).length;
  return {
    json: { round: round.roundId, decided, skipped, remaining },
    exitCode: remaining > 0 ? 1 : 0,
    human: (out) => {
      if (!items.length) out.line(ctx.t(text(`批次 ${round.roundId} 没有待复核的事项。`, `round ${round.roundId} has nothing to review.`)));
      for (const d of decided) out.line(`${d.application_id} ${d.rule}: ${ctx.t(OUTCOME_LABELS[d.outcome])} — ${d.reason}`);
      out.line(ctx.t(text(`已决定 ${decided.length} 项，跳过 ${skipped} 项，尚余 ${remaining} 项待复核。`, `decided ${decided.length}, skipped ${skipped}, ${remaining} still need review.`)));
    },
  };
}

export function register(program: Command): void {
  program
    .command('check')
    .description('check every application of a round against the eligibility rules (Art. 9, 12, 18; 7, 8, 10)')
    .option('--round <id>', 'round to check')
    .option('--as-of <date>', "as-of date of the checks (default: the round's closing date)")
    .action(handler((ctx, opts: CheckOptions) => runCheck(ctx, opts)));

  program
    .command('review')
    .description('walk the open needs-review items one by one and decide them (needs a terminal)')
    .option('--round <id>', 'round to review')
    .action(handler((ctx, opts: { round?: string }) => runReview(ctx, opts)));

  program
    .command('decide <application> <rule>')
    .description(`decide a needs-review item: rule is one of ${RULE_IDS.join(', ')}`)
    .option('--pass', 'the rule is met')
    .option('--fail', 'the rule is not met')
    .option('--reason <text>', 'why (required; logged with the officer)')
    .action(handler((ctx, application: string, rule: string, opts: DecideOptions) => runDecide(ctx, application, rule, opts)));
}
