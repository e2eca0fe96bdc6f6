// An output path (--out, --rejects, backup FILE) checked before any work is
// done or anything is committed: it must not be the ledger (or SQLite's files
// beside it) or the file being read — not even through a symlink or a hard
// link, and not with --force — and it must be a file that can be written.
import { accessSync, constants, lstatSync, mkdirSync, readlinkSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../domain/errors.js';
import { text, type Text } from '../domain/text.js';
import { removeStaleTemps } from './temp-files.js';

/** A file that an output must never replace, and what it is (for the message). */
export interface KeptFile {
  path: string;
  what: Text;
}

/** The ledger and the files SQLite keeps beside it (none for an in-memory database). */
export function ledgerFiles(ledger: string): KeptFile[] {
  if (ledger === '' || ledger === ':memory:') return [];
  ledger = resolve(ledger);
  const what = text(`账本 ${ledger}`, `the ledger ${ledger}`);
  return [
    { path: ledger, what },
    ...['-journal', '-wal', '-shm'].map((s) => ({ path: ledger + s, what: text(`账本的 ${s} 文件（${ledger}${s}）`, `the ledger's ${s} file (${ledger}${s})`) })),
  ];
}

const statOrNull = (p: string, follow = true): Stats | null => {
  try {
    return follow ? statSync(p) : lstatSync(p);
  } catch {
    return null;
  }
};

/** Where a path ends up: symlinks followed (even to a file that does not exist yet), folders made real. */
function finalPath(p: string): string {
  let cur = resolve(p);
  for (let hops = 0; hops < 40; hops++) {
    const l = statOrNull(cur, false);
    if (!l?.isSymbolicLink()) break;
    const to = readlinkSync(cur);
    cur = isAbsolute(to) ? to : resolve(dirname(cur), to);
  }
  let dir = dirname(cur);
  try {
    dir = realpathSync(dir);
  } catch {
    /* a missing folder: compared as written */
  }
  const full = join(dir, basename(cur));
  // Case-insensitive file systems on the desktops officers use.
  return process.platform === 'darwin' || process.platform === 'win32' ? full.toLowerCase() : full;
}

function sameFile(a: string, aStat: Stats | null, b: string): boolean {
  const bStat = statOrNull(b);
  if (aStat && bStat && aStat.dev === bStat.dev && aStat.ino === bStat.ino) return true;
  return finalPath(a) === finalPath(b);
}

export interface OutPathOptions {
  /** The option that named it, for the message (e.g. "--out"). */
  option: string;
  /** Files it must never be. */
  keep: readonly KeptFile[];
  /** An existing file may be replaced. */
  force?: boolean;
  /** Make a missing folder (0700): the officer named it. */
  makeFolder?: boolean;
}

const usage = (zh: string, en: string, hint?: Text) => new UserError(text(zh, en), 2, hint);
const OTHER = text('换一个文件名（在另一个文件夹里）。', 'choose another file name (in another folder).');

/**
 * Refuses (exit 2) an output path that is a kept file, a folder, in a folder
 * that does not exist or cannot be written, or an existing file without
 * `force`. Then removes what killed writers left in that folder. Nothing has
 * been written or committed when this throws.
 */
export function checkOutPath(path: string, o: OutPathOptions): void {
  const st = statOrNull(path);
  for (const k of o.keep) {
    if (sameFile(path, st, k.path)) {
      throw usage(
        `${o.option} ${path} 就是${k.what.zh}；写入会毁掉它，即使加 --force 也不会写。未作任何更改。`,
        `${o.option} ${path} is ${k.what.en}; writing there would destroy it, so it is refused even with --force. Nothing was changed.`,
        OTHER,
      );
    }
  }
  if (st?.isDirectory()) {
    throw usage(
      `${o.option} ${path} 是一个文件夹，不是文件。未作任何更改。`,
      `${o.option} ${path} is a folder, not a file. Nothing was changed.`,
      text(`在文件夹中给出文件名，例如 ${join(path, 'file.csv')}。`, `name a file inside it, e.g. ${join(path, 'file.csv')}.`),
    );
  }
  if (st && !st.isFile()) {
    throw usage(`${o.option} ${path} 不是普通文件。未作任何更改。`, `${o.option} ${path} is not a regular file. Nothing was changed.`, OTHER);
  }
  if (statOrNull(path, false) && !o.force) {
    throw usage(`${path} 已存在；如要覆盖，请加 --force。未作任何更改。`, `${path} exists; use --force to overwrite. Nothing was changed.`, text('加 --force 覆盖，或换一个文件名。', 'add --force to overwrite, or choose another name.'));
  }
  const dir = dirname(resolve(path));
  const d = statOrNull(dir);
  if (!d && o.makeFolder) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw usage(`无法创建文件夹 ${dir}：${why}。未作任何更改。`, `cannot create the folder ${dir}: ${why}. Nothing was changed.`);
    }
  } else if (!d) {
    throw usage(`无法写入 ${path}：文件夹 ${dir} 不存在。未作任何更改。`, `cannot write ${path}: the folder ${dir} does not exist. Nothing was changed.`, text('先创建该文件夹，或换一个位置。', 'create the folder first, or choose another place.'));
  } else if (!d.isDirectory()) {
    throw usage(`无法写入 ${path}：${dir} 不是文件夹。未作任何更改。`, `cannot write ${path}: ${dir} is not a folder. Nothing was changed.`, OTHER);
  }
  try {
    // A temporary file is made in the folder and renamed: both need write access to the folder.
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw usage(`无法写入 ${path}：没有在文件夹 ${dir} 中写文件的权限。未作任何更改。`, `cannot write ${path}: no permission to write in the folder ${dir}. Nothing was changed.`, OTHER);
  }
  removeStaleTemps(dir);
}
