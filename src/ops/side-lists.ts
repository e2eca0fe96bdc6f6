// jmfund lists import | show (SPEC §5): the side lists check reads, ledger-wide.
import { basename } from 'node:path';
import { SIDE_LIST_LABELS } from '../domain/labels.js';
import { SIDE_LIST_COLUMNS, SIDE_LIST_KINDS, type SideListKind } from '../domain/side-lists.js';
import { text } from '../domain/text.js';
import { APPLICATION_COLUMNS, type ColumnDef } from '../domain/import-row.js';
import { sha256File } from '../io/files.js';
import { mappingEntries, sideListTable, sideListTableInWorker, useImportWorker } from '../io/import-worker-protocol.js';
import { parsedTable } from '../io/parsed-table.js';
import { appendEvent } from '../ledger/events.js';
import { SIDE_LIST_TABLES, SideListImportSession, type SideListInsertRow, type SideListJson, listSideList } from '../ledger/side-lists.repo.js';
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
  const run = await importTable<SideListInsertRow>(
    op,
    input,
    {
      defs: SIDE_LIST_COLUMNS[kind],
      table: (mapping, keepCells) => {
        const src = { file, read: { encoding: input.encoding, sheet: input.sheet }, mapping: mappingEntries(mapping), kind, keepCells };
        // A large list is parsed, and its rows hashed, in a worker while this thread writes, and hashes for their
        // seals the rows written so far while it waits.
        return useImportWorker(file) ? sideListTableInWorker(src, () => session?.sealAhead() ?? false) : sideListTable(src);
      },
      invalid: () => null,
      accept: (row, line) => ((session ??= new SideListImportSession(db, kind)).accept(row, sourceFile, line) ? 'new' : 'unchanged'),
      record: (r) => {
        session?.noteNewRows();
        appendEvent(db, {
          at: now,
          officer: op.officer,
          command: 'lists import',
          details: {
            kind,
            table: SIDE_LIST_TABLES[kind],
            file: sourceFile,
            sha256,
            rows: r.rows,
            new: r.new,
            already_there: r.unchanged,
            rejected: r.rejected,
            // Only when there were some: the details of an import without them stay as they were.
            ...(r.notApplications > 0 ? { not_applications: r.notApplications } : {}),
          },
        });
      },
    },
    listener,
  );
  if (run.headerProblem && !input.mapping) {
    // The header does not fit this list: perhaps the file is another list (violations given credit.csv).
    const other = await listTheHeaderFits(input, kind);
    if (other === 'applications') {
      run.headerProblem = text(
        `${run.headerProblem.zh}\n${file} 的列是申报汇总表的列：申报用 \`jmfund import ${file} --round 批次\` 导入。`,
        `${run.headerProblem.en}\n${file}: its columns are those of an applications file: import it with \`jmfund import ${file} --round ROUND\`.`,
      );
    } else if (other) {
      const l = SIDE_LIST_LABELS[other];
      run.headerProblem = text(
        `${run.headerProblem.zh}\n${file} 的列与${l.zh}（${other}）相符：是否应为 \`jmfund lists import ${other} ${file}\`？`,
        `${run.headerProblem.en}\n${file}: its columns are those of the ${other} list (${l.en}): did you mean \`jmfund lists import ${other} ${file}\`?`,
      );
    }
  }
  return { ...run, kind, sha256 };
}

/** The other side list whose columns the file's header has, if any (its header only is read). */
async function listTheHeaderFits(input: ImportSideListInput, kind: SideListKind): Promise<SideListKind | 'applications' | null> {
  const fits = async (defs: readonly ColumnDef[]): Promise<boolean> => {
    // Only the header is read: the row parser never runs.
    for await (const ev of parsedTable(input.file, { encoding: input.encoding, sheet: input.sheet }, defs, undefined, () => null as never, false)) return ev.kind === 'header';
    return false;
  };
  // An applications file has the columns of some lists too: it is named as what it is.
  if (await fits(APPLICATION_COLUMNS)) return 'applications';
  for (const other of SIDE_LIST_KINDS) if (other !== kind && (await fits(SIDE_LIST_COLUMNS[other]))) return other;
  return null;
}

/** The rows of a side list, of one enterprise when `uscc` is given. */
export function showSideList(op: OpContext, input: { kind: SideListKind; uscc?: string }): SideListJson[] {
  const uscc = input.uscc?.normalize('NFKC').trim().toUpperCase();
  return listSideList(op.db, input.kind, uscc);
}
