// jmfund scores import | aggregate | show | experts (Art. 11, SPEC §7).
import { basename } from 'node:path';
import { UserError } from '../domain/errors.js';
import type { Policy, ScoreMethod } from '../domain/policy.js';
import { centiText, contentKey, criteriaJson, PairMap, requiredColumnNames, scoreContent, type RowError, type ScoreColumns, type ScoreRow } from '../domain/score-row.js';
import { AggregateSharing, aggregateApplication, expertSummaries, rankAggregates, ScoreMoments, scoringRules, zStatistics, type RankedAggregate, type ZStatistics } from '../domain/scoring.js';
import { type Lang, type Text, text } from '../domain/text.js';
import { estimateRecords, fileProblem, sha256File } from '../io/files.js';
import { type HeaderFailure } from '../io/parsed-table.js';
import { type ScoreSheetLine, type ScoreSheetSource, scoreSheetInWorker, scoreSheetTable, useImportWorker } from '../io/import-worker-protocol.js';
import { roundSize } from '../ledger/eligibility.repo.js';
import { EVENT_NAMES_AT_MOST } from '../ledger/allocations.repo.js';
import { appendEvent, refuseIfClockBehind } from '../ledger/events.js';
import { beginTransaction, inTransaction, type Db } from '../ledger/open.js';
import {
  applicationRound,
  applicationScores,
  countRoundScores,
  expertStats,
  eachApplicationScores,
  getAggregate,
  getScore,
  lastEventSeq,
  latestScoreImport,
  AggregateWriter,
  rankedAggregates,
  type RankedAggregates,
  replaceExpertStats,
  roundApplicationIds,
  roundMoments,
  roundScoreContents,
  linkWrittenScores,
  ScoreStage,
  type StagedKind,
  type StagedRow,
  type StoredScore,
  applicationsShownAs,
} from '../ledger/scores.repo.js';
import type { OpContext } from './context.js';
import { checkRejectOptions, rejectsRow, writeRejects } from './import.js';
import { runSteps, runStepsInTransaction } from './pauses.js';
import { requireApplication, requireRound } from './lookup.js';

const changedWhileReading = () =>
  new UserError(text('读取期间账本已被另一个命令更改，本命令未作任何更改；请重新运行。', 'the ledger was changed by another command while this one was reading it; nothing was changed, run it again.'), 2);

// ---------------------------------------------------------------------------
// import

export interface ImportScoresInput {
  file: string;
  round: string | undefined;
  encoding?: string;
  sheet?: string;
  /** Replace scores that differ from those stored (old and new are logged). */
  update?: boolean;
  dryRun?: boolean;
  /** Write the good rows and the bad ones to `rejects` (as an applications import does). */
  skipInvalid?: boolean;
  rejects?: string;
  /** Overwrite `rejects` if it exists. */
  force?: boolean;
  /** Language of the rejects file's error column. */
  lang?: Lang;
}

export interface ScoreUpdate {
  application_id: string;
  expert_id: string;
  line: number;
  old: unknown;
  new: unknown;
}

export interface ScoresImport {
  round: string;
  /** The file's name, as recorded with each score. */
  file: string;
  sha256: string;
  dryRun: boolean;
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Rows that repeat an earlier row of the file value for value: taken once. */
  repeated: number;
  /** Notes under the sheet (注：…): left out. */
  notes: number;
  written: boolean;
  /** As logged: each replaced score, old and new. */
  updates: ScoreUpdate[];
  /** Every row error, by line; any one and nothing is written, unless --skip-invalid. */
  errors: RowError[];
  /** Rows with an error: left out under --skip-invalid. */
  rejected: number;
  /** Where the rows left out were written (--skip-invalid), else null. */
  rejectsFile: string | null;
  /** The repeated rows and the notes, by line. */
  warnings: RowError[];
}

/** A row checked, waiting to be staged; its cells for the words of a refusal. */
interface Waiting extends StagedRow {
  /** Kept when a refusal may quote them (ScoreSheetSource.keepCells). */
  cells: string[] | null;
}

const contentJson = (r: Pick<ScoreRow, 'centi' | 'criteria' | 'recused' | 'comment'>): unknown => JSON.parse(scoreContent(r)) as unknown;

const storedContent = (s: StoredScore) => ({ centi: s.centi, criteria: s.criteria, recused: s.recused, comment: s.comment });

