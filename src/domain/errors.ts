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
