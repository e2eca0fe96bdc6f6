// What the report builders read about one round: plain values the ledger
// repository (src/ledger/reports.repo.ts) fills from whatever tables exist,
// so a report works at any stage of the round (before allocation, after it,
// after filing). Money is integer fen; dates YYYY-MM-DD; instants ISO UTC.
// What grows with the round (applications, results, scores, lines, money)
// comes as Rows: read from the ledger as it is iterated, never held whole.
import type { MoneyFacts } from '../money-stages.js';
import type { Policy } from '../policy.js';
import type { Text } from '../text.js';

export interface FactsRound {
  id: string;
  opensOn: string;
  closesOn: string;
  policyId: string;
  policyHash: string;
  /** Budget per category as the round was created (an allocation may override). */
  budgets: Record<string, number>;
}

export interface FactsApp {
  id: string;
  enterprise: string;
  uscc: string;
  /** Canonical Chinese district name, or the text as written. */
  district: string;
  category: string;
  cluster: string | null;
  project: string;
  totalInvestmentFen: number;
  requestedFen: number;
  submittedOn: string;
  state: string;
  eligibility: string | null;
  trainingEvents: number | null;
  trainees: number | null;
}

export interface FactsCapInput {
  id: string;
  category: string;
  totalInvestmentFen: number;
  requestedFen: number;
}

export interface FactsEligibility {
  appId: string;
  rule: string;
  outcome: string;
  article: string;
  reason: Text;
  decision: { outcome: string; reason: string; by: string; at: string } | null;
}

export interface FactsOutcomeCount {
  rule: string;
  /** The decision's outcome when one settles the result, else the rule's. */
  outcome: string;
  count: number;
}

export interface FactsScore {
  appId: string;
  expertId: string;
  /** Hundredths of a point, null when recused without a score. */
  scoreCenti: number | null;
  recused: boolean;
  outlier: boolean;
}

export interface FactsAggregate {
  appId: string;
  method: string;
  status: string;
  scoreDisplay: string | null;
  experts: number;
  recused: number;
  outliers: number;
}

export interface FactsAllocation {
  version: number;
  method: string;
  shortfall: string;
  tieBreak: string;
  budgets: Record<string, number>;
  ties: number;
  createdAt: string;
  createdBy: string;
}

export interface FactsLine {
  version: number;
  appId: string;
  category: string;
  cluster: string | null;
  rank: number | null;
  scoreDisplay: string | null;
  capFen: number;
  entitledFen: number;
  awardFen: number;
  reason: string;
  binding: string | null;
}

export interface FactsNotice {
  id: number;
  version: number | null;
  from: string;
  to: string;
  days: number;
  publishedAt: string;
  publishedBy: string;
  /** How many awards were published on it (the awards: RoundFacts.dossiers({ notice })). */
  itemCount: number;
}

export interface FactsObjection {
  id: string;
  appId: string;
  receivedOn: string;
  from: string | null;
  accepted: boolean;
  status: string;
  note: string | null;
  /** anonymous, after-notice …: why it was not accepted (不予受理). */
  notAcceptedReason: string | null;
  resolvedOn: string | null;
}

export interface FactsFiling {
  filingId: number;
  appId: string;
  filedFen: number;
  filedOn: string;
  by: string;
}

/** One act of filing (备案): its totals and the hash verify checks the filed amounts against. */
export interface FactsFilingRecord {
  id: number;
  filedOn: string;
  count: number;
  /** Exact: a bigint past 2^53 fen. */
  totalFen: number | bigint;
  hash: string;
  at: string;
  by: string;
}

export interface FactsAcceptance {
  appId: string;
  date: string;
  result: string;
  actualInvestmentFen: number | null;
  finalAwardFen: number | null;
  actualEvents: number | null;
  actualTrainees: number | null;
  by: string;
}

export interface FactsPayment {
  appId: string;
  date: string;
  amountFen: number;
  by: string;
}

export interface FactsClawback {
  id: string;
  appId: string;
  amountFen: number;
  source: string;
  reason: string;
  orderedOn: string;
}

export interface FactsRecovery {
  appId: string;
  date: string;
  amountFen: number;
}

export interface FactsSpotCheck {
  appId: string;
  seed: string;
  drawnOn: string;
  result: string | null;
  finding: string | null;
}

export interface FactsEvent {
  seq: number;
  at: string;
  officer: string;
  command: string;
  hash: string;
}

export interface FactsVerify {
  ok: boolean;
  problems: { check: string; where: string; message: Text }[];
  skipped: string[];
  events: number;
  lastHash: string;
}

