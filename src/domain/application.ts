// An application (申报) as the domain sees it: typed values, money in fen,
// dates YYYY-MM-DD, category and cluster as policy keys.
export interface Application {
  applicationId: string;
  roundId: string;
  enterpriseName: string;
  uscc: string;
  /** Canonical Chinese name of a policy district, or the text as written when it is not one. */
  district: string;
  establishedOn: string;
  independentLegalPerson: boolean;
  category: string;
  /** A policy cluster key, or the text as written when unknown; null when not given. */
  cluster: string | null;
  projectName: string;
  totalInvestmentFen: number;
  requestedAmountFen: number;
  employees: number | null;
  annualRevenueFen: number | null;
  otherFiscalSupport: boolean;
  pastProjectsCompliant: boolean;
  creditGood: boolean;
  majorAccident: boolean;
  readyToImplement: boolean;
  trainingEvents: number | null;
  trainees: number | null;
  submittedOn: string;
  extra: Record<string, string>;
}

/** Lifecycle states (SPEC §2). */
export const APPLICATION_STATES = [
  'imported',
  'eligible',
  'ineligible',
  'needs-review',
  'scored',
  'proposed',
  'not-funded',
  'in-notice',
  'filed',
  'accepted',
  'disbursed',
  'rejected-at-acceptance',
  'clawback-due',
  'recovered',
  'withdrawn',
] as const;
export type ApplicationState = (typeof APPLICATION_STATES)[number];
