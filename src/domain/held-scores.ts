// A round's expert scores held for a long analysis (jmfund line holds them
// from its read to its leave-one-expert-out, minutes later): typed arrays of
// about a dozen bytes a score, instead of an object, a bigint and a string
// each (the largest part of line's heap at a province's size: bench/README.md).
// Each application's scores are made again as they are read.
import type { ApplicationScores, ScoreEntry } from './scoring.js';

const RECUSED = 1;
const NO_UNITS = 2;

export class HeldScores implements Iterable<ApplicationScores> {
  private constructor(
    private readonly ids: string[],
    /** Application i's scores are k = start[i] … start[i + 1] − 1. */
    private readonly start: Int32Array,
    private readonly experts: string[],
    private readonly expert: Int32Array,
    private readonly units: BigInt64Array,
    private readonly flags: Uint8Array,
    /** Units beyond 64 bits, by score (none in practice: units are hundredths × the criteria maxima's lcm). */
    private readonly bigUnits: Map<number, bigint>,
    /** Each score's criteria, when its entry had the field (the policy names criteria). */
    private readonly criteria: Map<number, Record<string, number> | null>,
  ) {}

  /** The applications in the order given. */
  static of(apps: Iterable<ApplicationScores>): HeldScores {
    const ids: string[] = [];
    const starts: number[] = [];
    const expertCode = new Map<string, number>();
    const experts: string[] = [];
    let expert = new Int32Array(1024);
    let units = new BigInt64Array(1024);
    let flags = new Uint8Array(1024);
    const bigUnits = new Map<number, bigint>();
    const criteria = new Map<number, Record<string, number> | null>();
    let k = 0;
    for (const a of apps) {
      ids.push(a.applicationId);
      starts.push(k);
      for (const e of a.entries) {
        if (k === expert.length) {
          expert = grown(expert, new Int32Array(k * 2));
          units = grown(units, new BigInt64Array(k * 2));
          flags = grown(flags, new Uint8Array(k * 2));
        }
        let code = expertCode.get(e.expertId);
        if (code === undefined) {
          code = experts.length;
          experts.push(e.expertId);
          expertCode.set(e.expertId, code);
        }
        expert[k] = code;
        flags[k] = (e.recused ? RECUSED : 0) | (e.units === null ? NO_UNITS : 0);
        if (e.units !== null) {
          units[k] = BigInt.asIntN(64, e.units);
          if (units[k] !== e.units) bigUnits.set(k, e.units);
        }
        if ('criteria' in e) criteria.set(k, e.criteria ?? null);
        k++;
      }
    }
    starts.push(k);
    return new HeldScores(ids, Int32Array.from(starts), experts, expert.slice(0, k), units.slice(0, k), flags.slice(0, k), bigUnits, criteria);
  }

  get length(): number {
    return this.ids.length;
  }

  /** Application i's scores, made again. */
  at(i: number): ApplicationScores {
    const entries: ScoreEntry[] = [];
    for (let k = this.start[i]; k < this.start[i + 1]; k++) {
      const f = this.flags[k];
      const entry: ScoreEntry = { expertId: this.experts[this.expert[k]], units: f & NO_UNITS ? null : (this.bigUnits.get(k) ?? this.units[k]), recused: (f & RECUSED) !== 0 };
      if (this.criteria.has(k)) entry.criteria = this.criteria.get(k);
      entries.push(entry);
    }
    return { applicationId: this.ids[i], entries };
  }

  *[Symbol.iterator](): Iterator<ApplicationScores> {
    for (let i = 0; i < this.ids.length; i++) yield this.at(i);
  }
}

function grown<T extends Int32Array | BigInt64Array | Uint8Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}
