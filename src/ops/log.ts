// `jmfund log`: who did what when (谁审批、谁负责; SPEC §11). The events that
// match the filters, oldest first, with their details and application ids parsed.
import { addDays } from '../domain/dates.js';
import { UserError } from '../domain/errors.js';
import { text } from '../domain/text.js';
import { chainHead } from '../ledger/events.js';
import { countEvents, findEvents, type EventFilter } from '../ledger/log.repo.js';
import { inReadSnapshotSync, type Db } from '../ledger/open.js';
import { requireRound } from './lookup.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface LogInput {
  roundId?: string;
  applicationId?: string;
  officer?: string;
  /** A command or a group (`objection`). */
  command?: string;
  /** Calendar dates (YYYY-MM-DD) in China time, both ends included. */
  since?: string;
  until?: string;
  /** Only the newest N events (N ≥ 1). */
  limit?: number;
}

export interface LoggedEvent {
  seq: number;
  at: string;
  officer: string;
  command: string;
  round_id: string | null;
  app_ids: string[];
  details: Json;
  prev_hash: string;
  hash: string;
}

/** Start of a calendar day in China (UTC+8, no daylight saving since 1991) as an ISO instant. */
const dayStartUtc = (d: string): string => `${addDays(d, -1)}T16:00:00.000Z`;

// A stored text that is not JSON (a damaged row) is shown as it is.
const parse = (s: string): Json => {
  try {
    return JSON.parse(s) as Json;
  } catch {
    return s;
  }
};

/**
 * The events that match, oldest first (the newest `limit` of them with a limit), and how many match in all
 * (`matching`: more than `count` when a limit left some out).
 */
export function eventLog(db: Db, input: LogInput): { events: LoggedEvent[]; count: number; matching: number } {
  const f: EventFilter = {};
  if (input.roundId) f.roundId = requireRound(db, input.roundId).roundId;
  if (input.applicationId) f.applicationId = input.applicationId;
  if (input.officer) f.officer = input.officer;
  if (input.command) f.command = input.command;
  if (input.since) f.from = dayStartUtc(input.since);
  if (input.until) f.before = dayStartUtc(addDays(input.until, 1));
  if (input.limit !== undefined) {
    if (!Number.isSafeInteger(input.limit) || input.limit < 1) {
      throw new UserError(text(`--limit ${input.limit}：应为正整数`, `--limit ${input.limit}: expected a positive whole number`), 2);
    }
    f.newest = input.limit;
  }
  // The events and how many match, from one state of the log.
  return inReadSnapshotSync(db, () => {
    const events = findEvents(db, f).map((r): LoggedEvent => {
      const ids = parse(r.app_ids);
      return { ...r, app_ids: Array.isArray(ids) ? ids.map(String) : [], details: parse(r.details) };
    });
    return { events, count: events.length, matching: f.newest === undefined ? events.length : countEvents(db, { ...f, newest: undefined }) };
  });
}

/** `log --head`: the newest event's number, hash and instant, to be kept outside the ledger (an anchor). */
export function logHead(db: Db): { seq: number; hash: string; at: string | null } {
  return chainHead(db);
}
