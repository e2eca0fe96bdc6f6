// SQLite's own checks: the file is sound and every reference points at a row.
import { text } from '../../domain/text.js';
import type { Check, Problem } from './types.js';

export const integrity: Check = {
  id: 'sqlite.integrity',
  title: text('SQLite 完整性检查', 'SQLite integrity check'),
  needs: {},
  run(db) {
    const rows = db.prepare('PRAGMA integrity_check').all() as { integrity_check: string }[];
    return rows
      .filter((r) => r.integrity_check !== 'ok')
      .map(
        (r): Problem => ({
          check: 'sqlite.integrity',
          ref: {},
          message: text(`数据库文件损坏：${r.integrity_check}`, `database file damaged: ${r.integrity_check}`),
        }),
      );
  },
};

interface FkRow {
  table: string;
  rowid: number | null;
  parent: string;
  fkid: number;
}

export const foreignKeys: Check = {
  id: 'sqlite.foreign-keys',
  title: text('外键检查', 'foreign-key check'),
  needs: {},
  run(db) {
    const rows = db.prepare('PRAGMA foreign_key_check').all() as FkRow[];
    return rows.map((r) => {
      // Name the child row by its primary key where it has one (WITHOUT ROWID tables have no rowid).
      const fk = db.prepare(`SELECT "from" AS col FROM pragma_foreign_key_list(?) WHERE id = ?`).all(r.table, r.fkid) as { col: string }[];
      const cols = fk.map((f) => f.col);
      let value = '';
      if (r.rowid !== null && cols.length) {
        const row = db.prepare(`SELECT ${cols.map((c) => `"${c}"`).join(', ')} FROM "${r.table}" WHERE rowid = ?`).get(r.rowid) as Record<string, unknown> | undefined;
        value = row ? cols.map((c) => `${c}=${String(row[c])}`).join(', ') : '';
      }
      return {
        check: 'sqlite.foreign-keys',
        ref: { table: r.table, key: r.rowid !== null ? { rowid: r.rowid } : undefined },
        message: text(
          `${r.table} 的一行引用了 ${r.parent} 中不存在的记录${value ? `（${value}）` : ''}`,
          `a row of ${r.table} refers to a missing row of ${r.parent}${value ? ` (${value})` : ''}`,
        ),
      };
    });
  },
};
