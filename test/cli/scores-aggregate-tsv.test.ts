// Piped, `scores aggregate` writes each line of its table as finished TSV text
// (Printer.tsvTable) instead of cells through Printer.table: both must give the
// same bytes, in both languages.
import { describe, expect, it } from 'vitest';
import { aggregateCommand } from '../../src/cli/commands/scores.js';
import { makeContext } from '../../src/cli/context.js';
import { makePrinter, type Printer } from '../../src/cli/render.js';
import type { ScoreRow } from '../../src/domain/score-row.js';
import { inTransaction } from '../../src/ledger/open.js';
import { writeScores } from '../../src/ledger/scores.repo.js';
import { ledgerWithRound } from '../helpers.js';

describe('scores aggregate, piped', () => {
  it('writes the same TSV as the cells would: tabs and line breaks in ids, outliers, rounded ties, unscored and below the threshold', async () => {
    const l = ledgerWithRound('R1');
    const ids = Array.from({ length: 60 }, (_, i) => (i % 9 === 0 ? `A\t${i}\n` : `A-${String(i).padStart(3, '0')}`));
    const ins = l.db.prepare(
      `INSERT INTO applications (application_id, round_id, enterprise_name, uscc, district, established_on, independent_legal_person, category, project_name, total_investment_fen, requested_amount_fen, other_fiscal_support, past_projects_compliant, credit_good, major_accident, ready_to_implement, submitted_on, source_file, source_line, source_sha256, content_hash, created_at, updated_at)
       VALUES (?, 'R1', ?, ?, '蓬江区', '2015-01-01', 1, 'sme-cloud', ?, 100000000, 50000000, 0, 1, 1, 0, 1, '2022-03-10', 'apps.csv', ?, 'x', ?, '2022-03-01T00:00:00.000Z', '2022-03-01T00:00:00.000Z')`,
    );
    ids.forEach((id, i) => ins.run(id, `企业${i}`, `91440703MA${String(i).padStart(7, '0')}X`, `项目${i}`, i + 2, `h${i}`));
    const rows: ScoreRow[] = [];
    ids.forEach((id, i) => {
      if (i % 13 === 0) return;
      // Experts E\t1, E2, E3: an outlier every seventh application, equal rounded scores with different exact ones.
      const centis = i % 7 === 0 ? [9000, 6000, 6000] : i % 5 === 0 ? [8088, 8087, 8087] : i % 4 === 0 ? [5000, 5500, 5900] : [7000 + (i % 6) * 50, 7100, 7200 + (i % 3)];
      centis.forEach((c, e) => rows.push({ line: rows.length + 2, applicationId: id, expertId: e === 0 ? 'E\t1' : `E${e + 1}`, centi: c, criteria: null, recused: false, comment: null }));
    });
    inTransaction(l.db, () => writeScores(l.db, 'R1', rows, [], { file: 's.csv', sha256: 'a'.repeat(64), at: '2022-05-01T00:00:00.000Z' }));
    l.db.close();
    for (const lang of ['zh', 'en'] as const) {
      const ctx = makeContext({ lang, db: l.path });
      const term = { tty: false, columns: Infinity, color: false };
      const r = await aggregateCommand(ctx, { round: 'R1' });
      const fast: string[] = [];
      const cells: string[] = [];
      const p = makePrinter(ctx, (s) => fast.push(s), term);
      expect(p.tsvTable).not.toBeNull();
      r.human(p);
      const q: Printer = { ...makePrinter(ctx, (s) => cells.push(s), term), tsvTable: null };
      r.human(q);
      ctx.close();
      expect(fast.join('')).toBe(cells.join(''));
      // The cases this is meant to cover are there.
      expect(fast.join('')).toContain('A 9 \t');
      expect(fast.join('')).toContain('(= ');
      expect(fast.join('')).toContain('E 1');
      expect(fast.join('').split('\n').length).toBeGreaterThan(60);
    }
  });
});
