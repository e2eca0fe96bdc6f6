// Public notices (公示, Art. 11; SPEC §9): the awards a new notice would
// publish, and the notices with their items. Call writers inside the
// operation's transaction.
import { latestVersion } from './allocations.repo.js';
import { insertBatched } from './batch-insert.js';
import type { Db } from './open.js';
import { bulkInsert } from './seals.js';
import { lineStateSql, noticedStateSql, stateSql } from './states.js';

export interface ProposedAward {
  application_id: string;
  state: string;
  category: string;
  enterprise_name: string;
  uscc: string;
  district: string;
  project_name: string;
  /** Rank in the allocation; null for a manual award. */
  rank: number | null;
  award_fen: number;
  source: 'allocation' | 'manual';
}

const ALLOCATED = (db: Db, a: string, l: string): string =>
  // lineStateSql: the state read from the line already joined, not looked up again per line.
  `SELECT ${a}.application_id, ${lineStateSql(db, a, l)} AS state, ${a}.category, ${a}.enterprise_name, ${a}.uscc, ${a}.district, ${a}.project_name, ${l}.rank, ${l}.award_fen, 'allocation' AS source
   FROM allocation_lines ${l} JOIN applications ${a} ON ${a}.application_id = ${l}.application_id
   WHERE ${l}.round_id = @round AND ${l}.version = @version AND ${l}.award_fen > 0`;

const MANUAL = (db: Db, a: string): string =>
  `SELECT ${a}.application_id, ${stateSql(db, a)} AS state, ${a}.category, ${a}.enterprise_name, ${a}.uscc, ${a}.district, ${a}.project_name, NULL AS rank, m.amount_fen AS award_fen, 'manual' AS source
   FROM manual_awards m JOIN applications ${a} ON ${a}.application_id = m.application_id
   WHERE m.round_id = @round AND m.id = (SELECT max(id) FROM manual_awards x WHERE x.application_id = m.application_id) AND m.amount_fen > 0`;

const byId = (a: ProposedAward, b: ProposedAward): number => (a.application_id < b.application_id ? -1 : a.application_id > b.application_id ? 1 : 0);

/**
 * Awards > 0 proposed for the round: the latest allocation version's lines,
 * and for manual categories (Art. 7(5)) the newest `award set`; in
 * application_id order.
 */
export function proposedAwards(db: Db, roundId: string, manualCategories: readonly string[]): ProposedAward[] {
  const out = new Map<string, ProposedAward>();
  const version = latestVersion(db, roundId);
  if (version !== null) {
    const rows = db.prepare(ALLOCATED(db, 'a', 'l')).all({ round: roundId, version }) as ProposedAward[];
    for (const r of rows) if (!manualCategories.includes(r.category)) out.set(r.application_id, r);
  }
  const manual = db.prepare(MANUAL(db, 'a')).all({ round: roundId }) as ProposedAward[];
  for (const r of manual) if (manualCategories.includes(r.category)) out.set(r.application_id, r);
  return [...out.values()].sort(byId);
}

/** A row of ALLOCATED or MANUAL read raw (its columns in ProposedAward's order) as a ProposedAward. */
const proposedAward = (r: unknown[]): ProposedAward => ({
  application_id: r[0] as string,
  state: r[1] as string,
  category: r[2] as string,
  enterprise_name: r[3] as string,
  uscc: r[4] as string,
  district: r[5] as string,
  project_name: r[6] as string,
  rank: r[7] as number | null,
  award_fen: r[8] as number,
  source: r[9] as ProposedAward['source'],
});

/**
 * proposedAwards one row at a time (10^6 rows of names held at once cost
 * hundreds of MB), sorted by SQLite. SQLite orders text by its UTF-8 bytes,
 * JavaScript by UTF-16 units: they differ only past U+FFFF, so a row out of
 * JavaScript's order ends the walk with null, and the caller asks
 * proposedAwards.
 */
export function* eachProposedAward(db: Db, roundId: string, manualCategories: readonly string[]): Generator<ProposedAward, boolean> {
  const params = { round: roundId, version: latestVersion(db, roundId), manual: JSON.stringify(manualCategories) };
  // The same rows as proposedAwards (categories are the application's, so the two parts never share one), as two
  // walks in application_id order merged here: the lines in their key's order, not 10^5 rows of names sorted again.
  const lines = db.prepare(`${ALLOCATED(db, 'a', 'l')} AND a.category NOT IN (SELECT value FROM json_each(@manual)) ORDER BY l.application_id`).raw().iterate(params) as IterableIterator<unknown[]>;
  const manual = db.prepare(`${MANUAL(db, 'a')} AND a.category IN (SELECT value FROM json_each(@manual)) ORDER BY a.application_id`).raw().iterate(params) as IterableIterator<unknown[]>;
  try {
    let l = lines.next();
    let m = manual.next();
    let last: string | null = null;
    while (!l.done || !m.done) {
      let r: unknown[];
      if (m.done || (!l.done && (l.value[0] as string) < (m.value[0] as string))) {
        r = l.value;
        l = lines.next();
      } else {
        r = m.value;
        m = manual.next();
      }
      const id = r[0] as string;
      // Each walk's order is kept in the merge: the whole is in order only if both are.
      if (last !== null && !(last < id)) return false;
      last = id;
      yield proposedAward(r);
    }
    return true;
  } finally {
    lines.return?.();
    manual.return?.();
  }
}

