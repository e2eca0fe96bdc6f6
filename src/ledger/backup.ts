// jmfund backup: a copy of the ledger's file, page by page, into a temporary
// file beside the target (mode 0600; named and watched for signals by the
// caller), made while one read transaction holds the ledger still, proved a
// faithful copy of the ledger as it stood, then given its name; an existing
// file is kept unless `force` (the name is taken with link(), which fails if
// the file exists, so the check cannot race).
//
// Why the file and not SQLite's backup API: a jmfund ledger is in
// rollback-journal mode (open.ts), so under a read transaction its file is
// the whole database and no writer can change it; copying the file is the
// same online backup with less work per page, and its copy is the ledger to
// the byte, header included.
//
// The proof: while that read transaction holds the ledger still, (a) the
// copy's bytes are the ledger's, every one of them; (b) the copy opens and
// its schema is the migrations'; (c) its event chain is intact and ends at
// the ledger's head; (d) SQLite's quick check of the ledger in that same
// transaction, which by (a) is the copy's. The business rules and row seals
// are the same rows as the ledger's, checked by `jmfund verify`.
import { closeSync, fsync, fsyncSync, linkSync, openSync, readSync, renameSync, rmSync, fstatSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { UserError } from '../domain/errors.js';
import { text, type Text } from '../domain/text.js';
import { GENESIS_HASH, verifyChain } from './events.js';
import { checksInWorker, integrityWorkerWorthIt } from './integrity.js';
import { openLedger, type Db } from './open.js';
import { chainFindings, hashChain } from './verify/chain.js';
import * as sqlite from './verify/sqlite.js';
import type { CheckOutcome, Problem, VerifyResult } from './verify/index.js';
import { runNamedChecks } from './verify/index.js';

const exists = (target: string) =>
  new UserError(text(`${target} 已存在，不会覆盖。`, `${target} exists; it will not be overwritten.`), 2, text('加 --force 覆盖，或换一个文件名。', 'add --force to overwrite, or choose another name.'));

const notFaithful = (target: string, why: Text) =>
  new UserError(
    text(`备份副本校验失败（${why.zh}），未写入 ${target}。`, `the backup copy failed its check (${why.en}); ${target} was not written.`),
    1,
    text('账本未改动；再运行一次 backup，若仍失败，请检查磁盘。', 'the ledger is unchanged; run backup again, and if it fails again, check the disk.'),
  );

/** Bytes read at a time from each file when copying and comparing: a multiple of every page size SQLite allows. */
const CHUNK = 1 << 20;

/** What backup checked of the copy (`checks`), in the order they run. */
const BACKUP_CHECKS = {
  pages: { id: 'backup.pages', title: text('副本逐页与账本相同（逐字节）', 'every page of the copy is the ledger’s, byte for byte') },
  schema: { id: sqlite.schema.id, title: text('副本可以打开，结构与迁移创建的完全一致', 'the copy opens, and its schema is exactly what the migrations create') },
  chain: { id: hashChain.id, title: hashChain.title },
  head: { id: 'backup.head', title: text('副本的事件日志结束于账本的最新事件', 'the copy’s event log ends at the ledger’s newest event') },
  quick: { id: 'sqlite.quick-check', title: text('SQLite 快速检查（每一页、每棵 B 树；副本与账本逐页相同）', 'SQLite quick check (every page, every b-tree; the copy is the ledger page for page)') },
} as const;

export interface BackupResult extends VerifyResult {
  pages: number;
  pageSize: number;
  /** SHA-256 of the copy, computed as it was compared. */
  sha256: string;
}

/** Reads `n` bytes of `fd` at `at` into `buf` (fewer only at the file's end); how many were read. */
function readFully(fd: number, buf: Buffer, at: number, n: number): number {
  let got = 0;
  while (got < n) {
    const r = readSync(fd, buf, got, n - got, at + got);
    if (r === 0) break;
    got += r;
  }
  return got;
}

/** Chunks copied between two turns of the event loop (a signal's handler removes the partial copy). */
const CHUNKS_PER_TURN = 32;

/**
 * Copies the ledger's pages into the copy, a chunk at a time. A ledger
 * shorter than its page count leaves a shorter copy, which the comparison
 * then refuses.
 */
async function copyPages(ledger: number, copy: number, pageSize: number, pageCount: number, onPages?: (done: number, total: number) => void): Promise<void> {
  const buf = Buffer.allocUnsafe(CHUNK);
  const bytes = pageSize * pageCount;
  for (let at = 0, chunk = 1; at < bytes; at += CHUNK, chunk++) {
    const want = Math.min(CHUNK, bytes - at);
    const got = readFully(ledger, buf, at, want);
    for (let put = 0; put < got; ) put += writeSync(copy, buf, put, got - put, at + put);
    onPages?.(Math.min(pageCount, Math.floor((at + got) / pageSize)), pageCount);
    if (got < want) break;
    if (chunk % CHUNKS_PER_TURN === 0) await new Promise<void>((next) => setImmediate(next));
  }
}

/**
 * Where the copy first differs from the ledger (a page number), or null; the
 * SHA-256 of the copy. Both files are read once, a chunk at a time.
 */
function comparePages(ledger: number, copy: number, pageSize: number, pageCount: number, onPages?: (done: number, total: number) => void): { differs: number | null; sha256: string } {
  const a = Buffer.allocUnsafe(CHUNK);
  const b = Buffer.allocUnsafe(CHUNK);
  const hash = createHash('sha256');
  const bytes = pageSize * pageCount;
  let differs: number | null = null;
  for (let at = 0; at < bytes; at += CHUNK) {
    const n = Math.min(CHUNK, bytes - at);
    const gotA = readFully(ledger, a, at, n);
    const gotB = readFully(copy, b, at, n);
    hash.update(b.subarray(0, gotB));
    if (differs === null && (gotA !== n || gotB !== n || a.compare(b, 0, n, 0, n) !== 0)) differs = firstDifferent(a, b, Math.min(gotA, gotB), n, at, pageSize);
    onPages?.(Math.min(pageCount, (at + n) / pageSize), pageCount);
  }
  return { differs, sha256: hash.digest('hex') };
}

/** The first page of a chunk that differs, or is not whole in both files. */
function firstDifferent(a: Buffer, b: Buffer, got: number, n: number, at: number, pageSize: number): number {
  const first = at / pageSize + 1;
  for (let off = 0; off < n; off += pageSize) {
    if (off + pageSize > got || a.compare(b, off, off + pageSize, off, off + pageSize) !== 0) return first + off / pageSize;
  }
  return first;
}

function outcome(c: { id: string; title: Text }, problems: number): CheckOutcome {
  return { id: c.id, title: c.title, status: problems ? 'problems' : 'ok', problems };
}

/**
 * The copy into `opts.tmp`, (a) the copy compared page by page with the
 * ledger, and (d) SQLite's quick check of the ledger, all under one read
 * transaction of the ledger: the copy is the ledger byte for byte, so the
 * quick check of one is the quick check of the other. On a large ledger a
 * worker thread runs the quick check while this one copies.
 */
async function copyAndCompare(
  src: Db,
  srcPath: string,
  target: string,
  opts: { tmp: string; onPages?: (done: number, total: number) => void; onCompare?: (done: number, total: number) => void; afterCopy?: (tmp: string) => void },
): Promise<{ pageSize: number; pageCount: number; head: string; sha256: string; quick: Problem[] }> {
  const tmp = opts.tmp;
  let ledgerFd: number | null = null;
  let quickThere: Promise<Problem[]> | null = null;
  let synced: Promise<void> | null = null;
  // One read transaction from the copy to the comparison: it holds SQLite's shared lock on the file, so no
  // writer commits meanwhile and the ledger's file is the ledger the copy is made from (a hot journal
  // left by a crash is rolled back, or refused, by the first read).
  src.exec('BEGIN');
  try {
    src.prepare('SELECT count(*) FROM sqlite_master').get();
    if (String(src.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal') {
      // jmfund keeps its ledgers in rollback-journal mode (open.ts): in WAL mode the file alone is not the ledger.
      throw new UserError(
        text('账本处于 WAL 模式，不能逐页核对备份。', 'the ledger is in WAL mode: its backup cannot be compared page by page.'),
        2,
        text('用 jmfund 的任一写入命令打开一次账本即可恢复。', 'open it once with any writing jmfund command to return it to rollback-journal mode.'),
      );
    }
    // The worker's read sees what this transaction sees: no writer can commit while it is held.
    if (integrityWorkerWorthIt(srcPath)) {
      quickThere = checksInWorker<{ problems: Problem[] }>(srcPath, [sqlite.integrity.id], true).then(
        (r) => r.runs[0].problems,
        (e: Error): Problem[] => [{ check: sqlite.integrity.id, ref: {}, message: text(`检查无法完成：${e.message}`, `check could not run: ${e.message}`) }],
      );
    }
    const pageSize = src.pragma('page_size', { simple: true }) as number;
    const pageCount = src.pragma('page_count', { simple: true }) as number;
    // The ledger's newest event as stored (verify checks its chain; (c) checks the copy's).
    const head = (src.prepare('SELECT hash FROM events ORDER BY seq DESC LIMIT 1').pluck().get() as string | undefined) ?? GENESIS_HASH;
    // Held open until the transaction has ended (below).
    ledgerFd = openSync(srcPath, 'r');
    const out = openSync(tmp, 'r+');
    try {
      await copyPages(ledgerFd, out, pageSize, pageCount, opts.onPages);
      // The copy goes to disk (a thread of libuv's) while it is compared; backupLedger syncs it again before naming it.
      synced = new Promise<void>((done) => fsync(out, () => done())).finally(() => closeSync(out));
    } catch (e) {
      closeSync(out);
      throw e;
    }
    opts.afterCopy?.(tmp);
    const copyFd = openSync(tmp, 'r');
    let compared: { differs: number | null; sha256: string };
    try {
      compared = comparePages(ledgerFd, copyFd, pageSize, pageCount, opts.onCompare);
      if (compared.differs === null && fstatSync(copyFd).size !== pageSize * pageCount) compared.differs = pageCount + 1;
    } finally {
      closeSync(copyFd);
    }
    if (compared.differs !== null) {
      throw notFaithful(target, text(`第 ${compared.differs} 页与账本不同`, `page ${compared.differs} differs from the ledger’s`));
    }
    const quick = quickThere ? await quickThere : runNamedChecks(src, [sqlite.integrity.id], true)[0].problems;
    return { pageSize, pageCount, head, sha256: compared.sha256, quick: quick.map((p) => ({ ...p, check: BACKUP_CHECKS.quick.id })) };
  } finally {
    // The worker's reading ends within this transaction, whatever happened; so does the sync's use of the copy.
    await quickThere;
    await synced;
    // The read transaction ends before the ledger's own file handle is closed: closing any handle
    // of a file drops the process's POSIX locks on it, SQLite's included.
    if (src.inTransaction) src.exec('ROLLBACK');
    if (ledgerFd !== null) closeSync(ledgerFd);
  }
}

/**
 * Copies the ledger to `target` through `tmp` (a new name in the same folder)
 * and returns what was checked of the copy. `onPages`: pages copied of all,
 * after each step; `onCompare`: pages compared of all. `afterCopy`: called
 * with the copy's path before it is checked (the tests damage it there).
 */
export async function backupLedger(
  src: Db,
  srcPath: string,
  target: string,
  opts: {
    tmp: string;
    force?: boolean;
    onPages?: (done: number, total: number) => void;
    onCompare?: (done: number, total: number) => void;
    afterCopy?: (tmp: string) => void;
  },
): Promise<BackupResult> {
  const tmp = opts.tmp;
  // Created 0600 before SQLite writes to it: the copy is never readable by others, not even for a moment.
  closeSync(openSync(tmp, 'wx', 0o600));
  let keep = false;
  try {
    const { pageSize, pageCount, head, sha256, quick } = await copyAndCompare(src, srcPath, target, opts);
    const problems: Problem[] = [];
    const checks: CheckOutcome[] = [outcome(BACKUP_CHECKS.pages, 0)];
    // (b) and (c) on the copy, opened as jmfund opens a ledger (not migrated).
    let copy: Db;
    try {
      copy = openLedger(tmp, { readonly: true, readOnlyFile: true });
      // Its events are read once: no page cache beyond SQLite's smallest (open.ts gives a ledger 64 MiB).
      copy.pragma('cache_size = -2048');
    } catch (e) {
      throw notFaithful(target, text(`副本无法打开：${(e as Error).message}`, `the copy does not open: ${(e as Error).message}`));
    }
    let events = 0;
    try {
      const schema = sqlite.schema.run(copy);
      problems.push(...schema);
      checks.push(outcome(BACKUP_CHECKS.schema, schema.length));
      const c = verifyChain(copy);
      const chain = chainFindings(c.problems);
      problems.push(...chain);
      checks.push(outcome(BACKUP_CHECKS.chain, chain.length));
      events = c.count;
      if (c.lastHash !== head) {
        throw notFaithful(target, text(`副本的最新事件哈希 ${c.lastHash} 不是账本的 ${head}`, `the copy’s newest event hash ${c.lastHash} is not the ledger’s ${head}`));
      }
      checks.push(outcome(BACKUP_CHECKS.head, 0));
    } finally {
      copy.close();
    }
    problems.push(...quick);
    checks.push(outcome(BACKUP_CHECKS.quick, quick.length));
    const result: BackupResult = { ok: problems.length === 0, checks, problems, events, lastHash: head, pages: pageCount, pageSize, sha256 };
    const fd = openSync(tmp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (opts.force) {
      renameSync(tmp, target);
      keep = true;
    } else {
      try {
        linkSync(tmp, target);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw exists(target);
        throw e;
      }
    }
    return result;
  } finally {
    if (!keep) rmSync(tmp, { force: true });
    rmSync(`${tmp}-journal`, { force: true });
  }
}