/** The score(s) of a row or a stored score, in words: `88.00`, `recused`, `innovation 30.00, benefit 25.00`. */
const scoreWords = (x: { centi: number | null; criteria: Record<string, number> | null; recused: boolean }): Text =>
  x.recused && x.centi === null && x.criteria === null
    ? text('回避', 'recused')
    : x.criteria
      ? text(Object.entries(x.criteria).map(([k, v]) => `${k} ${centiText(v)}`).join('，'), Object.entries(x.criteria).map(([k, v]) => `${k} ${centiText(v)}`).join(', '))
      : text(`${centiText(x.centi ?? 0)}${x.recused ? '（回避）' : ''}`, `${centiText(x.centi ?? 0)}${x.recused ? ' (recused)' : ''}`);

/** No header: what the sheet needs, and what came closest. */
function noHeader(file: string, need: string, f: HeaderFailure | null): UserError {
  const detail =
    f === null
      ? text('文件中没有数据', 'the file holds no rows')
      : f.duplicates.length > 0
        ? text(
            `第 ${f.line} 行的列重复：${f.duplicates.map((d) => `${d.def.key} (${d.def.zh})`).join('、')}`,
            `line ${f.line} has repeated columns: ${f.duplicates.map((d) => `${d.def.key} (${d.def.zh})`).join(', ')}`,
          )
        : f.line !== null
          ? text(`最接近的第 ${f.line} 行缺少：${f.missing.map((d) => `${d.key} (${d.zh})`).join('、')}`, `the closest, line ${f.line}, lacks: ${f.missing.map((d) => `${d.key} (${d.zh})`).join(', ')}`)
          : text(`前 ${f.searched} 行中没有任何所需的列`, `none of the first ${f.searched} rows names any of them`);
  return new UserError(
    text(`${file} 中找不到评分表的表头行（需要列：${need}）；${detail.zh}`, `${file}: no header row of a score sheet found (needs columns: ${need}); ${detail.en}`),
    2,
    text('表头可用英文列名或中文列名，如 申报编号、专家编号、评分、是否回避、评审意见。', 'headers may be the English names or the Chinese labels, e.g. 申报编号, 专家编号, 评分, 是否回避, 评审意见.'),
  );
}

/** The rejects file's rows: the sheet's header and each rejected row's cells, with its errors in an extra column. */
function rejectRows(lang: Lang, header: readonly string[], errors: readonly RowError[], lines: ReadonlyMap<number, string[] | null>): string[][] {
  const messages = new Map<number, string[]>();
  for (const e of errors) {
    const m = e.column ? text(`${e.column}：${e.message.zh}`, `${e.column}: ${e.message.en}`)[lang] : e.message[lang];
    const held = messages.get(e.line);
    if (held) held.push(m);
    else messages.set(e.line, [m]);
  }
  const rows = [[...header, 'error']];
  for (const line of [...lines.keys()].sort((a, b) => a - b)) {
    const cells = lines.get(line) ?? [];
    rows.push(rejectsRow(cells, header.length, (messages.get(line) ?? []).join('; ')));
  }
  return rows;
}

/**
 * Reads and checks the whole sheet against the ledger, then writes every
 * score in one transaction with one event, or nothing when any row is wrong
 * (under --skip-invalid: the good rows, the others to the rejects file).
 */
