// The expert-leniency model behind `jmfund line` (Art. 11 collective decision,
// SPEC §15): score = μ + quality_app + leniency_expert + noise, with normal
// priors on μ, the qualities and the leniencies and inverse-gamma priors on
// their three variances (as the Swiss National Science Foundation's Bayesian
// ranking, Heyard et al. 2022). Every full conditional is normal or inverse
// gamma, so a Gibbs sampler draws the qualities exactly, without tuning.
import { SeededRandom } from './sampling.js';
import type { ApplicationScores } from './scoring.js';

// ---------------------------------------------------------------- random numbers

/**
 * xoshiro128** seeded from the project's SHA-256 stream (sampling.ts): the
 * seed decides every draw, and a million normals cost milliseconds where the
 * hash stream alone would take seconds. Integer arithmetic only; the normal
 * and gamma variates use Math.log/cos/sqrt, which V8 computes with its own
 * fdlibm port, so one Node version gives the same draws on every machine.
 */
export class FastRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare = NaN;

  constructor(seed: string, stream = 'funding-line') {
    const r = new SeededRandom(seed, stream);
    this.s0 = r.nextUint32() | 0;
    this.s1 = r.nextUint32() | 0;
    this.s2 = r.nextUint32() | 0;
    this.s3 = r.nextUint32() | 0;
    // The all-zero state would repeat zeros forever.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  nextUint32(): number {
    const s1 = this.s1;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result >>> 0;
  }

  /** Uniform in (0, 1), 53 random bits: never 0, so its log is finite. */
  uniform(): number {
    for (;;) {
      const u = ((this.nextUint32() >>> 5) * 67108864 + (this.nextUint32() >>> 6)) / 9007199254740992;
      if (u > 0) return u;
    }
  }

  /** Standard normal (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    const s = this.spare;
    if (s === s) {
      this.spare = NaN;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const theta = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** Gamma(shape, 1) by Marsaglia and Tsang (2000); shape < 1 through Gamma(shape + 1)·U^(1/shape). */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(this.uniform(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      let v = 1 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      const u = this.uniform();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return d * v;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Inverse gamma with shape a and scale b: b / Gamma(a, 1). */
  inverseGamma(a: number, b: number): number {
    return b / this.gamma(a);
  }
}

// ---------------------------------------------------------------- the data

/** The round's valid scores as columns: score k is y[k] points, by expert[k] on app[k]. */
export interface ScoreData {
  /** Application ids; app[k] indexes this list. */
  applications: string[];
  /** Expert ids in code-point order; expert[k] indexes this list. */
  experts: string[];
  app: Int32Array;
  expert: Int32Array;
  y: Float64Array;
}

/**
 * The scores the model sees: every valid score of the round (recused and empty
 * ones never), less those the aggregation itself left out (`excluded`, e.g.
 * the highest and lowest dropped by trimmed-mean). Applications without any
 * such score are left out of the data.
 */
export function scoreData(apps: Iterable<ApplicationScores>, unitsPerPoint: bigint, excluded: (applicationId: string, expertId: string) => boolean = () => false): ScoreData {
  const rows: [number, string, number][] = [];
  const applications: string[] = [];
  const expertSet = new Set<string>();
  const L = Number(unitsPerPoint);
  for (const a of apps) {
    let used = false;
    for (const e of a.entries) {
      if (e.recused || e.units === null || excluded(a.applicationId, e.expertId)) continue;
      if (!used) applications.push(a.applicationId);
      used = true;
      rows.push([applications.length - 1, e.expertId, Number(e.units) / L]);
      expertSet.add(e.expertId);
    }
  }
  const experts = [...expertSet].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const code = new Map(experts.map((e, j) => [e, j]));
  const n = rows.length;
  const data: ScoreData = { applications, experts, app: new Int32Array(n), expert: new Int32Array(n), y: new Float64Array(n) };
  rows.forEach(([i, e, y], k) => {
    data.app[k] = i;
    data.expert[k] = code.get(e)!;
    data.y[k] = y;
  });
  return data;
}

// ---------------------------------------------------------------- the sampler

/**
 * Weakly informative priors on the 0–100 scale: μ ~ N(50, 100²); each variance
 * (qualities, leniencies, noise) ~ InvGamma(1, 1), whose mass lies between a
 * fraction of a point² and hundreds of points², so the scores decide.
 */
export const PRIORS = { muMean: 50, muVariance: 100 * 100, shape: 1, scale: 1 } as const;

export interface GibbsOptions {
  /** Draws kept. */
  draws: number;
  /** Sweeps run and thrown away before the first kept draw. */
  burnIn: number;
  /** Sweeps between two kept draws (1: every sweep). */
  thin: number;
  seed: string;
}

/** One kept draw: μ and each application's quality term (indexed like ScoreData.applications), each expert's leniency. */
export type OnDraw = (draw: number, mu: number, quality: Float64Array, leniency: Float64Array) => void;

/**
 * Draws every term of one kind (each application's quality, or each expert's
 * leniency) given the rest: term t is normal with precision n_t/σ² + 1/σt²
 * and mean Σ(y − μ − other)/σ² over that precision, the sum over its scores.
 * Returns Σ n_t·term_t, which μ's conditional needs.
 */
function drawTerms(
  term: Float64Array,
  n: Float64Array,
  of: Int32Array,
  otherOf: Int32Array,
  other: Float64Array,
  y: Float64Array,
  mu: number,
  s2: number,
  s2t: number,
  sum: Float64Array,
  rng: FastRandom,
): number {
  const T = term.length;
  sum.fill(0, 0, T);
  for (let k = 0; k < y.length; k++) sum[of[k]] += y[k] - other[otherOf[k]];
  let weighted = 0;
  for (let t = 0; t < T; t++) {
    const prec = n[t] / s2 + 1 / s2t;
    term[t] = (sum[t] - n[t] * mu) / s2 / prec + rng.normal() / Math.sqrt(prec);
    weighted += n[t] * term[t];
  }
  return weighted;
}

/**
 * Gibbs sampler for the model. Each sweep draws every quality given the rest,
 * every leniency given the rest, μ, then the three variances. The arrays
 * handed to onDraw are reused by the next sweep: copy what must be kept.
 */
export function gibbs(data: ScoreData, o: GibbsOptions, onDraw: OnDraw): void {
  for (const d of gibbsDraws(data, o)) onDraw(d.draw, d.mu, d.quality, d.leniency);
}

/** gibbs() as a generator: the sampler runs as the draws are taken (the arrays are reused by the next sweep). */
export function* gibbsDraws(data: ScoreData, o: GibbsOptions): Generator<{ draw: number; mu: number; quality: Float64Array; leniency: Float64Array }> {
  const I = data.applications.length;
  const J = data.experts.length;
  const N = data.y.length;
  if (N === 0) throw new Error('gibbs: no scores');
  const { app, expert, y } = data;
  const rng = new FastRandom(o.seed);
  const { muMean, muVariance, shape, scale } = PRIORS;

  const nApp = new Float64Array(I);
  const nExp = new Float64Array(J);
  for (let k = 0; k < N; k++) {
    nApp[app[k]]++;
    nExp[expert[k]]++;
  }
  let sumY = 0;
  for (let k = 0; k < N; k++) sumY += y[k];
  // Start at the plain means: the chain begins near where it will stay.
  let mu = sumY / N;
  const a = new Float64Array(I);
  const b = new Float64Array(J);
  for (let k = 0; k < N; k++) a[app[k]] += y[k] - mu;
  for (let i = 0; i < I; i++) a[i] /= nApp[i];
  let s2 = 1;
  let s2a = 1;
  let s2b = 1;
  const sum = new Float64Array(Math.max(I, J));

  const sweeps = o.burnIn + o.draws * o.thin;
  // Three passes over the scores per sweep; μ's terms come from the per-application and per-expert sums.
  for (let sweep = 1, kept = 0; sweep <= sweeps; sweep++) {
    // Qualities given the leniencies, then leniencies given the qualities.
    const sumA = drawTerms(a, nApp, app, expert, b, y, mu, s2, s2a, sum, rng);
    const sumB = drawTerms(b, nExp, expert, app, a, y, mu, s2, s2b, sum, rng);
    // μ, from r = y − a − b: Σr = Σy − Σ n_i·a_i − Σ m_j·b_j.
    let r2 = 0;
    for (let k = 0; k < N; k++) {
      const r = y[k] - a[app[k]] - b[expert[k]];
      r2 += r * r;
    }
    const r1 = sumY - sumA - sumB;
    const precMu = N / s2 + 1 / muVariance;
    mu = (r1 / s2 + muMean / muVariance) / precMu + rng.normal() / Math.sqrt(precMu);
    // Variances: InvGamma(shape + n/2, scale + Σ²/2); Σ(r − μ)² = Σr² − 2μΣr + Nμ².
    const ssr = Math.max(0, r2 - 2 * mu * r1 + N * mu * mu);
    s2 = rng.inverseGamma(shape + N / 2, scale + ssr / 2);
    let ssa = 0;
    for (let i = 0; i < I; i++) ssa += a[i] * a[i];
    s2a = rng.inverseGamma(shape + I / 2, scale + ssa / 2);
    let ssb = 0;
    for (let j = 0; j < J; j++) ssb += b[j] * b[j];
    s2b = rng.inverseGamma(shape + J / 2, scale + ssb / 2);

    if (sweep > o.burnIn && (sweep - o.burnIn) % o.thin === 0) yield { draw: kept++, mu, quality: a, leniency: b };
  }
}
