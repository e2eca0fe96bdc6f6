// Money through the stages on the stored rows (SPEC §14): final ≤ filed ≤
// the amount allocated when the award was filed, by domain/money-stages'
// moneyBreaks. paid ≤ final, clawback_due ≤ paid and recovered ≤
// clawback_due are lifecycle.payments and lifecycle.recoveries.
import { moneyBreaks } from '../../domain/money-stages.js';
import { text } from '../../domain/text.js';
import type { Check, Problem } from './types.js';

interface Row {
  application_id: string;
  filed_fen: number;
  final_fen: number | null;
  manual_fen: number | null;
  line_fen: number | null;
}

export const filedWithinAllocated: Check = {
  id: 'money.stages',
  title: text('核定不超过备案，备案不超过备案时的拟安排', 'final within filed, filed within what was allocated when it was filed'),
  needs: {
    filed_awards: ['application_id', 'filing_id', 'amount_fen'],
    filings: ['filing_id', 'created_at'],
    allocations: ['round_id', 'version', 'created_at'],
    allocation_lines: ['round_id', 'version', 'application_id', 'award_fen'],
    manual_awards: ['id', 'application_id', 'amount_fen', 'created_at'],
    acceptances: ['application_id', 'final_award_fen'],
  },
  run(db) {
    // The award in force at filing: the newest manual award set by then (Art. 7(5)), else the line of the
    // newest allocation version made by then. Instants never go backwards, so their text order is their time order.
    const rows = db
      .prepare(
        `SELECT f.application_id, f.amount_fen AS filed_fen,
                (SELECT c.final_award_fen FROM acceptances c WHERE c.application_id = f.application_id) AS final_fen,
                (SELECT m.amount_fen FROM manual_awards m WHERE m.application_id = f.application_id AND m.created_at <= g.created_at ORDER BY m.id DESC LIMIT 1) AS manual_fen,
                (SELECT l.award_fen FROM allocation_lines l WHERE l.round_id = a.round_id AND l.application_id = f.application_id
                    AND l.version = (SELECT max(v.version) FROM allocations v WHERE v.round_id = a.round_id AND v.created_at <= g.created_at)) AS line_fen
           FROM filed_awards f JOIN filings g ON g.filing_id = f.filing_id JOIN applications a ON a.application_id = f.application_id
          ORDER BY f.application_id`,
      )
      .all() as Row[];
    const out: Problem[] = [];
    for (const r of rows) {
      const breaks = moneyBreaks({
        appId: r.application_id,
        filedFen: r.filed_fen,
        allocatedAtFilingFen: r.manual_fen ?? r.line_fen,
        acceptedFinalFen: r.final_fen,
        // Payments, clawbacks and recoveries are the other checks' (no double report).
        paidFen: 0,
        clawbackFen: 0,
        recoveredFen: 0,
      });
      for (const b of breaks) {
        out.push({
          check: 'money.stages',
          ref: b.identity === 'final-within-filed' ? { table: 'acceptances', key: { application_id: r.application_id } } : { table: 'filed_awards', key: { application_id: r.application_id } },
          message: b.text,
        });
      }
    }
    return out;
  },
};
