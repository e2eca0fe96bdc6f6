// The hash-chained event log (SPEC §11): 谁审批、谁负责；谁使用、谁负责.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../domain/policy.js';
import type { Db } from './open.js';

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
}

export function eventHash(e: Omit<EventRow, 'hash'>): string {
  const content = canonicalJson({
    seq: e.seq,
    at: e.at,
    officer: e.officer,
    command: e.command,
    round_id: e.round_id,
    app_ids: e.app_ids,
    details: e.details,
  });
  return createHash('sha256').update(e.prev_hash).update(content).digest('hex');
}

/** Appends one event; call inside the command's transaction. */
export function appendEvent(db: Db, input: EventInput): EventRow {
  const last = db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
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
  db.prepare(
    'INSERT INTO events (seq, at, officer, command, round_id, app_ids, details, prev_hash, hash) VALUES (@seq, @at, @officer, @command, @round_id, @app_ids, @details, @prev_hash, @hash)',
  ).run(full);
  const link = db.prepare('INSERT OR IGNORE INTO event_apps (seq, application_id) VALUES (?, ?)');
  for (const id of appIds) link.run(full.seq, id);
  db.prepare("INSERT INTO ledger_meta (key, value) VALUES ('head', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(
    JSON.stringify({ seq: full.seq, hash: full.hash }),
  );
  return full;
}

export interface ChainProblem {
  seq: number;
  problem: 'hash-mismatch' | 'broken-link' | 'gap' | 'head-mismatch';
  detail: string;
}

/** Walks the whole chain and reports every break, not just the first. */
export function verifyChain(db: Db): { problems: ChainProblem[]; count: number; lastHash: string } {
  const problems: ChainProblem[] = [];
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  for (const e of db.prepare('SELECT * FROM events ORDER BY seq').iterate() as IterableIterator<EventRow>) {
    count++;
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
