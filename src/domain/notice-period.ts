// Public notice (公示), objections and filing dates (Art. 10(3), 11; SPEC §9).
// A notice from DATE0 for N natural days runs through DATE0 + N − 1, both
// ends included; filing (备案) is possible from DATE0 + N on.
import type { ApplicationState } from './application.js';
import { addDays, compareDates, daysBetweenInclusive, isValidDate } from './dates.js';
import { stateLabel, type NotAcceptedReason } from './labels.js';
import { formatYuan } from './money.js';
import type { Policy } from './policy.js';
import { type Result, err, ok, text } from './text.js';

export interface NoticePeriod {
  startsOn: string;
  days: number;
  /** Last day of the notice, included. */
  endsOn: string;
  /** First day filing is allowed. */
  fileFrom: string;
}

export function noticeEnd(startsOn: string, days: number): string {
  return addDays(startsOn, days - 1);
}

/** Art. 11: 公示期不少于7日 — N natural days counted from and including the start. */
export function noticePeriod(startsOn: string, days: number, policy: Policy): Result<NoticePeriod> {
  const min = policy.notice.minDays;
  if (!Number.isSafeInteger(days) || days < min) {
    return err(
      text(
        `公示期 ${days} 天少于最短 ${min} 天（第${policy.notice.article}条，公示期不少于${min}日）。`,
        `a notice of ${days} days is shorter than the minimum of ${min} days (Art. ${policy.notice.article}).`,
      ),
    );
  }
  return ok({ startsOn, days, endsOn: noticeEnd(startsOn, days), fileFrom: addDays(startsOn, days) });
}

export interface Admission {
  status: 'open' | 'not-accepted';
  reason: NotAcceptedReason | null;
}

/**
 * Art. 11: objections raised during the notice are examined. Anonymous ones,
 * and ones received outside the period, are recorded as 不予受理 and do not
 * block filing. The first reason that applies is kept.
 */
export function admitObjection(o: { fromName: string | null; receivedOn: string; notice: { startsOn: string; endsOn: string } | null }): Admission {
  if (o.fromName === null || o.fromName.normalize('NFKC').trim() === '') return { status: 'not-accepted', reason: 'anonymous' };
  if (!o.notice) return { status: 'not-accepted', reason: 'not-on-notice' };
  if (compareDates(o.receivedOn, o.notice.startsOn) < 0) return { status: 'not-accepted', reason: 'before-notice' };
  if (compareDates(o.receivedOn, o.notice.endsOn) > 0) return { status: 'not-accepted', reason: 'after-notice' };
  return { status: 'open', reason: null };
}

/**
 * Art. 11: objections received during the notice are dealt with before filing.
 * One admitted against an award already filed (or further on) cannot reopen it:
 * filed amounts never change.
 */
export function checkObjectionState(applicationId: string, state: string, admission: Admission): Result<Admission> {
  if (admission.status !== 'open' || state === 'in-notice' || state === 'withdrawn') return ok(admission);
  return err(
    text(
      `${applicationId} 当前状态为 ${stateLabel(state).zh}（${state}），公示期内的异议须在备案前录入；已备案的金额不能再改。`,
      `${applicationId} is ${state}; objections received during the notice must be recorded before filing, and a filed award cannot change.`,
    ),
  );
}

/** Art. 11: a founded objection withdraws the award (once); a dismissed one leaves it. Null: the state stays. */
export function stateAfterObjection(status: 'upheld' | 'dismissed', state: string): ApplicationState | null {
  return status === 'upheld' && state !== 'withdrawn' ? 'withdrawn' : null;
}

/**
 * SPEC §8: an award on notice never changes. A later allocation version may
 * publish only awards still proposed; one that gives an award already on notice
 * another amount is refused, unless that award was withdrawn or cancelled.
 */
export function checkNoticedAward(a: { applicationId: string; state: string; awardFen: number }, noticed: { noticeId: number; awardFen: number } | undefined): Result<void> {
  if (!noticed || noticed.awardFen === a.awardFen || a.state === 'withdrawn' || a.state === 'rejected-at-acceptance') return ok(undefined);
  return err(
    text(
      `最新分配版本给 ${a.applicationId} 的金额 ${formatYuan(a.awardFen)} 元与其公示金额 ${formatYuan(noticed.awardFen)} 元（公示 #${noticed.noticeId}）不同；已公示的金额不能改变。`,
      `the latest allocation version gives ${a.applicationId} ${formatYuan(a.awardFen)}, not the ${formatYuan(noticed.awardFen)} on notice #${noticed.noticeId}; an award on notice cannot change.`,
    ),
  );
}

export interface NoticeProgress {
  phase: 'not-started' | 'running' | 'ended';
  /** Days of the notice still to run, today included; 0 once ended, N before it starts. */
  daysLeft: number;
}

export function noticeProgress(n: { startsOn: string; days: number; endsOn: string }, today: string): NoticeProgress {
  if (compareDates(today, n.startsOn) < 0) return { phase: 'not-started', daysLeft: n.days };
  if (compareDates(today, n.endsOn) > 0) return { phase: 'ended', daysLeft: 0 };
  // A stored end that is not a date (an edited ledger) shows no count rather than failing the status.
  return { phase: 'running', daysLeft: isValidDate(n.endsOn) ? daysBetweenInclusive(today, n.endsOn) : 0 };
}

export interface FilingBlockers {
  /** Notices of the applications to file that have not ended by the filing date. */
  running: { noticeId: number; endsOn: string; fileFrom: string }[];
  /** Accepted objections still open in the round. */
  openObjections: { objectionId: number; applicationId: string }[];
}

/** Art. 10(3), 11: filing only after every notice period has ended and every accepted objection is resolved. */
export function filingBlockers(filedOn: string, notices: readonly { noticeId: number; endsOn: string }[], openObjections: FilingBlockers['openObjections']): FilingBlockers {
  return {
    running: notices
      .filter((n) => compareDates(filedOn, n.endsOn) <= 0)
      .map((n) => ({ noticeId: n.noticeId, endsOn: n.endsOn, fileFrom: addDays(n.endsOn, 1) })),
    openObjections: [...openObjections],
  };
}
