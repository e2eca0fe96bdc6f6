// The anchors file (issue 16): lines `SEQ HASH INSTANT` appended by `jmfund
// anchor --out FILE`, read back by `verify --anchors FILE`. Private (0600):
// it is kept, with the ledger's backups, where the ledger's writers cannot reach.
import { appendFileSync, chmodSync, closeSync, existsSync, fsyncSync, openSync, readFileSync } from 'node:fs';
import { parseAnchorsText, type Anchor } from '../domain/anchors.js';
import { fileProblem } from './files.js';

export function readAnchorsFile(file: string): Anchor[] {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (e) {
    throw fileProblem(file, e);
  }
  return parseAnchorsText(content, file);
}

/** Appends one line, durably; a new file is created 0600. */
export function appendAnchorLine(file: string, line: string): void {
  const created = !existsSync(file);
  const fd = openSync(file, 'a', 0o600);
  try {
    appendFileSync(fd, `${line}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (created) chmodSync(file, 0o600);
}
