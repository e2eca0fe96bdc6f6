// jmfund review | decide (SPEC §6): the officer decisions that settle needs-review
// items; review walks them at a terminal, decide takes one from a script.
import type { Command } from 'commander';
import { articleLabel, evidenceLines, RULE_IDS, type Evidence } from '../../domain/eligibility.js';
import { UserError } from '../../domain/errors.js';
import { ELIGIBILITY_STATUS_LABELS, OUTCOME_LABELS } from '../../domain/labels.js';
import { text, type Text } from '../../domain/text.js';
import { resultReason } from '../../domain/eligibility.js';
import type { ReviewItem } from '../../ledger/eligibility.repo.js';
import { decide, reviewItems, type DecisionResult } from '../../ops/check.js';
import { decideFromFile, writeReviewSheet } from '../../ops/decisions-file.js';
import { opContext, type Context } from '../context.js';
import type { Output } from '../render.js';
import { handler } from '../runner.js';
import { words } from '../words.js';

export const decideHint = (roundId: string): Text =>
  text(
    `用 \`jmfund review --round ${roundId}\` 逐项复核，或 \`jmfund decide 申报编号 规则 --pass|--fail --reason 理由\`。`,
    `walk them with \`jmfund review --round ${roundId}\`, or settle each with \`jmfund decide APP RULE --pass|--fail --reason TEXT\`.`,
  );

const decisionJson = (d: DecisionResult) => ({
  application_id: d.applicationId,
  rule: d.rule,
  outcome: d.outcome,
  reason: d.reason,
  decided_by: d.decidedBy,
  decided_at: d.decidedAt,
  evidence_hash: d.evidenceHash,
  status: d.status,
  replaces: d.replaces && { decided_by: d.replaces.decidedBy, outcome: d.replaces.outcome, reason: d.replaces.reason },
});

/** One decision as a line: 「SQ0000094 一个项目一次申报：通过 — 理由」. */
const decisionLine = (ctx: Context, d: DecisionResult): string =>
  ctx.t(text(`${d.applicationId} ${words(ctx).rule(d.rule)}：${OUTCOME_LABELS[d.outcome].zh} — ${d.reason}`, `${d.applicationId} ${d.rule}: ${OUTCOME_LABELS[d.outcome].en} — ${d.reason}`));

/** Decisions from a file listed back on the screen: the file holds them all (a worksheet of thousands). */
const DECISIONS_SHOWN = 20;

interface DecideOptions {
  pass?: boolean;
  fail?: boolean;
  reason?: string;
}

function runDecide(ctx: Context, applicationId: string, rule: string, opts: DecideOptions): Output {
  if (Boolean(opts.pass) === Boolean(opts.fail)) {
    throw new UserError(text('请给出 --pass 或 --fail 之一。', 'give exactly one of --pass or --fail.'), 2);
  }
  const r = decide(opContext(ctx), { applicationId, rule, outcome: opts.pass ? 'pass' : 'fail', reason: opts.reason ?? '' });
  return {
    json: decisionJson(r),
    human: (out) => {
      out.line(
        ctx.t(
          text(
            `${r.applicationId} ${words(ctx).rule(r.rule)}：${ctx.officer} 决定${OUTCOME_LABELS[r.outcome].zh}（理由：${r.reason}）；申报状态：${ELIGIBILITY_STATUS_LABELS[r.status].zh}`,
            `${r.applicationId} ${r.rule}: ${ctx.officer} decided ${r.outcome} (reason: ${r.reason}); application status: ${r.status}`,
          ),
        ),
      );
      if (r.replaces) out.line(ctx.t(text(`取代 ${r.replaces.decidedBy} 此前的决定（${OUTCOME_LABELS[r.replaces.outcome].zh}：${r.replaces.reason}）`, `replaces the earlier decision by ${r.replaces.decidedBy} (${r.replaces.outcome}: ${r.replaces.reason})`)));
    },
  };
}

