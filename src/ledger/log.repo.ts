// Reading the event log (`jmfund log`): the events that match a filter, oldest first.
import type { EventRow } from './events.js';
import type { Db } from './open.js';

export interface EventFilter {
  roundId?: string;
  /** Events that touched this application (through event_apps). */
  applicationId?: string;
  officer?: string;
  /** A command, or a group of commands: `objection` matches `objection add` and `objection resolve`. */
  command?: string;
  /** ISO instants: at ≥ from, at < before. */
  from?: string;
  before?: string;
  /** Only the newest N. */
  newest?: number;
}

const likePrefix = (s: string): string => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)} %`;

export function findEvents(db: Db, f: EventFilter): EventRow[] {
  const { where, args } = eventWhere(f);
  const newest = f.newest !== undefined;
  const sql = `SELECT * FROM events e ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY e.seq ${newest ? 'DESC LIMIT ?' : ''}`;
  if (newest) args.push(f.newest!);
  const rows = db.prepare(sql).all(...args) as EventRow[];
  return newest ? rows.reverse() : rows;
}

/** How many events the filter finds, `newest` aside. */
export function countEvents(db: Db, f: EventFilter): number {
  const { where, args } = eventWhere(f);
  return db.prepare(`SELECT count(*) FROM events e ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`).pluck().get(...args) as number;
}

function eventWhere(f: EventFilter): { where: string[]; args: (string | number)[] } {
  const where: string[] = [];
  const args: (string | number)[] = [];
  const when = (cond: string, ...values: (string | number)[]) => {
    where.push(cond);
    args.push(...values);
  };
  if (f.roundId !== undefined) when('e.round_id = ?', f.roundId);
  if (f.applicationId !== undefined) when('e.seq IN (SELECT seq FROM event_apps WHERE application_id = ?)', f.applicationId);
  if (f.officer !== undefined) when('e.officer = ?', f.officer);
  if (f.command !== undefined) when("(e.command = ? OR e.command LIKE ? ESCAPE '\\')", f.command, likePrefix(f.command));
  if (f.from !== undefined) when('e.at >= ?', f.from);
  if (f.before !== undefined) when('e.at < ?', f.before);
  return { where, args };
}
