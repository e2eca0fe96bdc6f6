// How far a long operation has got, told to whoever listens (a progress bar
// on a terminal, or no one). Operations never touch the terminal: they call
// these methods, and the CLI decides what to draw.
import type { Text } from '../domain/text.js';

/** What a phase counts. */
export type ProgressUnit = 'rows' | 'applications' | 'pages' | 'bytes' | 'checks' | 'draws';

export interface Progress {
  /** A new stretch of work: what it is and how many units in all (null when unknown; `estimated`: about so many). */
  phase(label: Text, total: number | null, unit: ProgressUnit, estimated?: boolean): void;
  /** Units of the current phase done so far. Cheap: call it as often as is convenient. */
  tick(done: number): void;
  /** The work is over (a bar is cleared). */
  done(): void;
}

/** Nobody listens. */
export const NO_PROGRESS: Progress = { phase() {}, tick() {}, done() {} };

/**
 * A callback for the floors below (the ledger reports `done` of `total` as it
 * goes): a new phase whenever the total changes, a tick each time.
 */
export function reporter(progress: Progress | undefined, label: Text, unit: ProgressUnit): ((done: number, total: number) => void) | undefined {
  if (!progress) return undefined;
  let phaseTotal = -1;
  return (done, total) => {
    if (total !== phaseTotal) progress.phase(label, (phaseTotal = total), unit);
    progress.tick(done);
  };
}
