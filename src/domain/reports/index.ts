// One builder per report kind; each is pure: facts in, Report out. A builder
// makes the aggregates (meta, summaries, charts) in a pass over the facts; the
// rows it returns are computed as the exporter pulls them.
import type { Report, ReportKind } from './model.js';
import { buildAudit } from './audit.js';
import { buildAwards } from './awards.js';
import type { RoundFacts } from './facts.js';
import { buildFundUsage } from './fund-usage.js';
import { buildNotice } from './notice-list.js';
import { buildPerformance } from './performance.js';

export type { RoundFacts } from './facts.js';

/** The reports built from a round's facts; `line` is built from the funding-line analysis (reports/line.ts). */
export type FactsReportKind = Exclude<ReportKind, 'line'>;

const BUILDERS: Record<FactsReportKind, (f: RoundFacts, generatedAt: string) => Report> = {
  awards: buildAwards,
  notice: buildNotice,
  audit: buildAudit,
  'fund-usage': buildFundUsage,
  performance: buildPerformance,
};

export function buildReport(kind: FactsReportKind, facts: RoundFacts, generatedAt: string): Report {
  return BUILDERS[kind](facts, generatedAt);
}
