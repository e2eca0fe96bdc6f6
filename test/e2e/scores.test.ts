import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { FIXTURES, ledgerWithRound, runCli } from '../helpers.js';
import type { Db } from '../../src/ledger/open.js';

const F = join(FIXTURES, 'scores');

/** Applications inserted directly: the applications importer is not what is tested here. */
function insertApplications(db: Db, roundId: string, ids: string[]): void {
  const ins = db.prepare(
    `INSERT INTO applications (application_id, round_id, enterprise_name, uscc, district, established_on, independent_legal_person, category, project_name, total_investment_fen, requested_amount_fen, other_fiscal_support, past_projects_compliant, credit_good, major_accident, ready_to_implement, submitted_on, source_file, source_line, source_sha256, content_hash, created_at, updated_at)
     VALUES (?, ?, ?, ?, '蓬江区', '2015-01-01', 1, 'sme-cloud', ?, 100000000, 50000000, 0, 1, 1, 0, 1, '2022-03-10', 'apps.csv', ?, 'x', ?, '2022-03-01T00:00:00.000Z', '2022-03-01T00:00:00.000Z')`,
  );
  ids.forEach((id, i) => ins.run(id, roundId, `企业${id}`, `91440703MA${String(i).padStart(7, '0')}X`, `项目${id}`, i + 2, id));
}

function setup(ids = ['JM-0001', 'JM-0002', 'JM-0003', 'JM-0004', 'JM-0005']) {
  const { db, path, dir } = ledgerWithRound('R1');
  insertApplications(db, 'R1', ids);
  db.close();
  return { path, dir };
}

const count = (path: string, sql: string): number => {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).pluck().get() as number;
  } finally {
    db.close();
  }
};

describe('jmfund scores import', () => {
  it('imports a sheet with a title row and Chinese headers, then is idempotent', () => {
    const { path } = setup();
    const r = runCli(['scores', 'import', join(F, 'scores.csv'), '--round', 'R1', '--json'], { db: path });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = r.json<{ rows: number; inserted: number; unchanged: number; errors: unknown[] }>();
    expect(j).toMatchObject({ rows: 12, inserted: 12, unchanged: 0, errors: [] });
    expect(count(path, 'SELECT count(*) FROM scores')).toBe(12);
    expect(count(path, "SELECT count(*) FROM events WHERE command = 'scores import'")).toBe(1);
    const again = runCli(['scores', 'import', join(F, 'scores.csv'), '--round', 'R1'], { db: path });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('0 new, 0 updated, 12 already there');
    expect(count(path, "SELECT count(*) FROM events WHERE command = 'scores import'")).toBe(1);
  });
});
