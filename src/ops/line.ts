// jmfund line: how firm the funding line of the latest allocation is (Art. 11
// collective decision; SPEC §15). Read-only: it reads one snapshot of the
// ledger, writes nothing and appends no event; the awards stay allocate's.
import { UserError } from '../domain/errors.js';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { CandidateColumns, PlanOptions } from '../domain/allocation.js';
import { columnsData, copyColumns, LineAnalysis, type Draw, type FundingLine } from '../domain/funding-line.js';
import { HeldScores } from '../domain/held-scores.js';
import { scoreData } from '../domain/leniency-model.js';
import { findCategory, type Category, type Policy } from '../domain/policy.js';
import { scoringRules } from '../domain/scoring.js';
import { text } from '../domain/text.js';
import { getAllocation, latestVersion, lockedAwards, roundCandidates, versionParticipants } from '../ledger/allocations.repo.js';
import { aggregateExclusions, roundScoresForAggregation } from '../ledger/scores.repo.js';
import type { Round } from '../ledger/rounds.repo.js';
import type { OpContext } from './context.js';
import { runStepsPausing } from './pauses.js';
import { requireRound } from './lookup.js';

export const DEFAULT_DRAWS = 1000;
/** More draws than this take minutes at a thousand applications and say nothing more. */
export const MAX_DRAWS = 100_000;

export interface LineInput {
  roundId?: string;
  /** A category key or name; all categories when absent. */
  category?: string;
  draws?: number | null;
  /** Any text; the round's ID when absent, so that a plain rerun gives the same figures. */
  seed?: string;
}

export interface LineResult extends FundingLine {
  round: Round;
  /** The allocation version analysed (the latest). */
  version: number;
  category: Category | null;
}

/** The analysis, every draw planned before it returns (tests, small rounds). */
export function fundingLineOf(op: OpContext, input: LineInput): LineResult {
  const run = startLine(op, input);
  try {
    for (const d of run.analysis.draws()) run.plan(d);
    run.drawn();
    return run.result();
  } finally {
    run.end();
  }
}

/**
 * The same analysis for a command: between draws it lets the event loop run
 * now and then, so that Ctrl-C is heard at once (a province's analysis takes
 * minutes; it has nothing to roll back). The same output as fundingLineOf.
 */
export async function fundingLineOfAsync(op: OpContext, input: LineInput): Promise<LineResult> {
  const run = startLine(op, input);
  try {
    // Each draw planned is a step: d's qualities are used before the sampler's next sweep (next()) begins.
    await runStepsPausing(
      (function* () {
        for (const d of run.analysis.draws()) {
          run.plan(d);
          yield;
        }
      })(),
    );
    run.drawn();
    return run.result();
  } finally {
    run.end();
  }
}

interface LineRun {
  analysis: LineAnalysis;
  /** One draw: to the worker when it has room, else planned here; then what the worker has answered. */
  plan(d: Draw): void;
  /** Every draw given: waits for the worker's last answers and lets it go. */
  drawn(): void;
  /** What follows the draws (intervals, leave-one-expert-out, marginal budget). */
  result(): LineResult;
  /** Done, or failed: the worker let go, the progress bar ended. */
  end(): void;
}

