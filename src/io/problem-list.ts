// The full list of an import's row problems (NAME.warnings.csv,
// NAME.errors.csv): written row by row to a temporary file beside the target
// as the problems are found, so that a file with a problem on each of 10^6
// rows holds none of them in memory; given its name at the end only when the
// list is wanted (more than the screen shows), else removed. Private (0600):
// the rows carry applicants' names and figures, like a rejects file.
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { type CsvValue, csvCell } from './exporters/csv.js';
import { tempPathFor, trackTemp } from './temp-files.js';

/** Bytes gathered before a write. */
const FLUSH_AT = 64 * 1024;

export class ProblemListFile {
  private fd: number | null = null;
  private tmp: string | null = null;
  private untrack: (() => void) | null = null;
  private pending: string[] = [];
  private pendingBytes = 0;
  /** Why the list could not be written (the first failure), or null. */
  failure: string | null = null;

  constructor(
    readonly target: string,
    private readonly header: readonly string[],
  ) {}

  add(row: readonly CsvValue[]): void {
    if (this.failure !== null) return;
    if (this.fd === null) {
      try {
        this.tmp = tempPathFor(this.target);
        this.fd = openSync(this.tmp, 'wx', 0o600);
        this.untrack = trackTemp(this.tmp);
      } catch (e) {
        this.failure = (e as Error).message;
        return;
      }
      this.line(`\uFEFF${this.header.map(csvCell).join(',')}`);
    }
    this.line(row.map(csvCell).join(','));
  }

  private line(s: string): void {
    this.pending.push(s, '\r\n');
    this.pendingBytes += s.length * 3 + 2;
    if (this.pendingBytes >= FLUSH_AT) this.flush();
  }

  private flush(): void {
    if (this.fd === null || this.pending.length === 0) return;
    const data = Buffer.from(this.pending.join(''));
    this.pending = [];
    this.pendingBytes = 0;
    try {
      for (let at = 0; at < data.length; ) at += writeSync(this.fd, data, at);
    } catch (e) {
      this.failure ??= (e as Error).message;
      this.discard();
    }
  }

  /** Gives the list its name (replacing a file of that name); false when it could not be written. */
  keep(): boolean {
    this.flush();
    if (this.failure !== null || this.fd === null || this.tmp === null) {
      this.discard();
      return false;
    }
    try {
      closeSync(this.fd);
      this.fd = null;
      renameSync(this.tmp, this.target);
      this.done();
      return true;
    } catch (e) {
      this.failure ??= (e as Error).message;
      this.discard();
      return false;
    }
  }

  /** Removes the temporary file (the list is not wanted, or failed). */
  discard(): void {
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed by a failed write
      }
      this.fd = null;
    }
    if (this.tmp !== null) rmSync(this.tmp, { force: true });
    this.done();
  }

  private done(): void {
    this.pending = [];
    this.tmp = null;
    this.untrack?.();
    this.untrack = null;
  }
}