export async function importScores(op: OpContext, input: ImportScoresInput): Promise<ScoresImport> {
  const { db } = op;
  const { file } = input;
  const round = requireRound(db, input.round);
  checkRejectOptions(input, db.name);
  if (!input.dryRun) refuseIfClockBehind(db, op.now());
  const rules = scoringRules(round.policy);
  const sourceName = basename(file);

  // Validation reads the ledger before the write transaction; if another
  // command writes in between, the write is refused rather than mixed.
  const headSeq = lastEventSeq(db);
  const appIds = roundApplicationIds(db, round.roundId);
  const existing = countRoundScores(db, round.roundId) > 0 ? roundScoreContents(db, round.roundId) : new PairMap<string>();
  const otherRound = new Map<string, string | undefined>();
  // The rows read wait in a temporary table (ledger ScoreStage), which also finds a pair the sheet names twice.
  const stage = new ScoreStage(db);
  // The applications written, in the order first read, while few enough for the event to name them.
  const affected = new Set<string>();
  let affectedOverflow = false;
  const affect = (appId: string): void => {
    if (affectedOverflow || affected.has(appId)) return;
    if (affected.size === EVENT_NAMES_AT_MOST) affectedOverflow = true;
    else affected.add(appId);
  };
  const errors: RowError[] = [];
  const warnings: RowError[] = [];
  const updateLog: ScoreUpdate[] = [];
  let rows = 0;
  let unchanged = 0;
  let repeated = 0;
  let notes = 0;
  // The lines with an error, and (only when they are to be written out) their cells.
  const keepRejects = !!(input.skipInvalid && input.rejects && !input.dryRun);
  const rejectedLines = new Map<number, string[] | null>();
  let header: string[] = [];
  /** Runs one step of a row; an error it added marks the row rejected. */
  const rejectIfErred = (line: number, cells: string[] | null, step: () => void): void => {
    const before = errors.length;
    step();
    if (errors.length > before && !rejectedLines.has(line)) rejectedLines.set(line, keepRejects ? cells : null);
  };

  // Each row read is checked against the ledger, then staged with its batch, then counted or refused.
  const check = ({ line, cells, note, row, errors: rowErrors, hash }: ScoreSheetLine, cols: ScoreColumns, waiting: Waiting[]): void => {
    rows++;
    // A note under the sheet (注：…, 评审专家签名：…): no score, left out with a warning.
    if (note !== null) {
      notes++;
      warnings.push({ line, column: '', value: note.value, message: note.text });
      return;
    }
    for (const e of rowErrors) errors.push(e);
    const appId = row?.applicationId ?? ((cells as string[])[cols.applicationId] ?? '').normalize('NFKC').trim();
    if (appId !== '' && !appIds.has(appId)) {
      if (!otherRound.has(appId)) otherRound.set(appId, applicationRound(db, appId));
      const other = otherRound.get(appId);
      errors.push({
        line,
        column: cols.headers[cols.applicationId],
        value: appId,
        message: other
          ? text(`该申报属于批次 ${other}，不属于 ${round.roundId}；应为本批次的申报编号`, `the application belongs to round ${other}, not ${round.roundId}; expected an application of this round`)
          : text(`本批次 ${round.roundId} 中没有该申报；应为已导入本批次的申报编号`, `no such application in round ${round.roundId}; expected the ID of an application imported in this round`),
      });
      return;
    }
    if (!row) return;
    const stored = existing.size === 0 ? undefined : existing.get(row.applicationId, row.expertId);
    const kind: StagedKind =
      stored === undefined ? 'new' : stored === contentKey(row.centi, criteriaJson(row), row.recused, row.comment) ? 'same' : input.update ? 'update' : 'refused';
    waiting.push({ row, kind, hash, cells });
  };

  /** A staged row (`first`: null) or one whose pair the sheet named before, on line `first`. */
  const settle = ({ row, kind, cells: kept }: Waiting, first: number | null, cols: ScoreColumns): void => {
    const { line } = row;
    if (first !== null && stage.sameAsStaged(row)) {
      repeated++;
      warnings.push({
        line,
        column: cols.headers[cols.expertId],
        value: row.expertId,
        message: text(`与第 ${first} 行完全相同（申报 ${row.applicationId}，专家 ${row.expertId}），只计一次`, `the same as line ${first}, value for value (application ${row.applicationId}, expert ${row.expertId}): taken once`),
      });
      return;
    }
    if (first !== null) {
      errors.push({
        line,
        column: cols.headers[cols.expertId],
        value: row.expertId,
        message: text(`同一申报 ${row.applicationId} 与同一专家在第 ${first} 行已出现；每位专家对每个申报只能有一行`, `the same application ${row.applicationId} and expert already appear on line ${first}; one row per application and expert`),
      });
      return;
    }
    if (kind === 'new') {
      affect(row.applicationId);
      return;
    }
    if (kind === 'same') {
      unchanged++;
      return;
    }
    const old = getScore(db, row.applicationId, row.expertId) as StoredScore;
    if (kind === 'update') {
      affect(row.applicationId);
      updateLog.push({ application_id: row.applicationId, expert_id: row.expertId, line, old: JSON.parse(scoreContent(storedContent(old))) as unknown, new: contentJson(row) });
      return;
    }
    const cells = kept as string[];
    const was = scoreWords(old);
    const sameScore = was.en === scoreWords(row).en;
    const commentNote = sameScore ? text(`，评审意见不同（原为「${old.comment ?? ''}」）`, `, with a different comment (stored: "${old.comment ?? ''}")`) : text('', '');
    errors.push({
      line,
      column: sameScore && cols.comment !== null ? cols.headers[cols.comment] : cols.score !== null ? cols.headers[cols.score] : '',
      value: sameScore && cols.comment !== null ? (cells[cols.comment] ?? '') : cols.score !== null ? (cells[cols.score] ?? '') : '',
      message: text(
        `该专家对 ${row.applicationId} 已有不同的评分（${was.zh}${commentNote.zh}，来自 ${old.sourceFile} 第 ${old.sourceLine} 行）；如需替换请加 --update（将记录新旧值）`,
        `expert ${row.expertId} already scored ${row.applicationId} differently (${was.en}${commentNote.en}, from ${old.sourceFile} line ${old.sourceLine}); give --update to replace it (old and new are logged)`,
      ),
    });
  };

  // The stage is dropped however the import ends.
  try {
    let cols: ScoreColumns | null = null;
    let read = 0;
    // What the new rows will be stored with, known before they are read: a worker hashes them as stored on the way.
    const sha256 = await sha256File(file);
    const at = op.now();
    const sealAs = { roundId: round.roundId, src: { file: sourceName, sha256, at } };
    const worker = useImportWorker(file);
    // A good row's cells are needed only for the rejects file, or to refuse a change to a stored score.
    const sheet: ScoreSheetSource = { file, read: { encoding: input.encoding, sheet: input.sheet }, policy: round.policy, keepCells: keepRejects || existing.size > 0, sealAs: worker && !input.dryRun ? sealAs : null };
    op.progress?.phase(text('正在导入评分', 'importing scores'), op.progress ? await estimateRecords(file) : null, 'rows', true);
    try {
      for await (const ev of worker ? scoreSheetInWorker(sheet) : scoreSheetTable(sheet)) {
        if (ev.kind === 'header') {
          cols = ev.cols;
          header = ev.cells;
        } else if (ev.kind === 'rows') {
          // One transaction per batch: the stage's inserts are not each their own (the ledger is only read here).
          // Errors are sorted by line at the end, and a line's come from one of the two steps: their order is a row at a time's.
          const c = cols as ScoreColumns;
          db.transaction(() => {
            const waiting: Waiting[] = [];
            for (const l of ev.rows) rejectIfErred(l.line, l.cells, () => check(l, c, waiting));
            const first = stage.stage(waiting);
            for (let i = 0; i < waiting.length; i++) rejectIfErred(waiting[i].row.line, waiting[i].cells, () => settle(waiting[i], first[i], c));
          })();
          op.progress?.tick((read += ev.rows.length));
        } else if (cols === null) throw noHeader(file, requiredColumnNames(rules).join(', '), ev.failure);
      }
    } catch (e) {
      throw fileProblem(file, e);
    } finally {
      op.progress?.done();
    }

    errors.sort((a, b) => a.line - b.line);
    warnings.sort((a, b) => a.line - b.line);
    // Under --skip-invalid a row with an error was never staged to be written (a refused change is staged as such): the rest goes in.
    const failed = errors.length > 0 && !input.skipInvalid;
    const rejected = rejectedLines.size;
    const { new: inserted, update: updated } = stage.counts;
    const written = !failed && !input.dryRun && (inserted > 0 || updated > 0);
    const rejects = keepRejects ? rejectRows(input.lang ?? 'en', header, errors, rejectedLines) : [];
    let rejectsFile: string | null = null;
    // The rejects file is written before the commit: if it cannot be, nothing is.
    const tx = written ? beginTransaction(db) : null;
    try {
      if (tx) {
        if (lastEventSeq(db) !== headSeq) throw changedWhileReading();
        stage.write(round.roundId, sealAs.src);
        // The event names up to EVENT_NAMES_AT_MOST applications itself; more are indexed in SQL (10^5 one-row inserts from JS cost half a second).
        const named = !affectedOverflow;
        const event = appendEvent(db, {
          at,
          officer: op.officer,
          command: 'scores import',
          roundId: round.roundId,
          appIds: named ? [...affected] : [],
          // repeated_in_file only when there were some: the details of an import without them stay as they were.
          details: {
            file: sourceName,
            sha256,
            rows,
            inserted,
            updated,
            unchanged,
            ...(repeated > 0 ? { repeated_in_file: repeated } : {}),
            ...(notes > 0 ? { not_scores: notes } : {}),
            ...(rejected > 0 ? { rejected, rejects_file: input.rejects ?? null } : {}),
            updates: updateLog,
          },
        });
        if (!named) linkWrittenScores(db, event.seq, round.roundId, sealAs.src);
      }
      if (!failed) rejectsFile = await writeRejects(input, rejected, rejects);
      tx?.commit();
    } finally {
      tx?.rollback();
    }
    return {
      round: round.roundId,
      file: sourceName,
      sha256,
      dryRun: !!input.dryRun,
      rows,
      inserted: failed ? 0 : inserted,
      updated: failed ? 0 : updated,
      unchanged,
      repeated,
      notes,
      written,
      updates: failed ? [] : updateLog,
      errors,
      warnings,
      rejected,
      rejectsFile,
    };
  } finally {
    stage.drop();
  }
}