/** Reads the round (one snapshot) and sets up the analysis and, where it pays, the worker. */
function startLine(op: OpContext, input: LineInput): LineRun {
  const db = op.db;
  const round = requireRound(db, input.roundId);
  const policy = round.policy;
  const draws = input.draws ?? DEFAULT_DRAWS;
  if (!Number.isSafeInteger(draws) || draws < 1 || draws > MAX_DRAWS) {
    throw new UserError(text(`--draws ${draws}：应为 1 到 ${MAX_DRAWS} 之间的整数。`, `--draws ${draws}: expected a whole number from 1 to ${MAX_DRAWS}.`), 2);
  }
  const seed = input.seed ?? round.roundId;
  let category: Category | null = null;
  if (input.category !== undefined) {
    category = findCategory(policy, input.category) ?? null;
    if (!category) {
      throw new UserError(
        text(`未知类别「${input.category}」。`, `unknown category "${input.category}".`),
        2,
        text(`可用类别：${policy.categories.map((c) => `${c.key}（${c.zh}）`).join('、')}`, `categories: ${policy.categories.map((c) => c.key).join(', ')}`),
      );
    }
  }

  // One read snapshot (a deferred transaction that only reads): a concurrent
  // allocate or score import cannot show here half done.
  const read = db.transaction(() => {
    const version = latestVersion(db, round.roundId);
    if (version === null) {
      throw new UserError(text(`批次 ${round.roundId} 尚无分配方案。`, `round ${round.roundId} has no allocation yet.`), 2, text('先运行 `jmfund allocate`。', 'run `jmfund allocate` first.'));
    }
    const head = getAllocation(db, round.roundId, version)!;
    const { participants, funded } = versionParticipants(db, round.roundId, version, category?.key);
    const all = roundCandidates(db, round.roundId);
    const indices: number[] = [];
    for (let i = 0; i < all.length; i++) if (participants.has(all.applicationId[i])) indices.push(i);
    const { kept, excluded } = lockedAwards(db, round.roundId);
    // The aggregation's own exclusions (trimmed-mean's highest and lowest) stay out of the model.
    const { method, dropped } = aggregateExclusions(db, round.roundId);
    const rules = scoringRules(policy, method);
    // Held until leave-one-expert-out, after the draws: compactly.
    const scores = HeldScores.of(roundScoresForAggregation(db, round.roundId, rules));
    return { version, head, funded, candidates: copyColumns(all, indices), kept, excluded, rules, scores, dropped };
  });
  const r = read.deferred();
  // The analysis reads the ledger no more: the pages it read (up to the cache's 64 MiB) go back while it runs.
  db.pragma('shrink_memory');
  const options: PlanOptions = { budgets: r.head.budgets, method: r.head.method, shortfall: r.head.shortfall, tieBreak: r.head.tieBreak, kept: r.kept, excluded: r.excluded };
  const analysis = new LineAnalysis(
    {
      policy,
      candidates: r.candidates,
      options,
      storedFunded: r.funded,
      data: scoreData(r.scores, r.rules.unitsPerPoint, (app, expert) => r.dropped.get(app)?.has(expert) ?? false),
      scores: r.scores,
      rules: r.rules,
    },
    { draws, seed, onDraw: (done) => op.progress?.tick(done) },
  );
  op.progress?.phase(text('正在抽样并逐次分配', 'drawing and allocating'), draws, 'draws');
  const worker = analysis.modelled ? DrawWorker.start(r.candidates, analysis.inModel, policy, options, draws) : null;
  const tally: Tally = (draw, rank, award) => analysis.tally(draw, rank, award);
  const here: PlanHere = (q) => analysis.planHere(q);
  return {
    analysis,
    plan(d) {
      if (!worker?.offer(d.draw, d.qualities)) {
        const start = performance.now();
        tally(d.draw, ...here(d.qualities));
        worker?.plannedHere(performance.now() - start);
      }
      worker?.collect(tally, here, false);
    },
    drawn() {
      worker?.collect(tally, here, true);
      worker?.close();
    },
    result: () => ({ round, version: r.version, category, ...analysis.result() }),
    end() {
      worker?.close();
      op.progress?.done();
    },
  };
}

// ../ops/: the same file from dist/ops/ and from dist/bundle/ (scripts/bundle.mjs); the worker runs the ES modules of dist/ops/.
const WORKER_URL = new URL('../ops/line-worker.js', import.meta.url);
/**
 * Starts line-worker.js; if it cannot be loaded (a broken install), answers at once with the error. The main
 * thread waits synchronously (Atomics.wait) and would hear the worker's 'error' event only after its silence.
 */
const WORKER_BOOT = `const { workerData } = require('node:worker_threads');
import(workerData.url).catch((e) => {
  workerData.port.postMessage({ error: String((e && e.message) || e) });
  Atomics.add(workerData.signal, 0, 1);
  Atomics.notify(workerData.signal, 0);
});`;
/**
 * Where a second thread pays for its start (a few tenths of a second) and for a message per draw: a plan of
 * 10,000 participants takes milliseconds (at 1,000 × 1,000 draws the worker made the run 0.4 s slower).
 */
const WORKER_MIN_PARTICIPANTS = 10_000;
const WORKER_MIN_WORK = 1_000_000;
/** Draws handed to the worker and not yet answered: one being planned, one waiting, so that it never idles. */
const WORKER_QUEUE = 2;
/**
 * An answer not come within this long: the worker is taken for lost (it met its heap bound, say), and its draws
 * are planned here. The longest a draw may take it is judged from the draws planned here: SILENCE_PER_PLAN times
 * the slowest of them, at least WORKER_SILENCE_MIN_MS, and WORKER_SILENCE_MS before any was.
 */
const WORKER_SILENCE_MS = 30_000;
const WORKER_SILENCE_MIN_MS = 3_000;
const SILENCE_PER_PLAN = 50;
/**
 * The worker's old generation, in MiB: its live set is the columns (about 400 bytes a participant measured at
 * 100,000), but each draw's plan leaves megabytes of arrays that V8 let pile up far above it. A bound well above the
 * live set makes it collect them sooner; a worker that met it anyway would fall silent and its draws be planned here.
 */
const workerHeapMb = (participants: number): number => 48 + Math.ceil((participants * 500) / 2 ** 20);
/**
 * The worker's young generation, in MiB: a plan's arrays die with the draw, and V8's default let them take several
 * times this much before a scavenge (4 MiB promoted more of them to the old generation: more memory, not less).
 */
