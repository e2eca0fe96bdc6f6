// The order of work in a round (SPEC §15): allocate needs every application
// checked; publicize needs no open review and an allocation newer than every
// change that would alter it; decide stops once an award is on notice. Each
// refusal names the step the round actually lacks. Pure: the facts come from ops.
import type { Result, Text } from './text.js';
import { ACTION_LABELS } from './labels.js';
import { err, ok, text } from './text.js';

/** The refusal and its hint (what to run). */
export interface StepRefusal {
  message: Text;
  hint: Text;
}

const CST_OFFSET_MS = 8 * 3600 * 1000;

/** An ISO-8601 UTC instant as China Standard Time: "2026-12-03 14:02". */
export function cstMinute(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms + CST_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** Two instants as the officer reads them: the time alone when both fall on one day (CST). */
function twoTimes(a: string, b: string): { a: string; b: string; day: string | null } {
  const ca = cstMinute(a);
  const cb = cstMinute(b);
  if (ca.slice(0, 10) === cb.slice(0, 10)) return { a: ca.slice(11), b: cb.slice(11), day: ca.slice(0, 10) };
  return { a: ca, b: cb, day: null };
}

export function uncheckedRefusal(roundId: string, unchecked: number, what: Text): StepRefusal {
  return {
    message: text(
      `${unchecked} 件申报自导入或更新后尚未核查，不能${what.zh}。`,
      `${unchecked} application${unchecked === 1 ? ' has' : 's have'} not been checked since ${unchecked === 1 ? 'it was' : 'they were'} imported or updated; ${what.en} is refused.`,
    ),
    hint: text(`先运行 \`jmfund check --round ${roundId}\`。`, `run \`jmfund check --round ${roundId}\`.`),
  };
}

/** allocate (stored or --dry-run): every application checked since its import or update. */
export function checkAllocate(roundId: string, facts: { unchecked: number }): Result<void, StepRefusal> {
  if (facts.unchecked > 0) return err(uncheckedRefusal(roundId, facts.unchecked, ACTION_LABELS.allocate));
  return ok(undefined);
}

/** What `allocate` says on stderr when applications still need review (it stores the version). */
export function needsReviewWarning(roundId: string, n: number): Text {
  return text(
    `${n} 件申报仍待复核（needs-review），本版分配未安排资金给它们；公示前须复核完毕：\`jmfund review --round ${roundId}\`，然后重新分配。`,
    `${n} application${n === 1 ? '' : 's'} still need${n === 1 ? 's' : ''} review (needs-review) and take no part in this version; publicize waits until they are decided: \`jmfund review --round ${roundId}\`, then allocate again.`,
  );
}

/** What `scores aggregate` says when the round has no valid score at all: every application comes out unranked. */
export function noScoresWarning(roundId: string, applications: number): Text {
  const n = applications.toLocaleString('en');
  return text(
    `批次 ${roundId} 没有任何有效的专家评分：${n} 个申报都记为“有效评审不足”，不参与排名。先导入评分：\`jmfund scores import FILE --round ${roundId}\`，再重新汇总。`,
    `round ${roundId} has no valid expert score: all ${n} application${applications === 1 ? '' : 's'} come out as insufficient reviews and take no part in the ranking. Import the scores first (\`jmfund scores import FILE --round ${roundId}\`), then aggregate again.`,
  );
}

/**
 * What `allocate` says when no application of a competitive category takes
 * part (eligible, scored, at or above the threshold): the version funds
 * nothing. `byReason` counts the applications by why they stand out.
 */
export function noParticipantsWarning(roundId: string, scoring: { threshold: number; article: string }, byReason: readonly { label: Text; n: number }[]): Text {
  const list = (lang: 'zh' | 'en') => byReason.map((r) => `${r.label[lang]} ${r.n.toLocaleString('en')}`).join(lang === 'zh' ? '、' : ', ');
  const { threshold, article } = scoring;
  return text(
    `本版分配没有申报参与排名，不安排任何资金：参与排名须符合条件且汇总分不低于 ${threshold} 分（第${article}条；${list('zh')}）。评分尚未导入或汇总时：\`jmfund scores import FILE --round ${roundId}\`，\`jmfund scores aggregate --round ${roundId}\`，然后重新分配。`,
    `no application takes part in this version, so it funds nothing: taking part needs eligibility and an aggregate score of at least ${threshold} (Art. ${article}; ${list('en')}). If the scores are not imported or aggregated yet: \`jmfund scores import FILE --round ${roundId}\`, \`jmfund scores aggregate --round ${roundId}\`, then allocate again.`,
  );
}

/** A change to the round after which the stored allocation may no longer be what allocate would give. */
export interface LaterChange {
  command: string;
  at: string;
  appIds: string[];
}

function changeWords(c: LaterChange): Text {
  const first = c.appIds[0];
  const more = c.appIds.length > 1 ? text(` 等 ${c.appIds.length} 件`, ` and ${c.appIds.length - 1} more`) : text('', '');
  switch (c.command) {
    case 'decide':
      return text(`对 ${first ?? '?'} 的人工决定`, `the decision on ${first ?? '?'}`);
    case 'check':
      return text('资格核查', 'the eligibility check');
    case 'scores import':
      return text('专家评分导入', 'the scores import');
    case 'scores aggregate':
      return text('评分汇总（aggregate）', 'the score aggregation');
    case 'award set':
      return text(`${first ?? '?'} 的人工核定金额（award set）`, `the award set for ${first ?? '?'}`);
    case 'import':
      return text(`申报导入${more.zh}`, `the import of applications`);
    case 'round budget':
      return text('预算更正（round budget）', 'the budget correction (round budget)');
    default:
      return text(c.command, c.command);
  }
}

/** The commands after which a stored allocation is out of date (SPEC §15). */
export const CHANGES_AFTER_ALLOCATION = ['check', 'decide', 'scores import', 'scores aggregate', 'award set', 'import', 'round budget'] as const;

export interface PublicizeFacts {
  unchecked: number;
  needsReview: number;
  /** The latest stored allocation of the round, if any. */
  allocation: { version: number; at: string } | null;
  /** Changes to the round after that allocation, oldest first; the first is named. */
  later: LaterChange[];
}

/** publicize: nothing unchecked, no open review, and an allocation newer than every later change. */
export function checkPublicize(roundId: string, f: PublicizeFacts): Result<void, StepRefusal> {
  if (f.unchecked > 0) return err(uncheckedRefusal(roundId, f.unchecked, ACTION_LABELS.publicize));
  if (f.needsReview > 0) {
    return err({
      message: text(
        `${f.needsReview} 件申报仍待复核（needs-review），复核完毕前不能公示。`,
        `${f.needsReview} application${f.needsReview === 1 ? ' still needs' : 's still need'} review (needs-review); the notice waits until ${f.needsReview === 1 ? 'it is' : 'they are'} decided.`,
      ),
      hint: text(`运行 \`jmfund review --round ${roundId}\`，再运行 \`jmfund allocate --round ${roundId}\`。`, `run \`jmfund review --round ${roundId}\`, then \`jmfund allocate --round ${roundId}\`.`),
    });
  }
  if (f.allocation && f.later.length > 0) {
    const c = f.later[0];
    const t = twoTimes(f.allocation.at, c.at);
    const day = t.day ? text(`（${t.day}，北京时间）`, ` (${t.day}, CST)`) : text('（北京时间）', ' (CST)');
    const others = f.later.length - 1;
    const w = changeWords(c);
    return err({
      message: text(
        `第 ${f.allocation.version} 版分配（${t.a}）早于${w.zh}（${t.b}）${day.zh}${others > 0 ? `，此后还有 ${others} 项更改` : ''}；公示的名单须由最新的分配产生。`,
        `the allocation of ${t.a} (version ${f.allocation.version}) predates ${w.en} at ${t.b}${day.en}${others > 0 ? `, and ${others} more change${others === 1 ? '' : 's'} after it` : ''}; the notice must come from an allocation made after them.`,
      ),
      hint: text(`运行 \`jmfund allocate --round ${roundId}\` 重新分配，再公示。`, `run \`jmfund allocate --round ${roundId}\` again, then publicize.`),
    });
  }
  return ok(undefined);
}

/** Why a round has nothing to put on notice, as the step it lacks. */
export function nothingToPublicize(
  roundId: string,
  f: { allocation: { version: number; funded: number } | null; manualCategories: boolean; onNotice: number; byState: Text },
): StepRefusal {
  const message = text(
    `批次 ${roundId} 没有待公示的拟支持（proposed）申报。各状态：${f.byState.zh}。`,
    `round ${roundId} has no proposed award to put on notice. By state: ${f.byState.en}.`,
  );
  if (f.onNotice > 0 && f.allocation && f.allocation.funded <= f.onNotice) {
    return { message, hint: text('拟支持的金额都已公示；公示期满且异议处理完毕后运行 `jmfund finalize`。', 'every proposed award is already on notice; run `jmfund finalize` once the notice period is over and objections are resolved.') };
  }
  if (!f.allocation) {
    const manual = f.manualCategories ? text('（“其他事项”用 `jmfund award set`）', ' (`jmfund award set` for category other)') : text('', '');
    return { message, hint: text(`批次尚无分配方案：先运行 \`jmfund allocate --round ${roundId}\`${manual.zh}。`, `the round has no allocation yet: run \`jmfund allocate --round ${roundId}\` first${manual.en}.`) };
  }
  return {
    message,
    hint: text(
      `第 ${f.allocation.version} 版分配没有安排任何资金：查看 \`jmfund allocations show --round ${roundId}\`，必要时更正预算（\`jmfund round budget\`）后重新分配。`,
      `allocation version ${f.allocation.version} funds nothing: see \`jmfund allocations show --round ${roundId}\`; correct the budgets (\`jmfund round budget\`) and allocate again if needed.`,
    ),
  };
}

/** States from the notice on: eligibility decisions no longer move the award. */
const NOTICED_STATES = new Set(['in-notice', 'filed', 'accepted', 'disbursed', 'rejected-at-acceptance', 'clawback-due', 'recovered', 'withdrawn']);

/** decide: refused once the application's award is on notice or filed (objections take over). */
export function checkDecide(applicationId: string, state: string): Result<void, StepRefusal> {
  if (!NOTICED_STATES.has(state)) return ok(undefined);
  const filed = state !== 'in-notice';
  return err({
    message: text(
      `申报 ${applicationId} 的状态为 ${state}：其${filed ? '金额已备案' : '拟支持金额正在公示'}，资格决定不能再更改，否则公示的名单将与账本不符。`,
      `application ${applicationId} is ${state}: its award is ${filed ? 'filed' : 'on notice'}, so an eligibility decision can no longer change it; the notice would no longer match the ledger.`,
    ),
    hint: filed
      ? text(
          '备案后的问题按异议或审计程序处理：`jmfund objection add`、`jmfund objection resolve`，或 `jmfund clawback`。',
          'after filing, use the objection procedure (`jmfund objection add`, then `jmfund objection resolve`) or audit (`jmfund clawback`).',
        )
      : text(
          '公示期内按异议程序处理：`jmfund objection add APP --received 日期 --from 提出人 --text ...`，再 `jmfund objection resolve ID --upheld|--dismissed --note ...`。',
          'during the notice use the objection procedure: `jmfund objection add APP --received DATE --from NAME --text ...`, then `jmfund objection resolve ID --upheld|--dismissed --note ...`.',
        ),
  });
}

/** Equal scores across the funding line (SPEC §14): what the officer does next. */
export function tieWarning(roundId: string, tie: readonly string[]): Text {
  const ids = tie.join(' = ');
  return text(
    `资助线两侧同分：${ids}。请提交集体审议；审议确定顺序后，按决定的排序规则重新分配（\`jmfund allocate --round ${roundId} --tie-break 规则链\`，如 score-desc,submitted-on-asc,application-id-asc），或将审议决定记录在案后再公示。`,
    `equal scores across the funding line: ${ids}. Take them to a collective decision (集体审议); then run allocate again with the order it agreed (\`jmfund allocate --round ${roundId} --tie-break CHAIN\`, e.g. score-desc,submitted-on-asc,application-id-asc), or keep the recorded decision with the notice before you publicize.`,
  );
}
