// Rows that allocation reads, written straight into a ledger: applications with
// their eligibility (application_eligibility, migration 012) and stored
// aggregate scores (migration 004).
// Creates those shapes itself if the migrations do not provide them yet.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../src/ledger/open.js';
import { FIXTURES } from '../helpers.js';

export interface AppSpec {
  id: string;
  category?: string;
  cluster?: string | null;
  uscc?: string;
  enterprise?: string;
  /** yuan */
  requested?: number;
  /** yuan; default 10 × requested */
  investment?: number;
  submittedOn?: string;
  eligibility?: 'eligible' | 'ineligible' | 'needs-review' | null;
  /** points as a number (2 decimals) or [num, den]; null: no aggregate */
  score?: number | [number, number] | null;
  status?: 'scored' | 'insufficient-reviews' | 'below-threshold';
  state?: string;
}

export function ensureUpstream(db: Db): void {
  db.exec(`CREATE TABLE IF NOT EXISTS score_aggregates (
    application_id TEXT PRIMARY KEY REFERENCES applications(application_id), round_id TEXT NOT NULL, method TEXT NOT NULL,
    status TEXT NOT NULL, score_num TEXT, score_den TEXT, score_display TEXT, score_key TEXT, experts INTEGER NOT NULL,
    recused INTEGER NOT NULL, outliers_json TEXT NOT NULL DEFAULT '[]', details_json TEXT NOT NULL DEFAULT '{}', computed_at TEXT NOT NULL) STRICT`);
}

const fen = (yuan: number) => Math.round(yuan * 100);

function fraction(score: number | [number, number]): [bigint, bigint] {
  return Array.isArray(score) ? [BigInt(score[0]), BigInt(score[1])] : [BigInt(Math.round(score * 100)), 100n];
}

/** Same shape as scoring's score_key: 3 integer digits, '.', 30 fractional digits, truncated. */
function key(num: bigint, den: bigint): string {
  const t = ((num * 10n ** 30n) / den).toString().padStart(33, '0');
  return `${t.slice(0, 3)}.${t.slice(3)}`;
}

function display(num: bigint, den: bigint): string {
  const q = (2n * num * 100n + den) / (2n * den);
  return `${q / 100n}.${String(q % 100n).padStart(2, '0')}`;
}

export function addApplications(db: Db, roundId: string, specs: AppSpec[]): void {
  ensureUpstream(db);
  const ins = db.prepare(`INSERT INTO applications (application_id, round_id, enterprise_name, uscc, district, established_on,
      independent_legal_person, category, cluster, project_name, total_investment_fen, requested_amount_fen, other_fiscal_support,
      past_projects_compliant, credit_good, major_accident, ready_to_implement, submitted_on, source_file, source_line,
      source_sha256, content_hash, state, created_at, updated_at)
    VALUES (?, ?, ?, ?, '蓬江区', '2015-01-01', 1, ?, ?, ?, ?, ?, 0, 1, 1, 0, 1, ?, 'test', ?, 'x', ?, ?, '2022-05-01T00:00:00.000Z', '2022-05-01T00:00:00.000Z')`);
  const checked = db.prepare('INSERT INTO application_eligibility (application_id, eligibility) VALUES (?, ?)');
  const score = db.prepare(`INSERT INTO score_aggregates (application_id, round_id, method, status, score_num, score_den, score_display,
      score_key, experts, recused, outliers_json, details_json, computed_at) VALUES (?, ?, 'mean', ?, ?, ?, ?, ?, 3, 0, '[]', '{}', '2022-05-02T00:00:00.000Z')`);
  db.transaction(() => {
    specs.forEach((s, i) => {
      const requested = s.requested ?? 100_000;
      const uscc = s.uscc ?? `91440703MA${String(i).padStart(7, '0')}X`;
      ins.run(
        s.id,
        roundId,
        s.enterprise ?? `江门市${s.id}科技有限公司`,
        uscc,
        s.category ?? 'sme-cloud',
        s.cluster ?? null,
        `项目${s.id}`,
        fen(s.investment ?? requested * 10),
        fen(requested),
        s.submittedOn ?? '2022-03-15',
        i + 2,
        `hash-${s.id}`,
        s.state ?? 'eligible',
      );
      const eligibility = s.eligibility === undefined ? 'eligible' : s.eligibility;
      if (eligibility !== null) checked.run(s.id, eligibility);
      const sc = s.score === undefined ? 80 : s.score;
      if (sc === null) {
        if (s.status === 'insufficient-reviews') score.run(s.id, roundId, 'insufficient-reviews', null, null, null, null);
        return;
      }
      const [num, den] = fraction(sc);
      const status = s.status ?? (num >= 60n * den ? 'scored' : 'below-threshold');
      score.run(s.id, roundId, status, num.toString(), den.toString(), display(num, den), key(num, den));
    });
  })();
}

/** A scenario from fixtures/allocate/NAME.json: { budgets (yuan), applications: AppSpec[] }. */
export function scenario(name: string): { budgets: Record<string, number>; applications: AppSpec[] } {
  const s = JSON.parse(readFileSync(join(FIXTURES, 'allocate', `${name}.json`), 'utf8')) as { budgets: Record<string, number>; applications: AppSpec[] };
  return { budgets: Object.fromEntries(Object.entries(s.budgets).map(([k, v]) => [k, fen(v)])), applications: s.applications };
}
