// init: a new ledger file with its first event. There is no ledger yet to put
// in an OpContext, so this operation takes the path, the officer and the time.
import { resolve } from 'node:path';
import { appendEvent } from '../ledger/events.js';
import { createLedger, inTransaction, schemaVersion } from '../ledger/open.js';

export function initLedger(input: { path: string; officer: string; at: string }): { path: string; schema: number } {
  const db = createLedger(input.path);
  try {
    inTransaction(db, () => appendEvent(db, { at: input.at, officer: input.officer, command: 'init', details: { schema: schemaVersion() } }));
  } finally {
    db.close();
  }
  return { path: resolve(input.path), schema: schemaVersion() };
}
