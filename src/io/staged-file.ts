// A file that takes its place only once the ledger has committed (publicize's
// notice list): written beside its place first, so that a refused plan or a
// failed transaction leaves any earlier file at that path as it was.
import { existsSync } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { UserError } from '../domain/errors.js';
import { text } from '../domain/text.js';
import { FileWriteError, writeFileAtomic } from './atomic-write.js';

export interface StagedFile {
  /** Moves the file into place. */
  commit(): Promise<void>;
  /** Removes it; the place keeps what it held. */
  discard(): Promise<void>;
}

/** An existing file is replaced only with force; checked before any work is done. */
export function refuseExisting(path: string, force: boolean): void {
  if (!force && existsSync(path)) {
    throw new UserError(text(`${path} 已存在；如要覆盖，请加 --force。未作任何更改。`, `${path} exists; use --force to overwrite. Nothing was changed.`), 2);
  }
}

export async function stageFile(path: string, content: string): Promise<StagedFile> {
  const staged = `${path}.${process.pid}.partial`;
  try {
    await writeFileAtomic(staged, content, { force: true });
  } catch (e) {
    if (e instanceof FileWriteError) throw new UserError(text(`${e.text.zh}。未作任何更改。`, `${e.text.en}. Nothing was changed.`), 2);
    throw e;
  }
  return {
    commit: () => rename(staged, path),
    discard: () => unlink(staged).catch(() => undefined),
  };
}
