// How far V8 lets its heap grow past what the last full collection kept.
import type * as V8 from 'node:v8';

/**
 * By default V8 lets the heap grow to several times the live set before it
 * collects again. `check` makes its garbage in waves (a credit code's
 * applications, their results and name comparisons) and keeps little, so
 * most of its peak memory was garbage waiting: growing by half of the live
 * set keeps the peak near it for a few more collections. Not for every
 * command: those that keep a large live set (reports, aggregation) pay for
 * each extra collection. Used by check, publicize and finalize (which keep
 * little per award at 10^6 awards), by import --skip-invalid (each row's
 * cells) and import of a workbook (its XML text), and by line and report
 * line (each draw's plan). A --heap-growing-percent given to node wins.
 */
export function keepHeapNearLiveSet(): void {
  if (`${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`.includes('heap-growing-percent')) return;
  (process.getBuiltinModule('node:v8') as typeof V8).setFlagsFromString('--heap-growing-percent=50');
}