function evidenceText(ctx: Context, e: Evidence): string[] {
  return evidenceLines(e).map((t) => `    ${ctx.t(t)}`);
}

function describeItem(ctx: Context, item: ReviewItem, i: number, n: number): string {
  const v = item.result;
  // 「项目：」 in Chinese, "project: " in English.
  const label = (zh: string, en: string) => ctx.t(text(`${zh}：`, `${en}: `));
  const lines = [
    '',
    `[${i}/${n}] ${item.applicationId}  ${item.enterpriseName}  ${item.uscc}`,
    `  ${label('项目', 'project')}${item.projectName}    ${label('所属区（市）', 'district')}${item.district}    ${label('类别', 'category')}${words(ctx).category(item.category)}`,
    `  ${label('规则', 'rule')}${ctx.t(text(`${words(ctx).rule(v.rule)}（${articleLabel(v.article).zh}）`, `${v.rule} (${articleLabel(v.article).en})`))}`,
    `  ${label('核查发现', 'finding')}${ctx.t(resultReason(v))}`,
    `  ${ctx.t(text('证据：', 'evidence:'))}`,
    ...evidenceText(ctx, v.evidence),
  ];
  return lines.join('\n');
}

async function runDecideFrom(ctx: Context, file: string, opts: { round?: string; encoding?: string; sheet?: string }): Promise<Output> {
  const r = await decideFromFile(opContext(ctx), { file, roundId: opts.round, encoding: opts.encoding, sheet: opts.sheet });
  return {
    json: { file: r.file, sha256: r.sha256, rows: r.rows, decided: r.decided.map((d) => ({ line: d.line, ...decisionJson(d) })), unchanged: r.unchanged, left_open: r.leftOpen },
    human: (out) => {
      for (const d of r.decided.slice(0, DECISIONS_SHOWN)) out.line(decisionLine(ctx, d));
      if (r.decided.length > DECISIONS_SHOWN) {
        const passed = r.decided.filter((d) => d.outcome === 'pass').length;
        const [n, failed] = [r.decided.length, r.decided.length - passed];
        out.line(
          ctx.t(
            text(
              `……共 ${n} 项决定（通过 ${passed} 项，不通过 ${failed} 项），上面列出前 ${DECISIONS_SHOWN} 项；全部见 --json 或 \`jmfund log\`。`,
              `… ${n} decisions in all (${passed} pass, ${failed} fail), the first ${DECISIONS_SHOWN} above; all with --json or in \`jmfund log\`.`,
            ),
          ),
        );
      }
      out.line(
        ctx.t(
          text(
            `${file}：${r.rows} 行，记录决定 ${r.decided.length} 项（经办人 ${ctx.officer}），已有相同决定 ${r.unchanged} 项，留空未决定 ${r.leftOpen} 项。`,
            `${file}: ${r.rows} rows; ${r.decided.length} decisions recorded (officer ${ctx.officer}), ${r.unchanged} already so decided, ${r.leftOpen} left open (no decision).`,
          ),
        ),
      );
    },
  };
}

async function runReviewSheet(ctx: Context, out: string, opts: { round?: string; force?: boolean }): Promise<Output> {
  const r = await writeReviewSheet(opContext(ctx), { roundId: opts.round, out, force: opts.force, lang: ctx.lang });
  return {
    json: { round: r.round, file: r.file, items: r.items },
    human: (p) =>
      p.line(
        ctx.t(
          text(
            `批次 ${r.round} 的 ${r.items} 项待复核事项已写入 ${r.file}：填写“决定”（通过/不通过）和“理由”两列后运行 \`jmfund decide --from ${r.file}\`。`,
            `${r.items} needs-review item(s) of round ${r.round} written to ${r.file}: fill in the decision (pass/fail) and reason columns, then run \`jmfund decide --from ${r.file}\`.`,
          ),
        ),
      ),
  };
}

