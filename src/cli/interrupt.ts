// Ctrl-C, SIGTERM or SIGHUP during a command (SPEC §13, issue 17): an open
// transaction is rolled back, unfinished temporary files are removed
// (io/temp-files.ts), and the officer is told what was written — nothing, or
// the events the command had already committed — before the process ends with
// 128 + the signal's number (130 for Ctrl-C). The one place these words live.
import { endOnCrash, endOnSignal, INTERRUPT_SIGNALS, setCrashReporter, setInterruptReporter, type Sig } from '../io/temp-files.js';
import { eventsSince, headSeq, rollbackOpen } from '../ledger/event-head.js';
import type { Db } from '../ledger/open.js';
import type { Lang } from '../domain/text.js';

type Committed = { seq: number; command: string }[];

let watched: { db: Db; seqAtOpen: number } | null = null;
/**
 * What the command committed before its ledger was closed. A signal that came
 * while it worked without a pause (allocate's store, finalize) is heard
 * only after its commit, often after the close: it must still be named, never
 * "nothing was written".
 */
let committedBeforeClose: Committed = [];

/** The command's ledger, from when it was opened: what it commits is reported if interrupted. */
export function watchLedger(db: Db): Db {
  watched = { db, seqAtOpen: headSeq(db) };
  return db;
}

/** The command is closing its ledger: what it committed is kept for a signal heard later. */
export function unwatchLedger(): void {
  const w = watched;
  watched = null;
  if (!w?.db.open) return;
  try {
    committedBeforeClose = [...committedBeforeClose, ...eventsSince(w.db, w.seqAtOpen)];
  } catch {
    /* the ledger is closed after all; nothing more is known */
  }
}

/** Rolls back what is open; returns the events committed since the ledger was opened. */
export function settleLedger(): Committed {
  const w = watched;
  if (!w || !w.db.open) return committedBeforeClose;
  try {
    rollbackOpen(w.db);
    const committed = eventsSince(w.db, w.seqAtOpen);
    w.db.close();
    return [...committedBeforeClose, ...committed];
  } catch {
    return committedBeforeClose;
  }
}

export function interruptMessage(lang: Lang, signal: Sig, committed: Committed, removed: string[]): string {
  const files = removed.join(', ');
  if (lang === 'zh') {
    const head = committed.length
      ? `jmfund: 已中断（${signal}）：中断前已写入账本 ${committed.map((e) => `事件 #${e.seq}（${e.command}）`).join('、')}，这些保留在账本中；其后未写入任何内容。`
      : `jmfund: 已中断：未写入任何内容（${signal}）。`;
    return `${head}${removed.length ? `未写完的临时文件已删除：${files}；目标文件未被写入。` : ''}\n`;
  }
  const head = committed.length
    ? `jmfund: interrupted (${signal}) after ${committed.length === 1 ? 'it had' : 'these had'} been written: ${committed.map((e) => `event #${e.seq} (${e.command})`).join(', ')}, which stay${committed.length === 1 ? 's' : ''} in the ledger; nothing after ${committed.length === 1 ? 'it' : 'them'} was written.`
    : `jmfund: interrupted: nothing was written (${signal}).`;
  // A report staged for after the commit (publicize's notice list) is written through a temporary file of its own: two.
  const tmp = removed.length > 1 ? 'The unfinished temporary files were removed' : 'The unfinished temporary file was removed';
  return `${head}${removed.length ? ` ${tmp}: ${files}; the target file was not written.` : ''}\n`;
}

/** An error nothing caught: the same words as main's internal error, with what was written before it. */
export function crashMessage(lang: Lang, error: unknown, committed: Committed, removed: string[]): string {
  const what = error instanceof Error ? error.message : String(error);
  const files = removed.join(', ');
  if (lang === 'zh') {
    const written = committed.length
      ? `出错前已写入账本 ${committed.map((e) => `事件 #${e.seq}（${e.command}）`).join('、')}，这些保留在账本中；其后未写入任何内容。`
      : '账本未被更改。';
    return `jmfund: 内部错误：${what}\n${written}${removed.length ? `未写完的临时文件已删除：${files}。` : ''}请把这条信息报告给维护人员。\n`;
  }
  const written = committed.length
    ? `${committed.length === 1 ? 'This had' : 'These had'} been written before it: ${committed.map((e) => `event #${e.seq} (${e.command})`).join(', ')}, which stay${committed.length === 1 ? 's' : ''} in the ledger; nothing after ${committed.length === 1 ? 'it' : 'them'} was written.`
    : 'The ledger was not changed.';
  const tmp = removed.length > 1 ? 'The unfinished temporary files were removed' : 'The unfinished temporary file was removed';
  return `jmfund: internal error: ${what}\n${written}${removed.length ? ` ${tmp}: ${files}.` : ''} Please report this message.\n`;
}

/** Installs the handlers for the whole command (main.ts, once). */
export function handleInterrupts(lang: Lang): void {
  setInterruptReporter((signal, removed) => {
    const committed = settleLedger();
    // A progress bar may be half drawn on the terminal: start a clean line.
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    process.stderr.write(interruptMessage(lang, signal, committed, removed));
  });
  for (const sig of INTERRUPT_SIGNALS) process.on(sig, () => endOnSignal(sig));
  setCrashReporter((error, removed) => {
    const committed = settleLedger();
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    process.stderr.write(crashMessage(lang, error, committed, removed));
    if (process.env.JMFUND_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  });
  process.on('uncaughtException', endOnCrash);
  process.on('unhandledRejection', endOnCrash);
}
