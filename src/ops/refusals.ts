// What the lifecycle operations share: a domain refusal turned into the
// RefusedError (exit 3), a state move checked against the one transition
// table, and the counts by state that a refusal shows.
import type { ApplicationState } from '../domain/application.js';
import { RefusedError } from '../domain/errors.js';
import { checkTransition, type Action } from '../domain/lifecycle.js';
import { stateLabel } from '../domain/labels.js';
import { text, type Result, type Text } from '../domain/text.js';
import { stateCounts } from '../ledger/applications.repo.js';
import type { Db } from '../ledger/open.js';

export function refuseOn<T>(r: Result<T>, hint?: Text): T {
  if (!r.ok) throw new RefusedError(r.error, hint);
  return r.value;
}

/** Refused unless the action may move the application from its state (to `to`, when given). */
export function transition(applicationId: string, from: string, action: Action, to?: ApplicationState): void {
  refuseOn(checkTransition(applicationId, from, action, to));
}

/** "符合条件 3、已评分 6" / "eligible 3, scored 6" — the round's applications by state, for a refusal that found nothing to act on. */
export function byState(db: Db, roundId: string): Text {
  const rows = stateCounts(db, roundId);
  if (!rows.length) return text('—', '—');
  const n = (x: number) => x.toLocaleString('en');
  return text(rows.map((r) => `${stateLabel(r.state).zh} ${n(r.n)}`).join('、'), rows.map((r) => `${stateLabel(r.state).en} ${n(r.n)}`).join(', '));
}
