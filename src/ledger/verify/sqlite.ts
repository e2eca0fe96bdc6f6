// SQLite's own checks: the file is sound and every reference points at a row.
import { text } from '../../domain/text.js';
import { expectedSchema, type SchemaObject } from '../open.js';
import type { Check, Problem } from './types.js';
import { isAppendOnlyGuard } from './lifecycle.js';

export const integrity: Check = {
  id: 'sqlite.integrity',
  title: text('SQLite 完整性检查', 'SQLite integrity check'),
  needs: {},
  run: (db) => integrityProblems(db.prepare('PRAGMA integrity_check').pluck().all() as string[]),
};

/**
 * The integrity check of a backup's copy: PRAGMA quick_check reads every page
 * of the copy and checks every b-tree in it, which is what a damaged or
 * incomplete copy breaks. What integrity_check adds (each index holds exactly
 * its table's rows) is page for page the ledger's own, which `verify` checks.
 */
export const quickIntegrity: Check = {
  ...integrity,
  run: (db) => integrityProblems(db.prepare('PRAGMA quick_check').pluck().all() as string[]),
};

/** The problems in the rows of PRAGMA integrity_check (run here or in a worker thread). */
export function integrityProblems(rows: readonly string[]): Problem[] {
  return rows
    .filter((r) => r !== 'ok')
    .map(
      (r): Problem => ({
        check: 'sqlite.integrity',
        ref: {},
        message: text(`数据库文件损坏：${r}`, `database file damaged: ${r}`),
      }),
    );
}

interface FkRow {
  table: string;
  rowid: number | null;
  parent: string;
  fkid: number;
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

export const foreignKeys: Check = {
  id: 'sqlite.foreign-keys',
  title: text('外键检查', 'foreign-key check'),
  needs: {},
  run(db) {
    const rows = db.prepare('PRAGMA foreign_key_check').all() as FkRow[];
    const out: Problem[] = [];
    const seen = new Set<string>();
    for (const r of rows) {
      const fk = db.prepare('SELECT "from" AS child, "to" AS parent FROM pragma_foreign_key_list(?) WHERE id = ? ORDER BY seq').all(r.table, r.fkid) as { child: string; parent: string | null }[];
      const cols = fk.map((f) => f.child);
      // Name the child row by the value it refers with (WITHOUT ROWID tables report no rowid).
      let values: Record<string, unknown>[] = [];
      if (cols.length && r.rowid !== null) {
        values = [db.prepare(`SELECT ${cols.map(q).join(', ')} FROM ${q(r.table)} WHERE rowid = ?`).get(r.rowid) as Record<string, unknown>];
      } else if (cols.length && fk.every((f) => f.parent)) {
        const match = fk.map((f) => `p.${q(f.parent!)} = c.${q(f.child)}`).join(' AND ');
        values = db
          .prepare(`SELECT DISTINCT ${cols.map((c) => `c.${q(c)}`).join(', ')} FROM ${q(r.table)} c WHERE ${cols.map((c) => `c.${q(c)} IS NOT NULL`).join(' AND ')} AND NOT EXISTS (SELECT 1 FROM ${q(r.parent)} p WHERE ${match})`)
          .all() as Record<string, unknown>[];
      }
      if (!values.length) values = [{}];
      for (const v of values) {
        const key = Object.fromEntries(cols.filter((c) => c in v).map((c) => [c, v[c] as string | number | null]));
        const id = `${r.table}\u0000${r.fkid}\u0000${JSON.stringify(key)}\u0000${r.rowid}`;
        if (seen.has(id)) continue;
        seen.add(id);
        const shown = Object.entries(key).map(([k, x]) => `${k}=${String(x)}`).join(', ');
        out.push({
          check: 'sqlite.foreign-keys',
          ref: { table: r.table, key: r.rowid !== null ? { rowid: r.rowid, ...key } : key },
          message: text(
            `${r.table} 的一行引用了 ${r.parent} 中不存在的记录${shown ? `（${shown}）` : ''}`,
            `a row of ${r.table} refers to a missing row of ${r.parent}${shown ? ` (${shown})` : ''}`,
          ),
        });
      }
    }
    return out;
  },
};

/**
 * Every table, index and trigger exactly as the migrations create it (the SQL
 * in sqlite_master, character for character): a CHECK dropped by rebuilding a
 * table, a trigger made harmless, an object added or removed is named. The
 * guards of append-only tables are lifecycle.guards's.
 */
export const schema: Check = {
  id: 'sqlite.schema',
  title: text('账本结构与迁移创建的完全一致', 'the schema is exactly what the migrations create'),
  needs: {},
  run(db) {
    const want = expectedSchema(db.pragma('user_version', { simple: true }) as number);
    const have = new Map((db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master').all() as SchemaObject[]).map((o) => [o.name, o]));
    const out: Problem[] = [];
    const kind = (o: SchemaObject) => ({ table: text('表', 'table'), index: text('索引', 'index'), trigger: text('触发器', 'trigger'), view: text('视图', 'view') })[o.type] ?? text(o.type, o.type);
    for (const w of want.values()) {
      if (isAppendOnlyGuard(w)) continue;
      const h = have.get(w.name);
      if (h && h.type === w.type && h.tbl_name === w.tbl_name && h.sql === w.sql) continue;
      const k = kind(w);
      out.push({
        check: 'sqlite.schema',
        ref: { table: w.tbl_name },
        message: h
          ? text(`${k.zh} ${w.name} 与迁移创建的不同：现为 ${h.sql ?? '—'}`, `${k.en} ${w.name} differs from what the migrations create: it is now ${h.sql ?? '—'}`)
          : text(`${k.zh} ${w.name} 已被删除`, `${k.en} ${w.name} has been removed`),
      });
    }
    for (const h of have.values()) {
      if (want.has(h.name) || h.name.startsWith('sqlite_stat')) continue;
      const k = kind(h);
      out.push({
        check: 'sqlite.schema',
        ref: { table: h.tbl_name },
        message: text(`账本中有迁移未创建的${k.zh} ${h.name}：${h.sql ?? ''}`, `the ledger has a ${k.en} the migrations do not create, ${h.name}: ${h.sql ?? ''}`),
      });
    }
    return out;
  },
};
