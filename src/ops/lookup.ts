// Lookups every operation shares, with the error an officer sees when they fail.
import { UserError } from '../domain/errors.js';
import { text } from '../domain/text.js';
import { applicationRoundState, getApplication } from '../ledger/applications.repo.js';
import type { Db } from '../ledger/open.js';
import { getRound, listRounds, type Round } from '../ledger/rounds.repo.js';

export function requireRound(db: Db, roundId: string | undefined): Round {
  if (!roundId) throw new UserError(text('请用 --round 指定申报批次。', 'name the round with --round ID.'), 2);
  const r = getRound(db, roundId);
  if (!r) {
    const known = listRounds(db).map((x) => x.roundId);
    throw new UserError(
      text(`没有申报批次 ${roundId}。`, `no round ${roundId}.`),
      2,
      known.length
        ? text(`已有批次：${known.join('、')}`, `rounds in this ledger: ${known.join(', ')}`)
        : text('用 `jmfund round create` 创建批次。', 'create one with `jmfund round create`.'),
    );
  }
  return r;
}

const noApplication = (applicationId: string) =>
  new UserError(
    text(`没有申报 ${applicationId}。`, `no application ${applicationId}.`),
    2,
    text('用 `jmfund applications list --round ID` 查看申报编号。', 'see the application ids with `jmfund applications list --round ID`.'),
  );

export function requireApplication(db: Db, applicationId: string): NonNullable<ReturnType<typeof getApplication>> {
  const a = getApplication(db, applicationId);
  if (!a) throw noApplication(applicationId);
  return a;
}

/** requireApplication for what only needs its round and state (decide --from: thousands, each read whole before). */
export function requireApplicationState(db: Db, applicationId: string): { roundId: string; state: string } {
  const a = applicationRoundState(db, applicationId);
  if (!a) throw noApplication(applicationId);
  return a;
}
