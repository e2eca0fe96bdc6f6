// jmfund lists import | show (SPEC §5): the side lists check reads, ledger-wide.
import { basename } from 'node:path';
import { SIDE_LIST_COLUMNS, type SideListKind, type SideListRecord, parseSideListRow } from '../domain/side-lists.js';
import { sha256File } from '../io/files.js';
import { parsedTable } from '../io/parsed-table.js';
import { appendEvent } from '../ledger/events.js';
import { SIDE_LIST_TABLES, SideListImportSession, type SideListJson, listSideList } from '../ledger/side-lists.repo.js';
import type { OpContext } from './context.js';
import { type ImportListener, type ReadInput, type TableImport, importTable } from './import.js';

export interface ImportSideListInput extends ReadInput {
  kind: SideListKind;
}

export interface SideListImport extends TableImport {
  kind: SideListKind;
  sha256: string;
}

/** Imports a side list; re-importing the same rows adds nothing. */
export async function importSideList(op: OpContext, input: ImportSideListInput, listener: ImportListener = {}): Promise<SideListImport> {
  const { db } = op;
  const { file, kind } = input;
  const sha256 = await sha256File(file);
  const now = op.now();
  const sourceFile = basename(file);
  let session: SideListImportSession | null = null;
  const run = await importTable<SideListRecord>(
    op,
    input,
    {
      defs: SIDE_LIST_COLUMNS[kind],
      table: (mapping, keepCells) =>
        parsedTable(file, { encoding: input.encoding, sheet: input.sheet }, SIDE_LIST_COLUMNS[kind], mapping, (cells, map) => parseSideListRow(kind, cells, map), keepCells),
      invalid: () => null,
      accept: (rec, line) => ((session ??= new SideListImportSession(db, kind)).accept(rec, sourceFile, line) ? 'new' : 'unchanged'),
      record: (r) => {
        appendEvent(db, {
          at: now,
          officer: op.officer,
          command: 'lists import',
          details: { kind, table: SIDE_LIST_TABLES[kind], file: sourceFile, sha256, rows: r.rows, new: r.new, already_there: r.unchanged, rejected: r.rejected },
        });
      },
    },
    listener,
  );
  return { ...run, kind, sha256 };
}

/** The rows of a side list, of one enterprise when `uscc` is given. */
export function showSideList(op: OpContext, input: { kind: SideListKind; uscc?: string }): SideListJson[] {
  const uscc = input.uscc?.normalize('NFKC').trim().toUpperCase();
  return listSideList(op.db, input.kind, uscc);
}
