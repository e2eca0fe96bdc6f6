// jmfund round create | list | show
import type { Command } from 'commander';
import { parseDate } from '../../domain/dates.js';
import { formatYuan, parseMoney } from '../../domain/money.js';
import { findCategory, type Policy } from '../../domain/policy.js';
import { text } from '../../domain/text.js';
import { inTransaction } from '../../ledger/open.js';
import { insertRound, listRounds, roundExists, type Round } from '../../ledger/rounds.repo.js';
import { RefusedError, UserError } from '../../domain/errors.js';
import { requireRound } from '../../ops/lookup.js';
import { collect, handler } from '../runner.js';
import type { Context } from '../context.js';

interface CreateOptions {
  opens: string;
  closes: string;
  budget?: string[];
  policy?: string;
}

function dateOption(name: string, value: string): string {
  const r = parseDate(value);
  if (!r.ok) throw new UserError(text(`--${name}：${r.error.zh}`, `--${name}: ${r.error.en}`), 2);
  return r.value;
}

/** CATEGORY=AMOUNT, category by key or Chinese name, amount in any money form of §4. */
export function parseBudgets(policy: Policy, specs: string[]): Record<string, number> {
  const budgets: Record<string, number> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq <= 0) {
      throw new UserError(text(`--budget ${spec}：应写成 类别=金额，例如 sme-cloud=3000000 或 中小企业上云上平台=300万`, `--budget ${spec}: expected CATEGORY=AMOUNT, e.g. sme-cloud=3000000 or sme-cloud=300万`), 2);
    }
    const name = spec.slice(0, eq).trim();
    const cat = findCategory(policy, name);
    if (!cat) {
      const keys = policy.categories.map((c) => c.key).join(', ');
      throw new UserError(text(`--budget ${spec}：未知类别「${name}」。可用：${keys}`, `--budget ${spec}: unknown category "${name}". Known: ${keys}`), 2);
    }
    const amount = parseMoney(spec.slice(eq + 1).normalize('NFKC').trim());
    if (!amount.ok) throw new UserError(text(`--budget ${spec}：${amount.error.zh}`, `--budget ${spec}: ${amount.error.en}`), 2);
    if (cat.key in budgets) throw new UserError(text(`--budget：类别 ${cat.key} 给了两次`, `--budget: category ${cat.key} given twice`), 2);
    budgets[cat.key] = amount.value;
  }
  return budgets;
}

function roundJson(r: Round) {
  return {
    round: r.roundId,
    opens_on: r.opensOn,
    closes_on: r.closesOn,
    policy: r.policyId,
    policy_hash: r.policyHash,
    budgets_fen: r.budgets,
    created_at: r.createdAt,
    created_by: r.createdBy,
  };
}

