// Reproducible spot-check samples (抽查, Art. 16). The random stream is
// SHA-256 in counter mode over the seed, so the same ledger and seed give the
// same sample on any machine and any Node version: no Math.random, no
// platform-dependent float arithmetic (only 32-bit integers and BigInt-free
// rejection sampling).
import { createHash } from 'node:crypto';
import { type Result, err, ok, text } from './text.js';

export const PRNG_NAME = 'sha256-ctr-v1';

/** A stream of uniform 32-bit integers: block i = SHA-256(seed ‖ 0x00 ‖ stream ‖ 0x00 ‖ i). */
export class SeededRandom {
  private block: Buffer = Buffer.alloc(0);
  private offset = 0;
  private counter = 0;

  constructor(
    private readonly seed: string,
    private readonly stream = '',
  ) {}

  nextUint32(): number {
    if (this.offset + 4 > this.block.length) {
      this.block = createHash('sha256').update(`${this.seed}\u0000${this.stream}\u0000${this.counter}`, 'utf8').digest();
      this.counter++;
      this.offset = 0;
    }
    const v = this.block.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  /** Uniform integer in [0, n), by rejection so there is no modulo bias. */
  below(n: number): number {
    if (!Number.isSafeInteger(n) || n <= 0 || n > 2 ** 32) throw new RangeError(`below: n must be in 1..2^32, got ${n}`);
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const v = this.nextUint32();
      if (v < limit) return v % n;
    }
  }
}

export type SampleSize = { kind: 'count'; count: number } | { kind: 'percent'; basisPoints: number; shown: string };

/** `N` (a whole number) or `P%` (0 < P ≤ 100, up to two decimals). */
export function parseSampleSize(spec: string): Result<SampleSize> {
  const s = spec.normalize('NFKC').trim();
  const pct = /^(\d{1,3})(?:\.(\d{1,2}))?\s*%$/.exec(s);
  if (pct) {
    const bp = Number(pct[1]) * 100 + Number((pct[2] ?? '').padEnd(2, '0'));
    if (bp > 0 && bp <= 10000) return ok({ kind: 'percent', basisPoints: bp, shown: s.replace(/\s+/g, '') });
  } else if (/^\d{1,9}$/.test(s) && Number(s) > 0) {
    return ok({ kind: 'count', count: Number(s) });
  }
  return err(
    text(`抽样规模「${spec}」无效：写一个正整数（如 5）或百分比（如 10%，最多 100%）。`, `sample size "${spec}" is not valid: give a positive whole number (e.g. 5) or a percentage (e.g. 10%, at most 100%).`),
  );
}

/** ⌈population × P%⌉: a positive percentage of a non-empty population samples at least one. */
export function percentOf(population: number, basisPoints: number): number {
  return Math.ceil((population * basisPoints) / 10000);
}

export interface Candidate {
  id: string;
  stratum: string;
  amountFen: number;
}

export interface SampleOptions {
  seed: string;
  size: SampleSize;
  stratify: boolean;
  /** Awards strictly above this are always checked, besides the random sample. */
  alwaysAboveFen: number | null;
}

export interface Stratum {
  key: string;
  population: number;
  size: number;
  sample: string[];
}

export interface Sample {
  seed: string;
  prng: string;
  population: number;
  /** Above the amount, taken with certainty. */
  certain: string[];
  strata: Stratum[];
  /** Every application sampled, in application_id order. */
  sample: string[];
}

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Fisher–Yates, stopped after k draws: the first k are a uniform sample without replacement. */
function drawK(ids: readonly string[], k: number, rng: SeededRandom): string[] {
  const a = [...ids];
  const n = Math.min(k, a.length);
  for (let i = 0; i < n; i++) {
    const j = i + rng.below(a.length - i);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, n);
}

/** Splits a count over strata in proportion to their size (largest remainder; ties to the earlier key). */
function apportion(total: number, sizes: readonly { key: string; population: number }[]): Map<string, number> {
  const N = sizes.reduce((s, x) => s + x.population, 0);
  const out = new Map<string, number>();
  if (N === 0) return out;
  const t = Math.min(total, N);
  const rows = sizes.map((x) => ({ key: x.key, base: Math.floor((t * x.population) / N), rem: (t * x.population) % N, population: x.population }));
  let left = t - rows.reduce((s, r) => s + r.base, 0);
  for (const r of [...rows].sort((a, b) => b.rem - a.rem || byCodePoint(a.key, b.key))) {
    if (left === 0) break;
    if (r.base < r.population) {
      r.base++;
      left--;
    }
  }
  for (const r of rows) out.set(r.key, r.base);
  return out;
}

/**
 * Draws the sample. Candidates are put in application_id order first, so the
 * order they were read in does not matter; awards above the amount are taken
 * with certainty and the random sample (N, or P% of the rest) is drawn from
 * the others, per stratum when stratified.
 */
export function drawSample(candidates: readonly Candidate[], o: SampleOptions): Sample {
  const sorted = [...candidates].sort((a, b) => byCodePoint(a.id, b.id));
  const certain = o.alwaysAboveFen === null ? [] : sorted.filter((c) => c.amountFen > o.alwaysAboveFen!).map((c) => c.id);
  const certainSet = new Set(certain);
  const rest = sorted.filter((c) => !certainSet.has(c.id));
  const groups = new Map<string, string[]>();
  for (const c of rest) {
    const key = o.stratify ? c.stratum : '*';
    const ids = groups.get(key);
    if (ids) ids.push(c.id);
    else groups.set(key, [c.id]);
  }
  const keys = [...groups.keys()].sort(byCodePoint);
  const sizes = new Map<string, number>();
  if (o.size.kind === 'percent') {
    for (const k of keys) sizes.set(k, percentOf(groups.get(k)!.length, o.size.basisPoints));
  } else {
    for (const [k, v] of apportion(o.size.count, keys.map((k) => ({ key: k, population: groups.get(k)!.length })))) sizes.set(k, v);
  }
  const strata = keys.map((key) => {
    const ids = groups.get(key)!;
    const sample = drawK(ids, sizes.get(key) ?? 0, new SeededRandom(o.seed, key));
    return { key, population: ids.length, size: sample.length, sample };
  });
  const all = [...certain, ...strata.flatMap((s) => s.sample)].sort(byCodePoint);
  return { seed: o.seed, prng: PRNG_NAME, population: sorted.length, certain, strata, sample: all };
}
