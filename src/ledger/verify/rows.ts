// Every fact row under the chain (issue 16; ledger/seals.ts has the design):
// each row must match the newest entry row_seals holds for it, and the entries
// of each event must add up to the digest that event recorded (events.sealed,
// covered by its hash, the chain and any anchor).
import { text } from '../../domain/text.js';
import type { Hash } from 'node:crypto';
import type { Db } from '../open.js';
import { keyExpr, keyMatch, q, registerRowHash, rowText, SEAL_ENTRY_SQL, SEALED_TABLES, sha256 } from '../seals.js';
import type { Check, Problem, ProblemRef } from './types.js';

/** The event's recorded digests, by table (events before row seals record none). */
function recorded(db: Db): Map<number, Record<string, string>> {
  const out = new Map<number, Record<string, string>>();
  for (const e of db.prepare('SELECT seq, sealed FROM events WHERE sealed IS NOT NULL ORDER BY seq').iterate() as IterableIterator<{ seq: number; sealed: string }>) {
    try {
      const v = JSON.parse(e.sealed) as unknown;
      out.set(e.seq, v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, string>) : {});
    } catch {
      out.set(e.seq, {});
    }
  }
  return out;
}

/** What one pass over a unit's row_seals gives: each event's digest of each table, and each table's live row count. */
interface SealPass {
  /** [table, seq, hex]. */
  digests: [string, number, string][];
  /** The keys whose newest entry is not a deletion: the rows the table should hold now. */
  live: Map<string, number>;
}

// One event's entries of one table not yet hashed: hashed 64 KiB at a time (one call per entry cost more than the hashing).
interface Pending {
  hash: Hash;
  text: string;
}

/**
 * The digest of each event's entries of each table, and the live row count
 * of each table. One pass over row_seals in its key order (tbl, key, seq):
 * within a table each event's entries come in key order, so one running
 * SHA-256 per event makes the digest without sorting, and the last entry of
 * each key is its newest. If the scan is not in key order (another query
 * plan), SQLite sorts each event's entries instead and counts on its own.
 */
export function sealPass(db: Db, unit: RowsUnit): SealPass {
  interface Acc {
    bySeq: Map<number, Pending>;
    last: string | null;
    ordered: boolean;
    /** The newest entry so far of the key `last`: its event, and whether it is a deletion. */
    seq: number;
    gone: boolean;
    live: number;
  }
  // Three arguments, not varargs: better-sqlite3 reads their number from the step's length (a spread costs a call's worth per entry).
  const step = (acc: Acc, key: unknown, seq: unknown, entry: unknown): void => {
    const k = String(key);
    const n = Number(seq);
    const e = String(entry);
    // SEAL_ENTRY_SQL: '-' before the newline only for a deletion (hex has no '-').
    const gone = e.charCodeAt(e.length - 2) === 45;
    if (k !== acc.last) {
      if (acc.last !== null && k < acc.last) acc.ordered = false;
      if (!acc.gone) acc.live++;
      acc.last = k;
      acc.seq = n;
      acc.gone = gone;
    } else if (n > acc.seq) {
      acc.seq = n;
      acc.gone = gone;
    }
    let p = acc.bySeq.get(n);
    if (!p) acc.bySeq.set(n, (p = { hash: sha256(), text: '' }));
    p.text += e;
    if (p.text.length > 65_536) {
      p.hash.update(p.text);
      p.text = '';
    }
  };
  db.aggregate('jm_seal_digests', {
    start: (): Acc => ({ bySeq: new Map(), last: null, ordered: true, seq: 0, gone: true, live: 0 }),
    step: step as (acc: Acc, next: unknown) => void,
    result: (acc: Acc) => (acc.ordered ? JSON.stringify({ live: acc.live + (acc.gone ? 0 : 1), digests: [...acc.bySeq].map(([n, p]) => [n, p.hash.update(p.text).digest('hex')]) }) : null),
  });
  const out: SealPass = { digests: [], live: new Map() };
  // One table down row_seals' key, or each name that is no fact table (forged seals).
  const pass = db.prepare(`SELECT tbl, jm_seal_digests(key, seq, ${SEAL_ENTRY_SQL}) FROM row_seals WHERE tbl = ? GROUP BY tbl`).raw();
  const byTable = (unit === OTHER_NAMES ? sealedNames(db).filter((t) => !FACT_TABLES.has(t)) : [unit]).flatMap((t) => pass.all(t) as [string, string | null][]);
  for (const [tbl, json] of byTable) {
    if (json !== null) {
      const r = JSON.parse(json) as { live: number; digests: [number, string][] };
      for (const [seq, hex] of r.digests) out.digests.push([tbl, seq, hex]);
      out.live.set(tbl, r.live);
      continue;
    }
    const groups = db.prepare(`SELECT seq, group_concat(${SEAL_ENTRY_SQL}, '' ORDER BY key) FROM row_seals WHERE tbl = ? GROUP BY seq`).raw();
    for (const [seq, entries] of groups.iterate(tbl) as IterableIterator<[number, string]>) out.digests.push([tbl, seq, sha256().update(entries).digest('hex')]);
    out.live.set(tbl, liveRows(db, tbl));
  }
  return out;
}