function applicationCounts(ctx: Context, roundId: string): Record<string, number> {
  const rows = ctx.db().prepare('SELECT state, count(*) AS n FROM applications WHERE round_id = ? GROUP BY state').all(roundId) as { state: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

export function register(program: Command): void {
  const round = program.command('round').description('application rounds (申报批次) and their budgets');

  round
    .command('create <id>')
    .description('create a round under a policy, with a budget per category')
    .requiredOption('--opens <date>', 'first day applications are accepted')
    .requiredOption('--closes <date>', 'last day applications are accepted (the as-of date of the checks)')
    .option('--budget <category=amount>', 'budget of a category, e.g. sme-cloud=3000000 or sme-cloud=300万 (repeat)', collect, [])
    .option('--policy <id|file>', 'policy ID or JSON file (default jiangmen-2021)')
    .action(
      handler(async (ctx, id: string, opts: CreateOptions) => {
        // The policy schema (zod) and the event log (node:crypto) load only here, not for `round list`.
        const { loadPolicy, DEFAULT_POLICY_ID } = await import('../../io/policies.js');
        const { appendEvent } = await import('../../ledger/events.js');
        const roundId = id.normalize('NFKC').trim();
        if (!/^[^\s/\\\p{Cc}]{1,64}$/u.test(roundId)) {
          throw new UserError(text(`批次编号「${id}」无效：1–64 个字符，不含空白或斜杠。`, `round ID "${id}" is not valid: 1-64 characters, no spaces or slashes.`), 2);
        }
        const opensOn = dateOption('opens', opts.opens);
        const closesOn = dateOption('closes', opts.closes);
        if (closesOn < opensOn) {
          throw new UserError(text(`截止日期 ${closesOn} 早于开始日期 ${opensOn}。`, `the round closes (${closesOn}) before it opens (${opensOn}).`), 2);
        }
        const { policy, hash } = loadPolicy(opts.policy ?? DEFAULT_POLICY_ID);
        // Art. 18: a round must lie inside the policy's validity.
        if (opensOn < policy.effective.from || closesOn > policy.effective.to) {
          throw new RefusedError(
            text(
              `批次 ${opensOn} 至 ${closesOn} 不在 ${policy.id} 的有效期（${policy.effective.from} 至 ${policy.effective.to}，第${policy.effective.article}条）内。`,
              `the round ${opensOn} to ${closesOn} is outside the validity of ${policy.id} (${policy.effective.from} to ${policy.effective.to}, Art. ${policy.effective.article}).`,
            ),
            text('调整日期，或用 --policy 指定覆盖该期间的策略。', 'change the dates, or name a policy in force then with --policy.'),
          );
        }
        const budgets = parseBudgets(policy, opts.budget ?? []);
        for (const c of policy.categories) {
          // Art. 8(4): talent training has a yearly amount of its own.
          if (c.defaultBudgetFen !== undefined && !(c.key in budgets)) budgets[c.key] = c.defaultBudgetFen;
        }
        const db = ctx.db();
        const r: Round = { roundId, opensOn, closesOn, policyId: policy.id, policyHash: hash, policy, createdAt: ctx.now(), createdBy: ctx.officer, budgets };
        inTransaction(db, () => {
          if (roundExists(db, roundId)) throw new UserError(text(`批次 ${roundId} 已存在。`, `round ${roundId} already exists.`), 2);
          insertRound(db, r);
          appendEvent(db, { at: r.createdAt, officer: ctx.officer, command: 'round create', roundId, details: roundJson(r) });
        });
        return {
          json: roundJson(r),
          human: (out) => {
            out.line(ctx.t(text(`已创建批次 ${roundId}（${opensOn} 至 ${closesOn}，策略 ${policy.id}）`, `created round ${roundId} (${opensOn} to ${closesOn}, policy ${policy.id})`)));
            for (const [k, v] of Object.entries(budgets)) out.line(`  ${k}: ${formatYuan(v)}`);
          },
        };
      }),
    );

  round
    .command('list')
    .description('list the rounds')
    .action(
      handler((ctx) => {
        const rounds = listRounds(ctx.db());
        return {
          json: rounds.map(roundJson),
          human: (out) =>
            out.table(
              [text('批次', 'round'), text('开始', 'opens'), text('截止', 'closes'), text('策略', 'policy'), text('预算合计（元）', 'total budget (yuan)')],
              rounds.map((r) => [r.roundId, r.opensOn, r.closesOn, r.policyId, formatYuan(Object.values(r.budgets).reduce((a, b) => a + b, 0))]),
              { align: ['left', 'left', 'left', 'left', 'right'] },
            ),
        };
      }),
    );

  round
    .command('show <id>')
    .description('show a round: dates, policy, budgets, applications by state')
    .action(
      handler((ctx, id: string) => {
        const r = requireRound(ctx.db(), id);
        const counts = applicationCounts(ctx, r.roundId);
        return {
          json: { ...roundJson(r), applications: counts },
          human: (out) => {
            out.fields([
              [text('批次', 'round'), r.roundId],
              [text('申报期', 'open'), `${r.opensOn} — ${r.closesOn}`],
              [text('策略', 'policy'), `${r.policyId} (sha256 ${r.policyHash.slice(0, 16)}…)`],
              [text('创建', 'created'), `${r.createdAt} ${r.createdBy}`],
            ]);
            out.table(
              [text('类别', 'category'), text('预算（元）', 'budget (yuan)')],
              r.policy.categories.map((c) => [`${c.key} ${ctx.t({ zh: c.zh, en: c.en })}`, c.key in r.budgets ? formatYuan(r.budgets[c.key]) : '—']),
              { align: ['left', 'right'] },
            );
            const states = Object.entries(counts);
            out.line(states.length ? `${ctx.t(text('申报', 'applications'))}: ${states.map(([s, n]) => `${s} ${n}`).join(', ')}` : ctx.t(text('尚无申报。', 'no applications yet.')));
          },
        };
      }),
    );
}
