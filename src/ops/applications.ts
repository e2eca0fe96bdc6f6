// jmfund applications list | show: the applications in the ledger, read only.
import { APPLICATION_STATES } from '../domain/application.js';
import { UserError } from '../domain/errors.js';
import { type MoneyJson, applicationMoney, applicationMoneyJson, currentAward } from '../domain/money-stages.js';
import { findCategory, findDistrict } from '../domain/policy.js';
import { text } from '../domain/text.js';
import type { ApplicationRow } from '../ledger/applications.repo.js';
import { roundMoneyFacts } from '../ledger/awards.repo.js';
import { type EligibilitySection, eligibilitySection } from '../ledger/eligibility.repo.js';
import { type ApplicationEvent, type ApplicationFilter, applicationEvents, countApplications, iterateApplications } from '../ledger/import.repo.js';
import { inReadSnapshotSync, type Db } from '../ledger/open.js';
import { listRounds } from '../ledger/rounds.repo.js';
import type { OpContext } from './context.js';
import { requireApplication, requireRound } from './lookup.js';

export interface ListApplicationsInput {
  round?: string;
  /** Category key or Chinese name. */
  category?: string;
  /** District: Chinese name, with or without 区/市, or division code. */
  district?: string;
  /** Application state. */
  status?: string;
}

/** The applications that match every filter given, by round and id (tests, small ledgers). */
export function listApplications(op: OpContext, input: ListApplicationsInput): ApplicationRow[] {
  return [...eachApplication(op, input)];
}

/**
 * listApplications read as it is iterated (each iteration reads the ledger
 * again): a province's 10^6 rows are never held at once. The filter is
 * checked now.
 */
export function eachApplication(op: OpContext, input: ListApplicationsInput): Iterable<ApplicationRow> {
  const filter = applicationFilter(op.db, input);
  return { [Symbol.iterator]: () => iterateApplications(op.db, filter) };
}

/**
 * The first `limit` applications that match, and how many match in all, read
 * from one state of the ledger: what a terminal shows of a long list, without
 * reading the rows it does not show.
 */
export function firstApplications(op: OpContext, input: ListApplicationsInput, limit: number): { rows: ApplicationRow[]; total: number } {
  const filter = applicationFilter(op.db, input);
  return inReadSnapshotSync(op.db, () => ({ rows: [...iterateApplications(op.db, filter, limit)], total: countApplications(op.db, filter) }));
}

/** The filter as the ledger compares it; a usage error for an unknown round or state. */
function applicationFilter(db: Db, input: ListApplicationsInput): ApplicationFilter {
  const policies = input.round !== undefined ? [requireRound(db, input.round).policy] : listRounds(db).map((r) => r.policy);
  if (input.status !== undefined && !(APPLICATION_STATES as readonly string[]).includes(input.status)) {
    throw new UserError(text(`未知的状态「${input.status}」；可用：${APPLICATION_STATES.join('、')}`, `unknown state "${input.status}"; use one of: ${APPLICATION_STATES.join(', ')}`), 2);
  }
  // A name the round's policy knows becomes its stored form; anything else is compared as written.
  const { category: c, district: d } = input;
  const category = c === undefined ? undefined : (policies.map((p) => findCategory(p, c)?.key).find(Boolean) ?? c.normalize('NFKC').trim());
  const district = d === undefined ? undefined : (policies.map((p) => findDistrict(p, d)?.zh).find(Boolean) ?? d.normalize('NFKC').trim());
  return { roundId: input.round, category, district, state: input.status };
}

export interface ApplicationView {
  row: ApplicationRow;
  /** Every event that names the application, oldest first. */
  events: ApplicationEvent[];
  eligibility: EligibilitySection | null;
  /** Its award as it stands: `final` once filed, else `allocated` (SPEC §14). */
  award_fen: number;
  /** Its money through the stages, as status and the reports count it (budget_fen null: a budget is a category's). */
  money: MoneyJson;
}

/** One application: every field, its money, its check results and decisions, and its history, read from one state of the ledger. */
export function showApplication(op: OpContext, input: { id: string }): ApplicationView {
  const key = input.id.normalize('NFKC').trim();
  return inReadSnapshotSync(op.db, () => {
    const { row } = requireApplication(op.db, key);
    const [{ facts }] = roundMoneyFacts(op.db, row.round_id, { applicationId: row.application_id });
    const m = applicationMoney(facts);
    return {
      row,
      events: applicationEvents(op.db, key),
      eligibility: eligibilitySection(op.db, key) ?? null,
      award_fen: currentAward(facts, m),
      money: applicationMoneyJson(m),
    };
  });
}
