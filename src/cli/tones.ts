// Which shown values carry a colour on a terminal, in both languages, read
// from the one label table: green for eligible / funded, red for ineligible /
// refused, yellow for what needs a person's look.
import { ELIGIBILITY_STATUS_LABELS, OUTCOME_LABELS, REASON_LABELS, SCORE_STATUS_LABELS, STATE_LABELS } from '../domain/labels.js';
import type { Text } from '../domain/text.js';

const both = (...labels: Text[]): Set<string> => new Set(labels.flatMap((t) => [t.zh, t.en]));

export const GOOD_CODES = both(
  ELIGIBILITY_STATUS_LABELS.eligible,
  OUTCOME_LABELS.pass,
  REASON_LABELS.funded,
  REASON_LABELS['funded-in-part'],
  REASON_LABELS['funded-pro-rata'],
  STATE_LABELS.proposed,
  STATE_LABELS.filed,
  STATE_LABELS.accepted,
  STATE_LABELS.disbursed,
  SCORE_STATUS_LABELS.scored,
);

export const BAD_CODES = both(
  ELIGIBILITY_STATUS_LABELS.ineligible,
  OUTCOME_LABELS.fail,
  REASON_LABELS.ineligible,
  REASON_LABELS['below-threshold'],
  STATE_LABELS['not-funded'],
  STATE_LABELS['rejected-at-acceptance'],
  STATE_LABELS['clawback-due'],
  STATE_LABELS.withdrawn,
);

export const WARN_CODES = both(STATE_LABELS['needs-review'], SCORE_STATUS_LABELS['insufficient-reviews'], REASON_LABELS['did-not-fit'], REASON_LABELS['no-budget-left']);