/** The table names row_seals holds, each found by one step down its key (a scan would read every entry). */
function sealedNames(db: Db): string[] {
  return db
    .prepare('WITH RECURSIVE n(t) AS (SELECT min(tbl) FROM row_seals UNION ALL SELECT (SELECT min(tbl) FROM row_seals WHERE tbl > n.t) FROM n WHERE n.t IS NOT NULL) SELECT t FROM n WHERE t IS NOT NULL')
    .pluck()
    .all() as string[];
}

/** The keys of `table` whose newest entry is not a deletion, counted by SQLite (max(seq) with a bare column: each key's newest entry). */
export function liveRows(db: Db, table: string): number {
  return (db.prepare('SELECT sum(hash IS NOT NULL) FROM (SELECT hash, max(seq) FROM row_seals WHERE tbl = ? GROUP BY key)').pluck().get(table) as number | null) ?? 0;
}

function keyRef(table: string, key: string, seq?: number): ProblemRef {
  let parts: unknown[] = [];
  try {
    parts = JSON.parse(key) as unknown[];
  } catch {
    /* named by the text as stored */
  }
  const cols = SEALED_TABLES[table] ?? [];
  const k = Array.isArray(parts) && parts.length === cols.length ? Object.fromEntries(cols.map((c, i) => [c, parts[i] as string | number | null])) : { key };
  return seq === undefined ? { table, key: k } : { table, key: k, seq };
}

const shown = (r: ProblemRef): string => Object.entries(r.key ?? {}).map(([k, v]) => `${k}=${v ?? 'NULL'}`).join(', ');

/**
 * A unit of chain.rows: one fact table, or OTHER_NAMES, the seals under names
 * that are no fact table. verify's two threads share the units (verify/index.ts).
 */
export type RowsUnit = string;
export const OTHER_NAMES = '*';
/** The largest tables of a round first, so that the two threads end together; then the others. */
const LARGEST = ['scores', 'applications', 'application_eligibility', 'allocation_lines', 'score_aggregates', 'eligibility_results', 'notice_items', 'filed_awards', 'eligibility_decisions'];
export const ROWS_UNITS: readonly RowsUnit[] = [...LARGEST, ...Object.keys(SEALED_TABLES).filter((t) => !LARGEST.includes(t)), OTHER_NAMES];
/** The order of the findings, whichever thread found them: the tables of the application and its allocation, the names that are no fact table, then the scores' tables. */
const SCORES_TABLES = ['scores', 'score_aggregates', 'score_expert_stats', 'eligibility_results', 'eligibility_decisions'];
const FINDINGS_ORDER: readonly RowsUnit[] = [...Object.keys(SEALED_TABLES).filter((t) => !SCORES_TABLES.includes(t)), OTHER_NAMES, ...SCORES_TABLES];

function joinRowsUnits(byUnit: ReadonlyMap<RowsUnit, Problem[]>): Problem[] {
  return FINDINGS_ORDER.flatMap((u) => byUnit.get(u) ?? []);
}

export const rowsSealed: Check = {
  id: 'chain.rows',
  title: text('每一行记录都由写入它的事件记账', 'every row accounted for by the event that wrote it'),
  needs: { row_seals: ['tbl', 'key', 'seq', 'hash'], events: ['seq', 'sealed'] },
  run(db) {
    const runUnit = rowsUnitRunner(db);
    return joinRowsUnits(new Map(ROWS_UNITS.map((u) => [u, runUnit(u)])));
  },
  units: ROWS_UNITS,
  unitRunner: (db) => rowsUnitRunner(db),
  joinUnits: (byUnit) => joinRowsUnits(byUnit),
};

/** What runs units of chain.rows on `db`: the events' recorded digests read once. */
function rowsUnitRunner(db: Db): (unit: RowsUnit) => Problem[] {
  const events = recorded(db);
  const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
  // Each row compared in SQLite: only the rows that differ come back.
  registerRowHash(db);
  return (unit) => {
    const pass = sealPass(db, unit);
    return [...eventsPart(unit, events, pass.digests), ...(unit === OTHER_NAMES ? [] : tableRows(db, unit, tables, pass.live.get(unit) ?? 0))];
  };
}

const FACT_TABLES: ReadonlySet<string> = new Set(Object.keys(SEALED_TABLES));
const inUnit = (unit: RowsUnit, t: string): boolean => (unit === OTHER_NAMES ? !FACT_TABLES.has(t) : t === unit);

