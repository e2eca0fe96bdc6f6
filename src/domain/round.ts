// A round (申报批次): its ID, and its dates inside the policy's validity (Art. 18).
import { UserError, RefusedError } from './errors.js';
import type { Policy } from './policy.js';
import { text, type Text } from './text.js';

/** The ID as stored: NFKC, trimmed, 1–64 characters without spaces, slashes or control characters. */
export function roundId(input: string): string {
  const id = input.normalize('NFKC').trim();
  if (!/^[^\s/\\\p{Cc}]{1,64}$/u.test(id)) {
    throw new UserError(text(`批次编号「${input}」无效：1–64 个字符，不含空白或斜杠。`, `round ID "${input}" is not valid: 1-64 characters, no spaces or slashes.`), 2);
  }
  return id;
}

export function checkRoundPeriod(opensOn: string, closesOn: string): void {
  if (closesOn < opensOn) {
    throw new UserError(text(`截止日期 ${closesOn} 早于开始日期 ${opensOn}。`, `the round closes (${closesOn}) before it opens (${opensOn}).`), 2);
  }
}

/** Art. 18: a round must lie inside the policy's validity. */
export function checkPolicyCoversRound(policy: Policy, opensOn: string, closesOn: string): void {
  if (opensOn < policy.effective.from || closesOn > policy.effective.to) {
    throw new RefusedError(
      text(
        `批次 ${opensOn} 至 ${closesOn} 不在 ${policy.id} 的有效期（${policy.effective.from} 至 ${policy.effective.to}，第${policy.effective.article}条）内。`,
        `the round ${opensOn} to ${closesOn} is outside the validity of ${policy.id} (${policy.effective.from} to ${policy.effective.to}, Art. ${policy.effective.article}).`,
      ),
      text('调整日期，或用 --policy 指定覆盖该期间的策略。', 'change the dates, or name a policy in force then with --policy.'),
    );
  }
}

/** SPEC §15: a submission date outside the round's application period is a row error (申报期外). */
export function checkSubmittedInPeriod(round: { roundId: string; opensOn: string; closesOn: string }, submittedOn: string): Text | null {
  if (submittedOn >= round.opensOn && submittedOn <= round.closesOn) return null;
  return text(
    `申报日期 ${submittedOn} 不在批次 ${round.roundId} 的申报期（${round.opensOn} 至 ${round.closesOn}）内（申报期外）`,
    `submitted on ${submittedOn}, outside the application period of round ${round.roundId} (${round.opensOn} to ${round.closesOn}; 申报期外)`,
  );
}

/** Every row outside the round's period, all inside another round's: the round was probably mistyped. */
export function didYouMeanRound(
  round: { roundId: string; opensOn: string; closesOn: string },
  rows: number,
  dates: { first: string; last: string },
  others: readonly { roundId: string; opensOn: string; closesOn: string }[],
): Text | null {
  const other = others.find((o) => o.roundId !== round.roundId && dates.first >= o.opensOn && dates.last <= o.closesOn);
  if (!other) return null;
  return text(
    `全部 ${rows} 行的申报日期（${dates.first} 至 ${dates.last}）都在批次 ${round.roundId} 的申报期（${round.opensOn} 至 ${round.closesOn}）之外（申报期外），而都在批次 ${other.roundId} 的申报期（${other.opensOn} 至 ${other.closesOn}）内：是否应为 --round ${other.roundId}？未导入任何内容。`,
    `all ${rows} rows were submitted ${dates.first} to ${dates.last}, outside the application period of round ${round.roundId} (${round.opensOn} to ${round.closesOn}; 申报期外), and inside that of round ${other.roundId} (${other.opensOn} to ${other.closesOn}): did you mean --round ${other.roundId}? Nothing was imported.`,
  );
}
