// Plans draws of `jmfund line` in a worker thread (ops/line.ts), so that the
// model's draws are planned on both cores. Each draw in, its ranks and who
// it funds out; the Int32 at workerData.signal counts the answers, so that the
// main thread, which waits synchronously, wakes at each one.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { PlanOptions } from '../domain/allocation.js';
import { columnsFrom, DrawPlanning, type ColumnsData } from '../domain/funding-line.js';
import type { Policy } from '../domain/policy.js';

if (parentPort === null) throw new Error('line-worker.js runs as a worker thread');
const { port, signal } = workerData as { port: MessagePort; signal: Int32Array };

/** The first message: what the drawn columns are made of (a message rather than workerData, so that its copy goes once they are made). */
interface Init {
  columns: ColumnsData;
  inModel: Int32Array;
  policy: Policy;
  options: PlanOptions;
}

const answered = (): void => {
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
};

let planning: DrawPlanning | null = null;
let failed = false;

port.on('message', (m: { init: Init } | { draw: number; qualities: Float64Array }) => {
  if (failed) return;
  try {
    if ('init' in m) {
      planning = new DrawPlanning(columnsFrom(m.init.columns), m.init.inModel, m.init.policy, m.init.options);
      return;
    }
    if (planning === null) throw new Error('a draw before the columns');
    const [rank, award] = planning.plan(m.qualities);
    const ranks = rank.slice();
    const funded = new Uint8Array(ranks.length);
    for (let i = 0; i < funded.length; i++) funded[i] = award[i] > 0 ? 1 : 0;
    port.postMessage({ draw: m.draw, rank: ranks, funded }, [ranks.buffer, funded.buffer]);
  } catch (e) {
    failed = true;
    port.postMessage({ error: (e as Error).message });
  }
  answered();
});
