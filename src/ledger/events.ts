// The hash-chained event log (SPEC §11): 谁审批、谁负责；谁使用、谁负责.
import type { Hash } from 'node:crypto';
import { RefusedError } from '../domain/errors.js';
import { canonicalJson } from '../domain/policy.js';
import { text } from '../domain/text.js';
import type { Db } from './open.js';
import { dropNoted, sealNoted, sha256 } from './seals.js';
import { prepared } from './statements.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface EventInput {
  officer: string;
  command: string;
  roundId?: string | null;
  appIds?: string[];
  details?: Record<string, unknown>;
  at: string;
}

export interface EventRow {
  seq: number;
  at: string;
  officer: string;
  command: string;
  round_id: string | null;
  app_ids: string;
  details: string;
  prev_hash: string;
  hash: string;
  /** Per table, the digest of the rows the event wrote (seals.ts); null for an event that wrote none, or one made before row seals. */
  sealed?: string | null;
}

export function eventHash(e: Omit<EventRow, 'hash'>): string {
  // SHA-256 of prev_hash and canonicalJson of the fields below (keys in canonicalJson's order), fed piece by
  // piece: an event's details can be megabytes (a notice of 10^5 awards), never copied into one more string.
  const h = sha256().update(e.prev_hash);
  const fields: [string, string | number | null][] = [
    ['app_ids', e.app_ids],
    ['at', e.at],
    ['command', e.command],
    ['details', e.details],
    ['officer', e.officer],
    ['round_id', e.round_id],
    // Only when present: the hashes of events from before row seals stay as they were.
    ...(e.sealed != null ? [['sealed', e.sealed] as [string, string]] : []),
    ['seq', e.seq],
  ];
  // As canonicalJson, a field left undefined is left out.
  fields.filter(([, v]) => v !== undefined).forEach(([k, v], i) => {
    h.update(`${i === 0 ? '{' : ','}${JSON.stringify(k)}:`);
    if (typeof v === 'string' && v.length > JSON_CHUNK) updateJsonString(h, v);
    else h.update(canonicalJson(v));
  });
  return h.update('}').digest('hex');
}

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;

/** Characters of a long string escaped and hashed at a time. */
const JSON_CHUNK = 1 << 16;

/** Adds JSON.stringify(s) to the hash, `chunk` characters at a time (a surrogate pair kept whole: JSON.stringify escapes a lone half). */
export function updateJsonString(h: Hash, s: string, chunk = JSON_CHUNK): void {
  h.update('"');
  for (let at = 0; at < s.length; ) {
    let end = Math.min(s.length, at + chunk);
    while (end < s.length && isHighSurrogate(s.charCodeAt(end - 1))) end++;
    h.update(JSON.stringify(s.slice(at, end)).slice(1, -1));
    at = end;
  }
  h.update('"');
}

/**
 * Time runs forward in the log: an event dated before the one before it is
 * refused (a clock set back, or JMFUND_NOW in the past). The dates an officer
 * states (--date, --received …) are facts of the case and are not instants.
 */
function refuseClockBackwards(last: { seq: number; at: string }, at: string): void {
  if (at >= last.at) return;
  throw new RefusedError(
    text(
      `本机时钟为 ${at}，早于账本最后一个事件 #${last.seq} 的时间 ${last.at}：事件的时间不能倒退。本命令未作任何更改。`,
      `the clock reads ${at}, earlier than ${last.at}, the time of event #${last.seq}, the last in the ledger: events cannot go back in time. Nothing was changed.`,
    ),
    text(
      '请校正电脑时钟（或 JMFUND_NOW）后重试；办理日期请用 --date 等选项填写，可以早于今天。',
      'correct the computer\'s clock (or JMFUND_NOW) and try again; the date of an action is given with --date and similar options, which may be in the past.',
    ),
  );
}

/**
 * The same refusal before a long command starts its work: a clock set back is
 * named at once, not after minutes of import or planning that are then rolled back.
 */
export function refuseIfClockBehind(db: Db, at: string): void {
  const last = lastEvent(db);
  if (last) refuseClockBackwards(last, at);
}