// ---------------------------------------------------------------------------
// aggregate

export interface ScoresAggregate {
  round: string;
  method: ScoreMethod;
  /** Best first; unranked (insufficient-reviews) last; a large round's read back from the ledger as they are shown (iterate before writing again). */
  ranked: RankedAggregates;
  counts: Record<RankedAggregate['status'], number>;
  /** Scores that counted (not recused), over the whole round: 0 when nothing was imported. */
  validScores: number;
  /** Scores flagged for collective review (they still count). */
  outliers: number;
  minExperts: number;
  threshold: number;
  outlierGap: number;
  article: string;
}

/**
 * Aggregates the round's scores and stores the result, replacing the previous
 * aggregate. Read, computed and stored in one transaction, application by
 * application. A large round's ranking is read back from the ledger as it is
 * shown: nothing is held per application (a z-score's details, one z per
 * expert, held until stored, were most of the memory of a large round).
 */
type AggregateInput = { round: string | undefined; method?: ScoreMethod; heldAtMost?: number };

/** What an aggregation is, before it reads anything: the round, its rules, the clock. */
function aggregatePrelude(op: OpContext, input: AggregateInput) {
  const round = requireRound(op.db, input.round);
  refuseIfClockBehind(op.db, op.now());
  return { round, rules: scoringRules(round.policy, input.method), at: op.now() };
}