async function runReview(ctx: Context, opts: { round?: string; out?: string; force?: boolean }): Promise<Output> {
  if (opts.out) return runReviewSheet(ctx, opts.out, opts);
  // Prompts only on a terminal (SPEC §13); scripts use decide.
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw new UserError(
      text('review 需要在交互终端中运行（标准输入和标准错误均为终端）。', 'review is interactive and needs a terminal (stdin and stderr must be TTYs).'),
      2,
      text('在脚本中请用 `jmfund decide 申报编号 规则 --pass|--fail --reason 理由`。', 'from scripts use `jmfund decide APP RULE --pass|--fail --reason TEXT`.'),
    );
  }
  const op = opContext(ctx);
  const { round, items } = reviewItems(op, { roundId: opts.round });
  const decided: DecisionResult[] = [];
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
          decided.push(decide(op, { applicationId: item.applicationId, rule: item.result.rule, outcome: choice, reason, expectedHash: item.result.evidenceHash }));
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
  const remaining = reviewItems(op, { roundId: round.roundId }).items.length;
  return {
    json: { round: round.roundId, decided: decided.map(decisionJson), skipped, remaining },
    exitCode: remaining > 0 ? 1 : 0,
    human: (out) => {
      if (!items.length) out.line(ctx.t(text(`批次 ${round.roundId} 没有待复核的事项。`, `round ${round.roundId} has nothing to review.`)));
      for (const d of decided) out.line(decisionLine(ctx, d));
      out.line(ctx.t(text(`已决定 ${decided.length} 项，跳过 ${skipped} 项，尚余 ${remaining} 项待复核。`, `decided ${decided.length}, skipped ${skipped}, ${remaining} still need review.`)));
    },
  };
}

export function register(program: Command): void {
  program
    .command('review')
    .description('walk the open needs-review items one by one and decide them (needs a terminal)')
    .option('--round <id>', 'round to review')
    .option('--out <file>', 'write the open items to a CSV worksheet instead, to decide with decide --from')
    .option('--force', 'overwrite the --out file')
    .action(handler((ctx, opts: { round?: string; out?: string; force?: boolean }) => runReview(ctx, opts)));

  program
    .command('decide [application] [rule]')
    .description(`decide a needs-review item: rule is one of ${RULE_IDS.join(', ')}`)
    .option('--pass', 'the rule is met')
    .option('--fail', 'the rule is not met')
    .option('--reason <text>', 'why (required; logged with the officer)')
    .option('--from <file>', 'decide every item of a CSV/XLSX file (application_id, rule, decision, reason), all or none')
    .option('--round <id>', 'with --from: every row must be of this round')
    .option('--encoding <name>', 'force the text encoding (utf8, gb18030, utf16le, utf16be)')
    .option('--sheet <name>', 'worksheet of an .xlsx file (default: the first visible one)')
    .action(
      handler((ctx, application: string | undefined, rule: string | undefined, opts: DecideOptions & { from?: string; round?: string; encoding?: string; sheet?: string }) => {
        if (opts.from !== undefined) {
          if (application !== undefined || opts.pass || opts.fail || opts.reason !== undefined) {
            throw new UserError(text('--from 不能与申报编号、规则、--pass/--fail 或 --reason 同用：决定与理由在文件中。', '--from takes no application, rule, --pass/--fail or --reason: the decisions and reasons are in the file.'), 2);
          }
          return runDecideFrom(ctx, opts.from, opts);
        }
        if (application === undefined || rule === undefined) {
          throw new UserError(text('请给出申报编号和规则（或用 --from 文件）。', 'give the application and the rule (or --from FILE).'), 2, text('例如 `jmfund decide D001 credit-code --pass --reason 理由`。', 'e.g. `jmfund decide D001 credit-code --pass --reason TEXT`.'));
        }
        return runDecide(ctx, application, rule, opts);
      }),
    );
}