const WORKER_YOUNG_MB = 8;

type Tally = (draw: number, rank: ArrayLike<number>, award: ArrayLike<number>) => void;
type PlanHere = (qualities: Float64Array) => [rank: Int32Array, award: ArrayLike<number>];

/**
 * A worker thread that plans draws (line-worker.ts). The main thread runs the
 * sampler and cannot yield to the event loop, so it reads answers with
 * receiveMessageOnPort and sleeps on a shared counter the worker bumps at
 * each one. A worker that fails or falls silent is set aside, and the draws
 * it held are planned here: the output is the same either way.
 */
class DrawWorker {
  private readonly pending = new Map<number, Float64Array>();
  private lost = false;
  /** The slowest draw planned in this thread, ms (0: none yet). */
  private slowestHere = 0;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly signal: Int32Array,
  ) {}

  /** A worker for this analysis, or null where one does not pay (a small round) or cannot run (JMFUND_LINE_WORKER=never|always decides). */
  static start(candidates: CandidateColumns, inModel: Int32Array, policy: Policy, options: PlanOptions, draws: number): DrawWorker | null {
    const env = process.env.JMFUND_LINE_WORKER;
    if (env === 'never' || !existsSync(fileURLToPath(WORKER_URL))) return null;
    if (env !== 'always' && (candidates.length < WORKER_MIN_PARTICIPANTS || candidates.length * draws < WORKER_MIN_WORK)) return null;
    const { port1, port2 } = new MessageChannel();
    const signal = new Int32Array(new SharedArrayBuffer(4));
    try {
      const worker = new Worker(WORKER_BOOT, {
        eval: true,
        workerData: { url: WORKER_URL.href, port: port2, signal },
        transferList: [port2],
        resourceLimits: { maxOldGenerationSizeMb: workerHeapMb(candidates.length), maxYoungGenerationSizeMb: WORKER_YOUNG_MB },
      });
      // Nothing here waits for it to end: the command's own end ends it.
      worker.unref();
      // An error it could not answer with comes as an event, after the command: collect() has by then met its
      // silence and planned its draws here. Unheard, the event would end the process.
      worker.on('error', () => undefined);
      port1.postMessage({ init: { columns: columnsData(candidates), inModel, policy, options } });
      return new DrawWorker(worker, port1, signal);
    } catch {
      port1.close();
      return null;
    }
  }

  /** Takes the draw (its qualities copied) when the worker has room for it; false: plan it here. */
  offer(draw: number, qualities: Float64Array): boolean {
    if (this.lost || this.pending.size >= WORKER_QUEUE) return false;
    const copy = qualities.slice();
    this.pending.set(draw, copy);
    this.port.postMessage({ draw, qualities: copy });
    return true;
  }

  /** A draw was planned in this thread, in `ms`: how long the worker may be silent follows the slowest. */
  plannedHere(ms: number): void {
    this.slowestHere = Math.max(this.slowestHere, ms);
  }

  private silenceMs(): number {
    if (this.slowestHere === 0) return WORKER_SILENCE_MS;
    return Math.min(WORKER_SILENCE_MS, Math.max(WORKER_SILENCE_MIN_MS, Math.ceil(SILENCE_PER_PLAN * this.slowestHere)));
  }

  /** Tallies the answers come so far; with `wait`, until every draw offered is tallied. */
  collect(tally: Tally, here: PlanHere, wait: boolean): void {
    for (;;) {
      const seen = Atomics.load(this.signal, 0);
      const m = receiveMessageOnPort(this.port) as { message: { draw?: number; rank?: Int32Array; funded?: Uint8Array; error?: string } } | undefined;
      if (m) {
        const { draw, rank, funded } = m.message;
        if (draw === undefined || !rank || !funded) {
          this.setAside(tally, here);
          return;
        }
        this.pending.delete(draw);
        tally(draw, rank, funded);
        continue;
      }
      if (!wait || this.pending.size === 0) return;
      // Woken by the worker's next answer (the counter moved since `seen`), or silence.
      if (Atomics.wait(this.signal, 0, seen, this.silenceMs()) === 'timed-out' && receiveMessageOnPort(this.port) === undefined) {
        this.setAside(tally, here);
        return;
      }
    }
  }

  /** The worker failed: its draws are planned here, and it gets no more. */
  private setAside(tally: Tally, here: PlanHere): void {
    this.lost = true;
    for (const [draw, q] of [...this.pending].sort((a, b) => a[0] - b[0])) tally(draw, ...here(q));
    this.pending.clear();
    this.close();
  }

  close(): void {
    this.port.close();
    void this.worker.terminate();
  }
}