const lastEvent = (db: Db) => prepared(db, 'SELECT seq, hash, at FROM events ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string; at: string } | undefined;

/** The newest event's number and hash (seq 0 and the genesis hash in an empty log). */
export function chainHead(db: Db): { seq: number; hash: string; at: string | null } {
  const last = db.prepare('SELECT seq, hash, at FROM events ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string; at: string } | undefined;
  return last ?? { seq: 0, hash: GENESIS_HASH, at: null };
}

/** Appends one event; call inside the command's transaction. */
export function appendEvent(db: Db, input: EventInput): EventRow {
  const last = lastEvent(db);
  if (last) refuseClockBackwards(last, input.at);
  const appIds = input.appIds ?? [];
  const row: Omit<EventRow, 'hash'> = {
    seq: (last?.seq ?? 0) + 1,
    at: input.at,
    officer: input.officer,
    command: input.command,
    round_id: input.roundId ?? null,
    // Large imports name their file instead of every id (see event_apps).
    app_ids: JSON.stringify(appIds.length <= 1000 ? appIds : []),
    details: canonicalJson(input.details ?? {}),
    prev_hash: last?.hash ?? GENESIS_HASH,
  };
  const full: EventRow = { ...row, hash: eventHash(row) };
  pending.set(db, full.seq);
  prepared(
    db,
    'INSERT INTO events (seq, at, officer, command, round_id, app_ids, details, prev_hash, hash) VALUES (@seq, @at, @officer, @command, @round_id, @app_ids, @details, @prev_hash, @hash)',
  ).run(full);
  // One statement in key order, not one per id: a notice or a filing names tens of thousands.
  if (appIds.length) {
    prepared(db, 'INSERT OR IGNORE INTO event_apps (seq, application_id) SELECT ?, value FROM json_each(?) ORDER BY value').run(full.seq, JSON.stringify(appIds));
  }
  prepared(db, "INSERT INTO ledger_meta (key, value) VALUES ('head', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(
    JSON.stringify({ seq: full.seq, hash: full.hash }),
  );
  return full;
}

// The newest event of each connection's open transaction: the rows the transaction wrote are sealed to it at commit.
const pending = new WeakMap<Db, number>();

/**
 * Just before a transaction commits: the rows it wrote (noted by seals.ts's
 * triggers, also those written after its event, such as results that name the
 * event) are sealed to its newest event, whose hash then covers their digest.
 * Nothing refers to that hash before the commit but the head, updated here.
 */
export function sealTransaction(db: Db): void {
  const seq = pending.get(db);
  pending.delete(db);
  if (seq === undefined) return;
  const sealed = sealNoted(db, seq);
  if (!sealed) return;
  const e = db.prepare('SELECT * FROM events WHERE seq = ?').get(seq) as EventRow;
  const { hash: _unsealed, ...rest } = e;
  const hash = eventHash({ ...rest, sealed: canonicalJson(sealed) });
  db.prepare('UPDATE events SET sealed = ?, hash = ? WHERE seq = ?').run(canonicalJson(sealed), hash, seq);
  db.prepare("UPDATE ledger_meta SET value = ? WHERE key = 'head'").run(JSON.stringify({ seq, hash }));
}

/** A transaction rolled back: its event is gone with it. */
export function forgetTransaction(db: Db): void {
  pending.delete(db);
  dropNoted(db);
}

export interface ChainProblem {
  seq: number;
  problem: 'hash-mismatch' | 'broken-link' | 'gap' | 'head-mismatch' | 'out-of-order';
  detail: string;
}

/** Walks the whole chain and reports every break, not just the first. */
export function verifyChain(db: Db): { problems: ChainProblem[]; count: number; lastHash: string } {
  const problems: ChainProblem[] = [];
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  let prev: { seq: number; at: string } | null = null;
  for (const e of db.prepare('SELECT * FROM events ORDER BY seq').iterate() as IterableIterator<EventRow>) {
    count++;
    // ISO-8601 UTC instants of one format: their text order is their time order.
    if (prev && e.at < prev.at) {
      problems.push({ seq: e.seq, problem: 'out-of-order', detail: `event #${e.seq} at ${e.at} is dated before event #${prev.seq} at ${prev.at}` });
    }
    prev = { seq: e.seq, at: e.at };
    if (e.seq !== expectedSeq) {
      problems.push({ seq: e.seq, problem: 'gap', detail: `events ${expectedSeq}..${e.seq - 1} are missing` });
    }
    if (e.prev_hash !== prevHash) {
      problems.push({ seq: e.seq, problem: 'broken-link', detail: `prev_hash does not match the hash of the event before it` });
    }
    const { hash, ...rest } = e;
    if (eventHash(rest) !== hash) {
      problems.push({ seq: e.seq, problem: 'hash-mismatch', detail: `content changed after it was written` });
    }
    prevHash = e.hash;
    expectedSeq = e.seq + 1;
  }
  const headRow = db.prepare("SELECT value FROM ledger_meta WHERE key = 'head'").get() as { value: string } | undefined;
  const head = headRow ? (JSON.parse(headRow.value) as { seq: number; hash: string }) : { seq: 0, hash: GENESIS_HASH };
  if (head.seq !== expectedSeq - 1 || head.hash !== prevHash) {
    problems.push({
      seq: head.seq,
      problem: 'head-mismatch',
      detail: `the ledger recorded event ${head.seq} as the newest, but the log ends at event ${expectedSeq - 1}`,
    });
  }
  return { problems, count, lastHash: prevHash };
}