/**
 * The work of an aggregation, inside the caller's transaction, in steps: it
 * pauses (yields) after each application, where no statement is open
 * (eachApplicationScores reads whole chunks), so that the CLI's
 * aggregateScoresAsync lets a signal be heard.
 */
function* aggregateSteps(op: OpContext, { round, rules, at }: ReturnType<typeof aggregatePrelude>, heldAtMost: number | undefined): Generator<void, Aggregated> {
  const { db } = op;
  const { threshold, outlierGap, article } = round.policy.scoring;
  const counts = { scored: 0, 'insufficient-reviews': 0, 'below-threshold': 0 };
  let outliers = 0;
  let scores = 0;
  let applications = 0;
  let held: RankedAggregate[] | null = null;
  const size = roundSize(db, round.roundId);
  // A round up to HELD_AT_MOST applications keeps its ranking in memory (reading it back sorted costs more than
  // the sort); a larger one reads it back from the ledger as it is shown.
  if (size <= (heldAtMost ?? HELD_AT_MOST)) held = [];
  // The z-score needs the round's totals (μ, σ, μ_e, σ_e) before the first
  // application; the other methods gather them (for the experts' table) on the way.
  const zMethod = rules.method === 'z-score';
  const moments = zMethod ? roundMoments(db, round.roundId, rules) : new ScoreMoments();
  const z: ZStatistics | undefined = zMethod ? zStatistics(moments, rules.unitsPerPoint) : undefined;
  // What repeats among the held aggregates is shared.
  const sharing = new AggregateSharing();
  const stored = new AggregateWriter(db, round.roundId, at);
  // Every application of the round is aggregated, the unscored ones too: the total is the round's size.
  op.progress?.phase(text('正在汇总评分', 'aggregating scores'), size, 'applications');
  for (const a of eachApplicationScores(db, round.roundId, rules)) {
    if (!zMethod) moments.addApplication(a);
    const agg = aggregateApplication(a, rules, z);
    stored.add(agg);
    counts[agg.status]++;
    outliers += agg.outliers.length;
    scores += agg.experts;
    held?.push(sharing.held(agg));
    op.progress?.tick(++applications);
    yield;
  }
  stored.end();
  op.progress?.done();
  replaceExpertStats(db, round.roundId, expertSummaries(moments, rules.unitsPerPoint).experts);
  appendEvent(db, {
    at,
    officer: op.officer,
    command: 'scores aggregate',
    roundId: round.roundId,
    details: { method: rules.method, applications, valid_scores: scores, ...counts, outliers, min_experts: rules.minExperts, threshold, outlier_gap: outlierGap },
  });
  return { held, summary: { round: round.roundId, method: rules.method, counts, validScores: scores, outliers, minExperts: rules.minExperts, threshold, outlierGap, article } };
}

