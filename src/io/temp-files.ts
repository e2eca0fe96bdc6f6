// Temporary files beside a file being written (backup, report --out, the
// notice list, rejects): named `.NAME.PID.RAND.tmp`, so that what a killed
// process left can be told from what a running one is writing. While one
// exists, Ctrl-C, SIGTERM and SIGHUP remove it (and SQLite's -journal of it)
// before the process ends; the next command writing in that folder removes
// those whose process is gone.
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const PATTERN = /^\.(.+)\.(\d+)\.[0-9a-f]{12}\.tmp(?:-journal|-wal|-shm)?$/;
/** What SQLite may create beside a database file being written. */
const SIDE_FILES = ['-journal', '-wal', '-shm'];

// Not node:crypto: the name only has to differ from this process's other
// temporary files, and crypto would load on every start (cli/main.ts imports
// the interrupt reporter from here).
const randomHex12 = (): string => Math.floor(Math.random() * 2 ** 48).toString(16).padStart(12, '0');

/** A fresh temporary name beside `target`. */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomHex12()}.tmp`);
}

const SIGNALS = { SIGINT: 2, SIGHUP: 1, SIGTERM: 15 } as const;
export type Sig = keyof typeof SIGNALS;
// An officer's stop (Ctrl-C) and a stop sent by the system (SIGTERM) end the
// same way, exit 130 (issue 17); a closed terminal is 128 + SIGHUP's number.
const EXIT_CODES: Readonly<Record<Sig, number>> = { SIGINT: 130, SIGTERM: 130, SIGHUP: 128 + SIGNALS.SIGHUP };
export const INTERRUPT_SIGNALS = Object.keys(SIGNALS) as Sig[];

const live = new Set<string>();
/** Says what happened before the process ends (the CLI sets it, in the officer's language). */
type InterruptReporter = (signal: Sig, removed: string[]) => void;
let reportInterrupt: InterruptReporter = (signal, removed) => {
  process.stderr.write(`jmfund: interrupted (${signal}); removed ${removed.length ? removed.join(', ') : 'nothing'}\n`);
};

export function setInterruptReporter(fn: InterruptReporter): void {
  reportInterrupt = fn;
}

const removeWithSides = (p: string): void => {
  for (const s of ['', ...SIDE_FILES]) rmSync(p + s, { force: true });
};

/** Removes every live temporary file (the process is about to end); returns their paths. */
function removeLive(): string[] {
  const removed = [...live];
  for (const p of removed) {
    try {
      removeWithSides(p);
    } catch {
      /* still end the process */
    }
  }
  live.clear();
  return removed;
}

/**
 * Ends the process for a signal: removes the live temporary files, lets the
 * reporter say what happened, exits (see EXIT_CODES). The CLI's
 * handler for every writing command ends through here too (cli/interrupt.ts).
 */
export function endOnSignal(signal: Sig): void {
  const removed = removeLive();
  try {
    reportInterrupt(signal, removed);
  } finally {
    process.exit(EXIT_CODES[signal]);
  }
}

/** Says what happened when the process fails outside any command's error handling (the CLI sets it). */
type CrashReporter = (error: unknown, removed: string[]) => void;
let reportCrash: CrashReporter = (error) => {
  process.stderr.write(`jmfund: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
};

export function setCrashReporter(fn: CrashReporter): void {
  reportCrash = fn;
}

/**
 * Ends the process for an error nothing caught (an 'error' event without a
 * listener in a library, say): the live temporary files are removed, the
 * reporter says what happened, exit 1 — as an internal error, not a stack trace.
 */
export function endOnCrash(error: unknown): void {
  const removed = removeLive();
  try {
    reportCrash(error, removed);
  } finally {
    process.exit(1);
  }
}

const handlers = new Map<Sig, () => void>();

/** Tracks a temporary file until the returned function is called (after it was renamed or removed). */
export function trackTemp(path: string): () => void {
  live.add(path);
  if (handlers.size === 0) {
    for (const sig of Object.keys(SIGNALS) as Sig[]) {
      const h = () => endOnSignal(sig);
      handlers.set(sig, h);
      process.on(sig, h);
    }
  }
  return () => {
    live.delete(path);
    if (live.size === 0) {
      for (const [sig, h] of handlers) process.off(sig, h);
      handlers.clear();
    }
  };
}

const running = (pid: number): boolean => {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, under another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export interface FoundTemp {
  path: string;
  pid: number;
  /** Its process still runs (it may be writing it now). */
  running: boolean;
}

/** jmfund's temporary files in `dir` (none if it cannot be read). */
export function findTemps(dir: string): FoundTemp[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const found: FoundTemp[] = [];
  for (const name of names) {
    const m = PATTERN.exec(name);
    if (!m) continue;
    const pid = Number(m[2]);
    found.push({ path: join(dir, name), pid, running: running(pid) });
  }
  return found.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Removes the temporary files in `dir` whose process is gone; returns them. */
export function removeStaleTemps(dir: string): string[] {
  const removed: string[] = [];
  for (const t of findTemps(dir)) {
    if (t.running) continue;
    try {
      rmSync(t.path, { force: true });
      removed.push(t.path);
    } catch {
      /* not ours to insist on: the write goes ahead */
    }
  }
  return removed;
}