/** 1. Each event's digest of the unit's tables, from its entries in key order. */
function eventsPart(unit: RowsUnit, events: ReadonlyMap<number, Record<string, string>>, digests: readonly [string, number, string][]): Problem[] {
  const out: Problem[] = [];
  const seen = new Set<string>();
  for (const [tbl, seq, got] of digests) {
    seen.add(`${tbl}\u0000${seq}`);
    const byTable = events.get(seq);
    // Own keys only: a forged name such as "constructor" is no digest an event recorded.
    const want = byTable && Object.hasOwn(byTable, tbl) ? byTable[tbl] : undefined;
    if (want === got) continue;
    out.push({
      check: 'chain.rows',
      ref: { table: tbl, seq },
      message:
        want === undefined
          ? text(`表 ${tbl} 有记在事件 #${seq} 名下的行封记，但该事件没有记录写过此表：封记被伪造`, `row seals of ${tbl} name event #${seq}, which recorded no rows of that table: the seals were forged`)
          : text(`表 ${tbl} 中事件 #${seq} 写入的行的封记与该事件记录的摘要不符：行或其封记被改动、增加或删除`, `the seals of the ${tbl} rows written by event #${seq} no longer match the digest that event recorded: rows or their seals were changed, added or deleted`),
    });
  }
  for (const [seq, byTable] of events) {
    for (const tbl of Object.keys(byTable)) {
      if (!inUnit(unit, tbl) || seen.has(`${tbl}\u0000${seq}`)) continue;
      out.push({
        check: 'chain.rows',
        ref: { table: tbl, seq },
        message: text(`事件 #${seq} 记录写入了表 ${tbl} 的行，但这些行的封记已不存在：封记被删除`, `event #${seq} recorded rows of ${tbl}, but their seals are gone: the seals were deleted`),
      });
    }
  }
  return out;
}

/** 2 and 3. Each row of table `t` against its newest entry; rows an event wrote that are gone. `live`: the rows it should hold now (sealPass). */
function tableRows(db: Db, t: string, tables: ReadonlySet<string>, live: number): Problem[] {
  const out: Problem[] = [];
  if (!tables.has(t)) {
    if (live) out.push({ check: 'chain.rows', ref: { table: t }, message: text(`表 ${t} 已不存在，但其中有事件写入的行`, `the table ${t} is gone, but events wrote rows into it`) });
    return out;
  }
  const k = keyExpr(t, 'r.');
  // Each row against its key's newest entry, found in one step down row_seals' key (no entry, or a deletion: '');
  // which entry that was is looked up again only for the rows that differ.
  const differing = db
    .prepare(
      `SELECT ${k} FROM main.${q(t)} r
        WHERE coalesce(hex((SELECT hash FROM row_seals WHERE tbl = '${t}' AND key = ${k} ORDER BY seq DESC LIMIT 1)), '') <> jm_row_hash('${t}', ${rowText(db, t, 'r.')})`,
    )
    .pluck()
    .all() as string[];
  const newestEntry = db.prepare('SELECT seq, hash IS NULL FROM row_seals WHERE tbl = ? AND key = ? ORDER BY seq DESC LIMIT 1').raw();
  let unaccounted = 0;
  for (const key of differing) {
    const [seq, deleted] = (newestEntry.get(t, key) as [number, number] | undefined) ?? [null, 0];
    const ref = keyRef(t, key, seq ?? undefined);
    const where = shown(ref);
    if (seq === null || deleted) unaccounted++;
    out.push({
      check: 'chain.rows',
      ref,
      message:
        seq === null
          ? text(`表 ${t} 中的行（${where}）没有任何事件记账：它是在 jmfund 之外加入的`, `a row of ${t} (${where}) is accounted for by no event: it was added outside jmfund`)
          : deleted
            ? text(`表 ${t} 中的行（${where}）已由事件 #${seq} 删除，却又出现了`, `a row of ${t} (${where}) was deleted by event #${seq}, yet it is there`)
            : text(`表 ${t} 中的行（${where}）与写入它的事件 #${seq} 记录的不符：它在 jmfund 之外被改动`, `a row of ${t} (${where}) differs from what event #${seq}, which wrote it, recorded: it was changed outside jmfund`),
    });
  }
  // 3. Rows an event wrote that are gone: looked for one by one only when the counts differ.
  const present = (db.prepare(`SELECT count(*) FROM main.${q(t)}`).pluck().get() as number) - unaccounted;
  if (live === present) return out;
  const exists = db.prepare(`SELECT 1 FROM main.${q(t)} r WHERE ${keyMatch(t, 'r', '?')}`).pluck();
  const newest = db
    .prepare(`SELECT s.key, s.seq FROM row_seals s WHERE s.tbl = ? AND s.hash IS NOT NULL AND s.seq = (SELECT max(seq) FROM row_seals WHERE tbl = s.tbl AND key = s.key)`)
    .all(t) as { key: string; seq: number }[];
  for (const s of newest) {
    if (exists.get(...SEALED_TABLES[t].map(() => s.key)) !== undefined) continue;
    const ref = keyRef(t, s.key, s.seq);
    out.push({
      check: 'chain.rows',
      ref,
      message: text(`事件 #${s.seq} 写入表 ${t} 的行（${shown(ref)}）已不存在：它在 jmfund 之外被删除`, `the row of ${t} (${shown(ref)}) written by event #${s.seq} is gone: it was deleted outside jmfund`),
    });
  }
  return out;
}