/** An aggregation as stored: its ranking is made once it is committed. */
interface Aggregated {
  /** The ranking held in memory (a round up to HELD_AT_MOST), else null: read back from the ledger. */
  held: RankedAggregate[] | null;
  summary: Omit<ScoresAggregate, 'ranked'>;
}

const withRanking = (db: Db, { held, summary }: Aggregated): ScoresAggregate => ({
  ...summary,
  ranked: held ? heldRanking(rankAggregates(held)) : rankedAggregates(db, summary.round),
});

/**
 * Aggregates the round's scores and stores the result, replacing the previous
 * aggregate. Read, computed and stored in one transaction, application by
 * application. A large round's ranking is read back from the ledger as it is
 * shown: nothing is held per application (a z-score's details, one z per
 * expert, held until stored, were most of the memory of a large round).
 */
export function aggregateScores(op: OpContext, input: AggregateInput): ScoresAggregate {
  const prelude = aggregatePrelude(op, input);
  return withRanking(op.db, inTransaction(op.db, () => runSteps(aggregateSteps(op, prelude, input.heldAtMost))));
}

/** aggregateScores, letting the event loop run between applications now and then (pauses.ts): Ctrl-C rolls it back at once. */
export async function aggregateScoresAsync(op: OpContext, input: AggregateInput): Promise<ScoresAggregate> {
  const prelude = aggregatePrelude(op, input);
  return withRanking(op.db, await runStepsInTransaction(op.db, aggregateSteps(op, prelude, input.heldAtMost)));
}

/** Above this many applications an aggregation's ranking is read back from the ledger, not held. */
const HELD_AT_MOST = 250_000;

/** A ranking held in memory, in the shape of one read back from the ledger. */
function heldRanking(ranked: RankedAggregate[]): RankedAggregates {
  return {
    length: ranked.length,
    [Symbol.iterator]: () => ranked[Symbol.iterator](),
    first: (n) => ranked.slice(0, Math.max(0, n)),
    sharedDisplays() {
      const seen = new Set<string>();
      const shared = new Set<string>();
      for (const a of ranked) {
        if (a.display === null) continue;
        if (seen.has(a.display)) shared.add(a.display);
        seen.add(a.display);
      }
      return shared;
    },
  };
}

// ---------------------------------------------------------------------------
// show

export interface ApplicationScoresView {
  applicationId: string;
  round: string;
  enterpriseName: string;
  projectName: string;
  /** The policy's criteria (empty: one plain score). */
  criteria: Policy['scoring']['criteria'];
  scores: StoredScore[];
  aggregate: ReturnType<typeof getAggregate>;
  /** Scores changed after the aggregate was computed. */
  stale: boolean;
  /** Each expert's mean and spread in the round, from the last aggregate. */
  expertStats: ReturnType<typeof expertStats>;
  /** The round's threshold, points as [num, den] (Art. 11). */
  threshold: [bigint, bigint];
  /** Other applications whose rounded score reads the same: the exact value decides between them. */
  shownAlike: string[];
}

/** Each expert's score, recusal and comment, and the stored aggregate. */
export function showScores(op: OpContext, input: { application: string }): ApplicationScoresView {
  const { db } = op;
  const app = requireApplication(db, input.application.normalize('NFKC').trim());
  const round = requireRound(db, app.roundId);
  const aggregate = getAggregate(db, app.applicationId);
  const latest = latestScoreImport(db, app.roundId);
  return {
    applicationId: app.applicationId,
    round: app.roundId,
    enterpriseName: app.enterpriseName,
    projectName: app.projectName,
    criteria: round.policy.scoring.criteria,
    scores: applicationScores(db, app.applicationId),
    aggregate,
    stale: aggregate !== undefined && latest !== undefined && latest > aggregate.computedAt,
    expertStats: expertStats(db, app.roundId),
    threshold: scoringRules(round.policy).threshold,
    shownAlike: aggregate?.display ? applicationsShownAs(db, app.roundId, aggregate.display, app.applicationId) : [],
  };
}

// ---------------------------------------------------------------------------
// experts

/** Per expert: applications scored, mean and spread (population SD), against the round's. */
export function expertsSummary(op: OpContext, input: { round: string | undefined }): { round: string } & ReturnType<typeof expertSummaries> {
  const round = requireRound(op.db, input.round);
  const rules = scoringRules(round.policy);
  return { round: round.roundId, ...expertSummaries(roundMoments(op.db, round.roundId, rules), rules.unitsPerPoint) };
}
