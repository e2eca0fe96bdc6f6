// Every fact row under the chain (issue 16; ledger/seals.ts has the design):
// each row must match the newest entry row_seals holds for it, and the entries
// of each event must add up to the digest that event recorded (events.sealed,
// covered by its hash, the chain and any anchor).
import { text } from '../../domain/text.js';
import type { Db } from '../open.js';
import { entryText, keyExpr, keyMatch, q, rowHash, SEALED_TABLES, sha256 } from '../seals.js';
import type { Check, Problem, ProblemRef } from './types.js';

type Hash = ReturnType<typeof sha256>;

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

export const rowsSealed: Check = {
  id: 'chain.rows',
  title: text('每一行记录都由写入它的事件记账', 'every row accounted for by the event that wrote it'),
  needs: { row_seals: ['tbl', 'key', 'seq', 'hash'], events: ['seq', 'sealed'] },
  run(db) {
    const out: Problem[] = [];
    const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    const events = recorded(db);
    // 1. The entries, in key order within each table: each event's digest, and how many rows each table should hold now.
    const digests = new Map<string, Map<number, Hash>>();
    const live = new Map<string, number>();
    let last: { tbl: string; key: string; hash: Buffer | null } | null = null;
    const count = (e: { tbl: string; hash: Buffer | null } | null) => {
      if (e?.hash) live.set(e.tbl, (live.get(e.tbl) ?? 0) + 1);
    };
    for (const [tbl, key, seq, hash] of db.prepare('SELECT tbl, key, seq, hash FROM row_seals ORDER BY tbl, key, seq').raw().iterate() as IterableIterator<[string, string, number, Buffer | null]>) {
      if (last && (last.tbl !== tbl || last.key !== key)) count(last);
      last = { tbl, key, hash };
      let bySeq = digests.get(tbl);
      if (!bySeq) digests.set(tbl, (bySeq = new Map()));
      let h = bySeq.get(seq);
      if (!h) bySeq.set(seq, (h = sha256()));
      h.update(entryText(key, hash));
    }
    count(last);
    const seen = new Set<string>();
    for (const [tbl, bySeq] of digests) {
      for (const [seq, h] of bySeq) {
        seen.add(`${tbl}\u0000${seq}`);
        const want = events.get(seq)?.[tbl];
        if (want === h.digest('hex')) continue;
        out.push({
          check: 'chain.rows',
          ref: { table: tbl, seq },
          message:
            want === undefined
              ? text(`表 ${tbl} 有记在事件 #${seq} 名下的行封记，但该事件没有记录写过此表：封记被伪造`, `row seals of ${tbl} name event #${seq}, which recorded no rows of that table: the seals were forged`)
              : text(`表 ${tbl} 中事件 #${seq} 写入的行的封记与该事件记录的摘要不符：行或其封记被改动、增加或删除`, `the seals of the ${tbl} rows written by event #${seq} no longer match the digest that event recorded: rows or their seals were changed, added or deleted`),
        });
      }
    }
    for (const [seq, byTable] of events) {
      for (const tbl of Object.keys(byTable)) {
        if (seen.has(`${tbl}\u0000${seq}`)) continue;
        out.push({
          check: 'chain.rows',
          ref: { table: tbl, seq },
          message: text(`事件 #${seq} 记录写入了表 ${tbl} 的行，但这些行的封记已不存在：封记被删除`, `event #${seq} recorded rows of ${tbl}, but their seals are gone: the seals were deleted`),
        });
      }
    }
    // 2. Each row against its newest entry.
    for (const t of Object.keys(SEALED_TABLES)) {
      if (!tables.has(t)) {
        if (live.get(t)) out.push({ check: 'chain.rows', ref: { table: t }, message: text(`表 ${t} 已不存在，但其中有事件写入的行`, `the table ${t} is gone, but events wrote rows into it`) });
        continue;
      }
      const k = keyExpr(t, 'r.');
      const rows = db
        .prepare(
          `SELECT ${k}, s.seq, s.hash, r.* FROM main.${q(t)} r
             LEFT JOIN row_seals s ON s.tbl = '${t}' AND s.key = ${k} AND s.seq = (SELECT max(seq) FROM row_seals WHERE tbl = '${t}' AND key = ${k})`,
        )
        .raw()
        .iterate() as IterableIterator<unknown[]>;
      let matched = 0;
      for (const r of rows) {
        const [key, seq, hash] = r as [string, number | null, Buffer | null];
        if (seq !== null && hash !== null && rowHash(t, r.slice(3)).equals(hash)) {
          matched++;
          continue;
        }
        const ref = keyRef(t, key, seq ?? undefined);
        const where = shown(ref);
        out.push({
          check: 'chain.rows',
          ref,
          message:
            seq === null
              ? text(`表 ${t} 中的行（${where}）没有任何事件记账：它是在 jmfund 之外加入的`, `a row of ${t} (${where}) is accounted for by no event: it was added outside jmfund`)
              : hash === null
                ? text(`表 ${t} 中的行（${where}）已由事件 #${seq} 删除，却又出现了`, `a row of ${t} (${where}) was deleted by event #${seq}, yet it is there`)
                : text(`表 ${t} 中的行（${where}）与写入它的事件 #${seq} 记录的不符：它在 jmfund 之外被改动`, `a row of ${t} (${where}) differs from what event #${seq}, which wrote it, recorded: it was changed outside jmfund`),
        });
        if (seq !== null && hash !== null) matched++;
      }
      // 3. Rows an event wrote that are gone: looked for one by one only when the counts differ.
      if ((live.get(t) ?? 0) === matched) continue;
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
    }
    return out;
  },
};
