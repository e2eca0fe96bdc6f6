// The one error type a command throws for an expected failure; only main.ts
// turns it into an exit code (0 ok, 1 problems found, 2 usage/input, 3 refused).
import type { Text } from './text.js';

export type ExitCode = 0 | 1 | 2 | 3;

export class UserError extends Error {
  constructor(
    readonly text: Text,
    readonly exitCode: ExitCode = 2,
    readonly hint?: Text,
  ) {
    super(text.en);
  }
}

/** Refused by the state machine or a rule of the fund (exit 3). */
export class RefusedError extends UserError {
  constructor(t: Text, hint?: Text) {
    super(t, 3, hint);
  }
}

/**
 * A value the rules cannot work with (a date out of range, an amount past
 * 2^53 fen, a category the policy does not have). Input is checked as it is
 * read, so it comes from a stored value import would never have accepted — a
 * ledger edited behind jmfund's back — and the CLI says so (exit 3) instead of
 * reporting an internal error.
 */
export class StoredValueError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'StoredValueError';
  }
}