/**
 * Records read from the ledger one at a time as they are iterated; iterating
 * again reads them again. A builder keeps aggregates, never the records.
 */
export type Rows<T> = Iterable<T>;

/**
 * Where one application stands: its line and money, with the few fields of
 * the application its sums are kept by. What the charts and the money tables
 * need (RoundFacts.standings), read without its names and figures.
 */
export interface FactsStanding {
  app: Pick<FactsApp, 'id' | 'category' | 'cluster' | 'district' | 'state'>;
  /** Its line in the latest allocation, or its manual award (Art. 7(5)); null if it has none. */
  line: FactsLine | null;
  /** What domain/money-stages computes its amounts from. */
  money: MoneyFacts;
}

/** A standing without its line: what a sum of the money needs (RoundFacts.tallies). */
export type FactsTally = Omit<FactsStanding, 'line'>;

/** One application with where it stands at every stage: its line, score, acceptance and money. */
export interface FactsDossier extends FactsStanding {
  app: FactsApp;
  /** The aggregate score as displayed; null before aggregation or without a score. */
  aggregateScore: string | null;
  acceptance: FactsAcceptance | null;
  /** The award it has on the notice asked for (DossierQuery.notice), else null. */
  noticeAwardFen: number | null;
}

/**
 * A row of the award list: its dossier without what the list does not show (credit code, district, dates,
 * training figures, eligibility, acceptance; the line's category, cluster and entitlement).
 */
export interface FactsAwardRow {
  app: Pick<FactsApp, 'id' | 'enterprise' | 'project' | 'category' | 'cluster' | 'requestedFen' | 'totalInvestmentFen' | 'state'>;
  line: Pick<FactsLine, 'rank' | 'scoreDisplay' | 'capFen' | 'awardFen' | 'reason' | 'binding'> | null;
  aggregateScore: string | null;
  money: MoneyFacts;
}

export interface DossierQuery {
  /** Only the applications of one category. */
  category?: string;
  /** Only the applications on one public notice, with the award published there. */
  notice?: number;
  /** id (the default); rank: by the line's rank, unranked last, then id; enterprise: by credit code, then id. */
  order?: 'id' | 'rank' | 'enterprise';
}

export interface RoundFacts {
  round: FactsRound;
  policy: Policy;
  /** The round's applications by id. */
  apps: Rows<FactsApp>;
  /** The same applications with only what the cap arithmetic needs (a third of the reading). */
  capInputs: Rows<FactsCapInput>;
  appCount: number;
  /** The categories the applications are in (each once). */
  appCategories: string[];
  /** How many applications each of appCategories holds. */
  appCountIn(category: string): number;
  dossiers(q?: DossierQuery): Rows<FactsDossier>;
  /** dossiers(q) as the award list reads them (a third fewer columns). */
  awardRows(q?: DossierQuery): Rows<FactsAwardRow>;
  /** Every application's standing, by id: dossiers() without what the money and the charts do not need (a third of the reading). */
  standings: Rows<FactsStanding>;
  /** The standings, by id, without their lines (a third fewer columns read): for the reports that only sum the money. */
  tallies: Rows<FactsTally>;
  eligibility: Rows<FactsEligibility>;
  /** How many of `eligibility` each rule has with each outcome (a decision's when one settles it), counted without rebuilding them. */
  eligibilityCounts(): FactsOutcomeCount[];
  scores: Rows<FactsScore>;
  /** How many `scores` holds (counted, not read; for a progress bar's total). */
  scoreCount(): number;
  aggregates: Rows<FactsAggregate>;
  /** How many `aggregates` holds (counted, not read). */
  aggregateCount(): number;
  /** The latest allocation version (the proposal), null before the first allocate. */
  allocation: FactsAllocation | null;
  /** Every version, oldest first. */
  versions: FactsAllocation[];
  /** Public notices, oldest first. */
  notices: FactsNotice[];
  objections: Rows<FactsObjection>;
  filings: Rows<FactsFiling>;
  filingRecords: FactsFilingRecord[];
  acceptances: Rows<FactsAcceptance>;
  payments: Rows<FactsPayment>;
  clawbacks: Rows<FactsClawback>;
  recoveries: Rows<FactsRecovery>;
  spotChecks: Rows<FactsSpotCheck>;
  events: Rows<FactsEvent>;
  verify: FactsVerify;
  /** The ledger's newest event when the report was made (an anchor: see `jmfund anchor`). */
  head: LedgerHead;
}

/** The newest event of the log: its number and hash (0 and the genesis hash in an empty log). */
export interface LedgerHead {
  seq: number;
  hash: string;
}