export interface NoticeRow {
  notice_id: number;
  round_id: string;
  allocation_version: number | null;
  starts_on: string;
  days: number;
  ends_on: string;
  out_file: string | null;
  created_at: string;
  created_by: string;
}

export interface NoticeItem {
  application_id: string;
  award_fen: number;
  source: 'allocation' | 'manual';
}

/** The number the next notice will get. */
export function nextNoticeId(db: Db): number {
  return (db.prepare('SELECT coalesce(max(notice_id), 0) + 1 FROM notices').pluck().get() as number) ?? 1;
}

export function insertNotice(db: Db, n: Omit<NoticeRow, 'notice_id'>, items: Iterable<NoticeItem>): number {
  const id = Number(
    db
      .prepare('INSERT INTO notices (round_id, allocation_version, starts_on, days, ends_on, out_file, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(n.round_id, n.allocation_version, n.starts_on, n.days, n.ends_on, n.out_file, n.created_at, n.created_by).lastInsertRowid,
  );
  // Usually in key order (the plan's lines by id), sealed from the table by rowid, not noted one by one by a trigger (seals.ts
  // bulkInsert); outside a transaction (tests that build a ledger by hand) the trigger notes them as any row.
  const bulk = db.inTransaction ? bulkInsert(db, 'notice_items', undefined, { inKeyOrder: true }) : null;
  insertBatched(db, 'INSERT INTO notice_items (notice_id, application_id, award_fen, source) VALUES ', '(?, ?, ?, ?)', items, (it, args) => args.push(id, it.application_id, it.award_fen, it.source));
  bulk?.done();
  return id;
}

/** The notice an application was put on, with its amount; undefined if never on notice. */
export function noticeOf(db: Db, applicationId: string): (NoticeRow & { award_fen: number }) | undefined {
  return db
    .prepare('SELECT n.*, i.award_fen FROM notice_items i JOIN notices n ON n.notice_id = i.notice_id WHERE i.application_id = ?')
    .get(applicationId) as (NoticeRow & { award_fen: number }) | undefined;
}

/** The round's notices with how many awards each published and their sum (exact: read as text, a bigint). */
export function roundNotices(db: Db, roundId: string): (NoticeRow & { applications: number; total_fen: bigint })[] {
  const rows = db
    .prepare(
      `SELECT n.*, count(i.application_id) AS applications, CAST(coalesce(sum(i.award_fen), 0) AS TEXT) AS total_text
       FROM notices n LEFT JOIN notice_items i ON i.notice_id = n.notice_id WHERE n.round_id = ? GROUP BY n.notice_id ORDER BY n.notice_id`,
    )
    .all(roundId) as (NoticeRow & { applications: number; total_text: string })[];
  return rows.map(({ total_text, ...r }) => ({ ...r, total_fen: BigInt(total_text) }));
}

/**
 * Applications of the round now in-notice, in application_id order, with
 * their amounts; and the notices they are on, in the order of their first
 * application (the date of each read once, not once per award).
 */
export function inNotice(
  db: Db,
  roundId: string,
  onRow?: (done: number) => void,
): { awards: { application_id: string; amount_fen: number }[]; notices: { noticeId: number; endsOn: string }[] } {
  const awards: { application_id: string; amount_fen: number }[] = [];
  const seen = new Set<number>();
  const rows = db
    .prepare(
      // From the round's notices (a few), not its applications (10^5, most of them never on one).
      `SELECT i.application_id, i.award_fen, n.notice_id
       FROM notices n JOIN notice_items i ON i.notice_id = n.notice_id JOIN applications a ON a.application_id = i.application_id
       WHERE n.round_id = ? AND ${noticedStateSql(db, 'a')} = 'in-notice' ORDER BY i.application_id`,
    )
    .raw()
    .iterate(roundId) as IterableIterator<[string, number, number]>;
  for (const [id, fen, notice] of rows) {
    awards.push({ application_id: id, amount_fen: fen });
    seen.add(notice);
    if (onRow && (awards.length & 4095) === 0) onRow(awards.length);
  }
  const endsOn = db.prepare('SELECT ends_on FROM notices WHERE notice_id = ?').pluck();
  return { awards, notices: [...seen].map((noticeId) => ({ noticeId, endsOn: endsOn.get(noticeId) as string })) };
}
