// A large plan's category tables written on the second core: while allocate
// stores the plan (lines, seals, commit: most of its time), a worker thread
// (allocation-render-worker.ts) writes the tables' text from the plan's
// columns, and the command prints it once the commit succeeded. A worker that
// fails costs nothing but time: the tables are then written here, as before.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AllocationPlan } from '../domain/allocation.js';
import type { ViewPlan } from '../domain/allocation-summary.js';
import type { Lang } from '../domain/text.js';
import type { Policy } from '../domain/policy.js';
import type { Context } from './context.js';

// ../cli/: the same file from dist/cli/ and from dist/bundle/ (one level below dist/ as well);
// the worker runs the ES modules of dist/.
const WORKER_URL = new URL('../cli/allocation-render-worker.js', import.meta.url);

/** Below this many lines the worker's start costs more than the tables. */
const WORKER_MIN_LINES = 20_000;
/**
 * Above this many the worker's copy of the columns and its finished text (held
 * until the commit) would push the peak memory of a round of 10^6 further past
 * its bound: the main thread writes the tables, as before.
 */
const WORKER_MAX_LINES = 250_000;
/** The worker's young generation: its text dies young (encoded as it is made), and a larger one only adds to the peak. */
const YOUNG_MB = 16;

/** What the worker is sent: the columns the tables read, nothing of the ledger. */
export interface TablesRequest {
  lang: Lang;
  color: boolean;
  policy: Policy;
  plan: Omit<ViewPlan, 'apps'>;
  apps: Pick<ViewPlan['apps'], 'applicationId' | 'enterpriseName' | 'scoreDisplay' | 'exact' | 'num' | 'den'> &
    Pick<AllocationPlan['apps'], 'categories' | 'category' | 'clusters' | 'cluster'>;
}

export interface TablesJob {
  /** The tables as renderCategories writes them piped, in UTF-8; null when the worker failed. */
  bytes: Promise<Uint8Array[] | null>;
  /** The plan is not shown (the store failed): the worker is stopped. */
  cancel(): void;
}

/**
 * Starts writing the tables of `p` in a worker thread when stdout is not a
 * terminal and the plan is large, but not so large that the worker's memory
 * matters (JMFUND_RENDER_WORKER=never|always forces the answer: tests,
 * comparisons); null: render them in this thread.
 */
export function tablesInWorker(ctx: Pick<Context, 'lang' | 'color' | 'json'>, policy: Policy, p: AllocationPlan): TablesJob | null {
  const env = process.env.JMFUND_RENDER_WORKER;
  if (ctx.json || process.stdout.isTTY || env === 'never' || !existsSync(fileURLToPath(WORKER_URL))) return null;
  // On one core the worker would only take turns with the store.
  if (env !== 'always' && (p.apps.length < WORKER_MIN_LINES || p.apps.length > WORKER_MAX_LINES || availableParallelism() < 2)) return null;
  const request = tablesRequest(ctx, policy, p);
  const worker = new Worker(WORKER_URL, { workerData: { tables: request }, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB } });
  const bytes = new Promise<Uint8Array[] | null>((resolve) => {
    worker.once('message', (m: { bytes: Uint8Array[] }) => resolve(m.bytes));
    worker.once('error', () => resolve(null));
    worker.once('exit', () => resolve(null));
  });
  return { bytes, cancel: () => void worker.terminate() };
}

/** The request for a plan's tables: the columns they read, referenced (the worker is sent a copy). */
export function tablesRequest(ctx: Pick<Context, 'lang' | 'color'>, policy: Policy, p: AllocationPlan): TablesRequest {
  const a = p.apps;
  return {
    lang: ctx.lang,
    color: ctx.color,
    policy,
    plan: {
      budgets: p.budgets,
      rank: p.rank,
      capFen: p.capFen,
      entitledFen: p.entitledFen,
      awardFen: p.awardFen,
      reason: p.reason,
      binding: p.binding,
      order: p.order,
      categoryStart: p.categoryStart,
    },
    apps: {
      applicationId: a.applicationId,
      enterpriseName: a.enterpriseName,
      scoreDisplay: a.scoreDisplay,
      exact: a.exact,
      num: a.num,
      den: a.den,
      categories: a.categories,
      category: a.category,
      clusters: a.clusters,
      cluster: a.cluster,
    },
  };
}
