// `jmfund anchor [--out FILE]`: the ledger's newest event (number, hash) and
// the instant it was taken, printed or appended to an anchors file kept
// outside the ledger. Writes nothing to the ledger.
import { UserError } from '../domain/errors.js';
import { anchorLine } from '../domain/anchors.js';
import { text } from '../domain/text.js';
import { appendAnchorLine } from '../io/anchors.js';
import { checkOutPath, ledgerFiles } from '../io/out-path.js';
import { chainHead } from '../ledger/events.js';
import type { OpContext } from './context.js';

export interface AnchorResult {
  seq: number;
  hash: string;
  /** When the anchor was taken. */
  at: string;
  line: string;
  /** The anchors file it was appended to. */
  out?: string;
}

export function takeAnchor(op: OpContext, input: { out?: string }): AnchorResult {
  // Appending is the point: an existing anchors file is kept and added to, never the ledger's own files.
  if (input.out) checkOutPath(input.out, { option: '--out', keep: ledgerFiles(op.db.name), force: true });
  const head = chainHead(op.db);
  if (head.seq === 0) throw new UserError(text('账本中还没有事件，无可锚定。', 'the ledger has no event yet: nothing to anchor.'), 2);
  const at = op.now();
  const line = anchorLine(head.seq, head.hash, at);
  if (input.out) appendAnchorLine(input.out, line);
  return { seq: head.seq, hash: head.hash, at, line, ...(input.out ? { out: input.out } : {}) };
}
