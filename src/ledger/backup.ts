// jmfund backup: SQLite's online backup into a temporary file beside the
// target (mode 0600; named and watched for signals by the caller), proved a
// faithful copy of the ledger as it stood, then given its name; an existing
// file is kept unless `force` (the name is taken with link(), which fails if
// the file exists, so the check cannot race).
//
// The proof: while one read transaction holds the ledger still, (a) the copy's
// pages are the ledger's, byte for byte, but for the header fields SQLite's
// backup writes itself; (b) the copy opens and its schema is the migrations';
// (c) its event chain is intact and ends at the ledger's head; (d) SQLite's
// quick check of the ledger in that same transaction, which by (a) is the
// copy's. The business rules and row seals are the same rows as the
// ledger's, checked by `jmfund verify`.
import { chmodSync, closeSync, fsyncSync, linkSync, openSync, readSync, renameSync, rmSync, fstatSync } from 'node:fs';
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

/** Pages per step of the online backup: large steps copy faster; between steps the event loop runs (the progress bar). */
const PAGES_PER_STEP = 4096;

/** Bytes read at a time from each file when comparing: a multiple of every page size SQLite allows. */
const CHUNK = 1 << 20;

/**
 * Bytes of the database header (page 1) that SQLite's backup writes itself
 * rather than copies (sqlite3_backup_step, and the pager's commit): the file
 * change counter (24–27), the in-header page count (28–31: the ledger's page
 * count, checked apart), the schema cookie (40–43: the copy's own, plus one,
 * so that its readers load the schema again), the version-valid-for number
 * (92–95: the change counter again) and the SQLite version that wrote the
 * file (96–99). Nothing else of the file may differ.
 */
const OWN_HEADER: readonly [number, number][] = [
  [24, 32],
  [40, 44],
  [92, 100],
];

/** The page that holds SQLite's lock bytes (at 1 GiB): never written by SQLite, nor copied by its backup. */
const lockBytePage = (pageSize: number) => Math.floor(0x40000000 / pageSize) + 1;

/** What backup checked of the copy (`checks`), in the order they run. */
const BACKUP_CHECKS = {
  pages: { id: 'backup.pages', title: text('副本逐页与账本相同', 'every page of the copy is the ledger’s') },
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

/**
 * Where the copy first differs from the ledger (a page number), or null; the
 * SHA-256 of the copy. Both files are read once, a chunk at a time.
 */
function comparePages(ledger: number, copy: number, pageSize: number, pageCount: number, onPages?: (done: number, total: number) => void): { differs: number | null; sha256: string } {
  const a = Buffer.allocUnsafe(CHUNK);
  const b = Buffer.allocUnsafe(CHUNK);
  const hash = createHash('sha256');
  const bytes = pageSize * pageCount;
  const lock = lockBytePage(pageSize);
  const readFully = (fd: number, buf: Buffer, at: number, n: number): number => {
    let got = 0;
    while (got < n) {
      const r = readSync(fd, buf, got, n - got, at + got);
      if (r === 0) break;
      got += r;
    }
    return got;
  };
  let differs: number | null = null;
  for (let at = 0; at < bytes; at += CHUNK) {
    const n = Math.min(CHUNK, bytes - at);
    const gotA = readFully(ledger, a, at, n);
    const gotB = readFully(copy, b, at, n);
    hash.update(b.subarray(0, gotB));
    if (differs === null && (gotA !== n || gotB !== n || !sameChunk(a, b, n, at, pageSize, pageCount, lock))) {
      differs = firstDifferent(a, b, Math.min(gotA, gotB, n), n, at, pageSize, pageCount, lock);
    }
    onPages?.(Math.min(pageCount, (at + n) / pageSize), pageCount);
  }
  return { differs, sha256: hash.digest('hex') };
}

/** Whether page `pgno` (whole, in a and b at `off`) is the same in both, by the rules above. */
function samePage(a: Buffer, b: Buffer, off: number, pageSize: number, pgno: number, pageCount: number, lock: number): boolean {
  if (pgno === lock) return true;
  if (pgno !== 1) return a.compare(b, off, off + pageSize, off, off + pageSize) === 0;
  let from = 0;
  for (const [s, e] of OWN_HEADER) {
    if (a.compare(b, off + from, off + s, off + from, off + s) !== 0) return false;
    from = e;
  }
  return a.compare(b, off + from, off + pageSize, off + from, off + pageSize) === 0 && b.readUInt32BE(off + 28) === pageCount;
}

function sameChunk(a: Buffer, b: Buffer, n: number, at: number, pageSize: number, pageCount: number, lock: number): boolean {
  const first = at / pageSize + 1;
  const last = first + n / pageSize - 1;
  // The plain case, one memcmp: neither page 1 nor the lock-byte page is in this chunk.
  if (first > 1 && (lock < first || lock > last)) return a.compare(b, 0, n, 0, n) === 0;
  for (let pgno = first; pgno <= last; pgno++) if (!samePage(a, b, (pgno - first) * pageSize, pageSize, pgno, pageCount, lock)) return false;
  return true;
}

function firstDifferent(a: Buffer, b: Buffer, got: number, n: number, at: number, pageSize: number, pageCount: number, lock: number): number {
  const first = at / pageSize + 1;
  for (let off = 0; off < n; off += pageSize) {
    const pgno = first + off / pageSize;
    if (off + pageSize > got || !samePage(a, b, off, pageSize, pgno, pageCount, lock)) return pgno;
  }
  return first;
}

function outcome(c: { id: string; title: Text }, problems: number): CheckOutcome {
  return { id: c.id, title: c.title, status: problems ? 'problems' : 'ok', problems };
}

/**
 * The online backup into `opts.tmp`, (a) the copy compared page by page with
 * the ledger, and (d) SQLite's quick check of the ledger, all under one read
 * transaction of the ledger: the copy is the ledger page for page, so the
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
  // One read transaction from the copy to the comparison: no writer commits meanwhile, so the
  // backup never restarts and the ledger's file is the ledger the copy was made from.
  src.exec('BEGIN');
  // The copy reads every page once: a page cache would only hold pages already copied (up to open.ts's 64 MiB).
  const cacheSize = src.pragma('cache_size', { simple: true }) as number;
  src.pragma('cache_size = -2048');
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
        (r) => r[0].problems,
        (e: Error): Problem[] => [{ check: sqlite.integrity.id, ref: {}, message: text(`检查无法完成：${e.message}`, `check could not run: ${e.message}`) }],
      );
    }
    await src.backup(tmp, {
      progress: ({ totalPages, remainingPages }) => {
        opts.onPages?.(totalPages - remainingPages, totalPages);
        return PAGES_PER_STEP;
      },
    });
    chmodSync(tmp, 0o600);
    opts.afterCopy?.(tmp);
    const pageSize = src.pragma('page_size', { simple: true }) as number;
    const pageCount = src.pragma('page_count', { simple: true }) as number;
    // The ledger's newest event as stored (verify checks its chain; (c) checks the copy's).
    const head = (src.prepare('SELECT hash FROM events ORDER BY seq DESC LIMIT 1').pluck().get() as string | undefined) ?? GENESIS_HASH;
    ledgerFd = openSync(srcPath, 'r');
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
    // The worker's reading ends within this transaction, whatever happened.
    await quickThere;
    // The read transaction ends before the ledger's own file handle is closed: closing any handle
    // of a file drops the process's POSIX locks on it, SQLite's included.
    if (src.inTransaction) src.exec('ROLLBACK');
    src.pragma(`cache_size = ${cacheSize}`);
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
      copy = openLedger(tmp, { readonly: true });
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
