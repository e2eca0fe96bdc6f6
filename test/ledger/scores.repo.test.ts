// The scores tables on a real ledger file: writing, reading for aggregation,
// the stored aggregate and its SQL order.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ledgerWithRound } from '../helpers.js';
import type { Db } from '../../src/ledger/open.js';
import { inTransaction } from '../../src/ledger/open.js';
import { binaryOrder } from '../../src/ledger/statements.js';
import {
  applicationScores,
  countRoundScores,
  expertStats,
  forEachApplicationScores,
  getAggregate,
  rankedAggregates,
  replaceAggregates,
  replaceExpertStats,
  roundAggregates,
  roundApplicationIds,
  roundMoments,
  roundScoreContents,
  roundScoresForAggregation,
  SCORE_COLUMNS,
  ScoreStage,
  type StagedKind,
  writeScores,
} from '../../src/ledger/scores.repo.js';
import { aggregateRound, compareScores, expertSummaries, rankAggregates, ScoreMoments, scoreToStored, scoringRules, type Aggregate, type ScoreValue } from '../../src/domain/scoring.js';
import { contentKey, type ScoreRow } from '../../src/domain/score-row.js';
import type { ScoreMethod } from '../../src/domain/policy.js';

function insertApplications(db: Db, roundId: string, ids: string[]): void {
  const ins = db.prepare(
    `INSERT INTO applications (application_id, round_id, enterprise_name, uscc, district, established_on, independent_legal_person, category, project_name, total_investment_fen, requested_amount_fen, other_fiscal_support, past_projects_compliant, credit_good, major_accident, ready_to_implement, submitted_on, source_file, source_line, source_sha256, content_hash, created_at, updated_at)
     VALUES (?, ?, ?, ?, '蓬江区', '2015-01-01', 1, 'sme-cloud', ?, 100000000, 50000000, 0, 1, 1, 0, 1, '2022-03-10', 'apps.csv', ?, 'x', ?, '2022-03-01T00:00:00.000Z', '2022-03-01T00:00:00.000Z')`,
  );
  ids.forEach((id, i) => ins.run(id, roundId, `企业${id}`, `91440703MA${String(i).padStart(7, '0')}X`, `项目${id}`, i + 2, id));
}

const row = (applicationId: string, expertId: string, centi: number | null, line: number, recused = false, comment: string | null = null): ScoreRow => ({
  line,
  applicationId,
  expertId,
  centi,
  criteria: null,
  recused,
  comment,
});

const src = { file: 'scores.csv', sha256: 'a'.repeat(64), at: '2022-05-01T00:00:00.000Z' };

function setup(ids: string[]) {
  const { db } = ledgerWithRound('R1');
  insertApplications(db, 'R1', ids);
  return db;
}

describe('scores repository', () => {
  it('writes, updates and reads back scores with their source', () => {
    const db = setup(['A', 'B']);
    inTransaction(db, () => writeScores(db, 'R1', [row('A', 'E1', 8000, 2), row('A', 'E2', null, 3, true, '回避'), row('B', 'E1', 7050, 4)], [], src));
    expect(countRoundScores(db, 'R1')).toBe(3);
    expect(roundApplicationIds(db, 'R1')).toEqual(new Set(['A', 'B']));
    const contents = roundScoreContents(db, 'R1');
    expect(contents.get('A', 'E1')).toBe(contentKey(8000, null, false, null));
    expect(contents.get('A', 'E2')).toBe(contentKey(null, null, true, '回避'));

    inTransaction(db, () => writeScores(db, 'R1', [], [row('A', 'E1', 8100, 9)], { ...src, file: 'fix.csv' }));
    const a = applicationScores(db, 'A');
    expect(a.map((s) => [s.expertId, s.centi, s.recused, s.comment, s.sourceFile, s.sourceLine])).toEqual([
      ['E1', 8100, false, null, 'fix.csv', 9],
      ['E2', null, true, '回避', 'scores.csv', 3],
    ]);
    db.close();
  });

  it('stores the source as given, quotes included (it is written into the insert statement)', () => {
    const db = setup(['A']);
    const odd = { file: "O'Brien's 评分表 ''; DROP TABLE scores; --.csv", sha256: 'b'.repeat(64), at: "2022-05-01T00:00:00.000Z'" };
    inTransaction(db, () => writeScores(db, 'R1', [row('A', 'E1', 8000, 2)], [], odd));
    expect(db.prepare('SELECT round_id, source_file, source_sha256, imported_at FROM scores').raw().all()).toEqual([['R1', odd.file, odd.sha256, odd.at]]);
    db.close();
  });

  it('ScoreStage.stage: per row, the first line of a pair named before (within a batch of rows, across batches, across calls), else staged and counted', () => {
    const db = setup(['A']);
    fc.assert(
      fc.property(
        // Few pairs, many rows: most pairs come again, in the same statement's rows or in a later one.
        fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 39 }), fc.integer({ min: 0, max: 19 }), fc.constantFrom('new', 'same', 'update', 'refused')), { maxLength: 700 }), { minLength: 1, maxLength: 3 }),
        (calls) => {
          const stage = new ScoreStage(db);
          try {
            const seen = new Map<string, number>();
            const counts = { new: 0, update: 0 };
            let line = 2;
            for (const call of calls) {
              const rows = call.map(([a, e, kind]) => ({ row: row(`A${a}`, `E${e}`, 8000, line++), kind: kind as StagedKind, hash: null }));
              const expected = rows.map(({ row: r, kind }) => {
                const first = seen.get(`${r.applicationId}/${r.expertId}`);
                if (first !== undefined) return first;
                seen.set(`${r.applicationId}/${r.expertId}`, r.line);
                if (kind === 'new' || kind === 'update') counts[kind]++;
                return null;
              });
              expect(inTransaction(db, () => stage.stage(rows))).toEqual(expected);
            }
            expect(stage.counts).toEqual(counts);
            expect(db.prepare('SELECT count(*) FROM temp.score_stage').pluck().get()).toBe(seen.size);
          } finally {
            stage.drop();
          }
        },
      ),
      { numRuns: 40 },
    );
    db.close();
  });

  it('refuses a score for an application that does not exist, and a negative score', () => {
    const db = setup(['A']);
    expect(() => writeScores(db, 'R1', [row('NOPE', 'E1', 8000, 2)], [], src)).toThrow(/FOREIGN KEY/);
    expect(() => writeScores(db, 'R1', [row('A', 'E1', -1, 2)], [], src)).toThrow(/CHECK/);
    db.close();
  });

  it('reads every application of the round for aggregation, with or without scores, in application_id order', () => {
    const db = setup(['B', 'A', 'C']);
    inTransaction(db, () => writeScores(db, 'R1', [row('B', 'E2', 6000, 2), row('B', 'E1', 7000, 3), row('A', 'E1', 9000, 4)], [], src));
    const apps = roundScoresForAggregation(db, 'R1', scoringRules(JSON.parse(db.prepare("SELECT policy_json FROM rounds WHERE round_id = 'R1'").pluck().get() as string)));
    expect(apps.map((a) => [a.applicationId, a.entries.map((e) => `${e.expertId}:${e.units}`)])).toEqual([
      ['A', ['E1:9000']],
      ['B', ['E1:7000', 'E2:6000']],
      ['C', []],
    ]);
    // One covering-index scan, no sort.
    const plan = db
      .prepare('EXPLAIN QUERY PLAN SELECT application_id, expert_id, score_centi, criteria_json, recused FROM scores WHERE round_id = ? ORDER BY round_id, application_id, expert_id')
      .all('R1') as { detail: string }[];
    expect(plan.map((p) => p.detail)).toEqual(['SEARCH scores USING COVERING INDEX scores_round (round_id=?)']);
    // The chunks after the first start after a key, in the same index.
    const after = db
      .prepare(
        'EXPLAIN QUERY PLAN SELECT application_id, expert_id, score_centi, criteria_json, recused FROM scores WHERE round_id = ? AND (application_id, expert_id) > (?, ?) ORDER BY round_id, application_id, expert_id LIMIT 2048',
      )
      .all('R1', 'A', 'E1') as { detail: string }[];
    expect(after.map((p) => p.detail)).toEqual(['SEARCH scores USING COVERING INDEX scores_round (round_id=? AND (application_id,expert_id)>(?,?))']);
    db.close();
  });

  it('forEachApplicationScores reads the same applications and scores whatever its chunk of rows (empty ids and ids past U+D800 too)', () => {
    const ids = ['', 'A', 'A\uE000', 'A\u{20000}', 'B', 'C'];
    const experts = ['', 'E1', 'E\u{1F600}', 'E2'];
    const db = setup(ids);
    const rules = scoringRules(JSON.parse(db.prepare("SELECT policy_json FROM rounds WHERE round_id = 'R1'").pluck().get() as string));
    const read = (chunk: number) => {
      const out: unknown[] = [];
      forEachApplicationScores(db, 'R1', rules, (a) => out.push(a), chunk);
      return out;
    };
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 3 }), fc.option(fc.integer({ min: 0, max: 10000 }))), { maxLength: 24 }), fc.integer({ min: 1, max: 5 }), (cells, chunk) => {
        inTransaction(db, () => {
          db.prepare('DELETE FROM scores').run();
          const seen = new Set<string>();
          const rows: ScoreRow[] = [];
          for (const [a, e, c] of cells) {
            if (seen.has(`${a}/${e}`)) continue;
            seen.add(`${a}/${e}`);
            rows.push(row(ids[a], experts[e], c, rows.length + 2, c === null));
          }
          writeScores(db, 'R1', rows, [], src);
        });
        const whole = read(1000);
        expect(read(chunk)).toEqual(whole);
        // Every score once, every application of the round once (those without a score in their place), in SQLite's order.
        expect(whole.flatMap((a) => (a as { entries: unknown[] }).entries)).toHaveLength(db.prepare('SELECT count(*) FROM scores').pluck().get() as number);
        const order = whole.map((a) => (a as { applicationId: string }).applicationId);
        expect(order).toEqual(db.prepare("SELECT application_id FROM applications WHERE round_id = 'R1' ORDER BY application_id").pluck().all());
        for (let i = 1; i < order.length; i++) expect(binaryOrder(order[i - 1], order[i])).toBeLessThan(0);
      }),
      { numRuns: 60 },
    );
    db.close();
  });

  it('stores the aggregate exactly; ORDER BY score_key gives the exact ranking for every method', () => {
    const methods: ScoreMethod[] = ['mean', 'trimmed-mean', 'median', 'z-score'];
    const ids = Array.from({ length: 40 }, (_, i) => `APP-${String(i).padStart(2, '0')}`);
    const db = setup(ids);
    const policy = JSON.parse(db.prepare("SELECT policy_json FROM rounds WHERE round_id = 'R1'").pluck().get() as string);
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.option(fc.integer({ min: 0, max: 10000 }), { freq: 8 }), { minLength: 6, maxLength: 6 }), { minLength: 40, maxLength: 40 }),
        fc.constantFrom(...methods),
        (table, method) => {
          inTransaction(db, () => {
            db.prepare('DELETE FROM scores').run();
            const rows: ScoreRow[] = [];
            table.forEach((scores, i) => scores.forEach((c, e) => rows.push(row(ids[i], `E${e}`, c, i * 6 + e + 2, c === null))));
            writeScores(db, 'R1', rows, [], src);
          });
          const rules = scoringRules(policy, method);
          const aggs = aggregateRound(roundScoresForAggregation(db, 'R1', rules), rules);
          inTransaction(db, () => replaceAggregates(db, 'R1', aggs, '2022-05-02T00:00:00.000Z'));
          const stored = roundAggregates(db, 'R1');
          expect(stored).toHaveLength(40);
          // Same order as the exact ranking (ties by application_id).
          expect(stored.map((s) => s.applicationId)).toEqual(rankAggregates(aggs).map((a) => a.applicationId));
          // And as scores aggregate reads them back: the same order, values and counts, no details.
          const { details: _, ...best } = rankAggregates(aggs)[0];
          const ranked = [...rankedAggregates(db, 'R1')];
          expect(ranked.map((a) => a.applicationId)).toEqual(rankAggregates(aggs).map((a) => a.applicationId));
          expect(ranked[0]).toEqual(best);
          for (const s of stored) {
            const a = aggs.find((x) => x.applicationId === s.applicationId);
            expect(s.method).toBe(method);
            expect(s.status).toBe(a?.status);
            if (a?.value) expect(compareScores(s.value as ScoreValue, a.value)).toBe(0);
            else expect(s.value).toBeNull();
          }
          const sqlOrder = db
            .prepare("SELECT application_id FROM score_aggregates WHERE round_id = 'R1' AND score_key IS NOT NULL ORDER BY score_key DESC, application_id")
            .pluck()
            .all() as string[];
          const exact = stored.filter((s) => s.value !== null);
          for (let i = 1; i < exact.length; i++) expect(compareScores(exact[i - 1].value as ScoreValue, exact[i].value as ScoreValue)).toBeGreaterThanOrEqual(0);
          expect(sqlOrder).toEqual(exact.map((s) => s.applicationId));
        },
      ),
      { numRuns: 25 },
    );
    db.close();
  });

  it('replaceAggregates, chunk by chunk: the round holds exactly the new aggregates; only new, changed and dropped rows are written', () => {
    // Ids past U+D800 too, where JavaScript's order of texts is not SQLite's.
    const ids = [...Array.from({ length: 19 }, (_, i) => `G${String(i).padStart(2, '0')}`), 'G\uE000', 'G\u{20000}', 'G\uFFFD', 'G\u{1F600}x'];
    const db = setup(ids);
    const rules = scoringRules(JSON.parse(db.prepare("SELECT policy_json FROM rounds WHERE round_id = 'R1'").pluck().get() as string));
    const aggOf = (id: string, centi: number | null) =>
      aggregateRound([{ applicationId: id, entries: centi === null ? [] : [1, 2, 3].map((e) => ({ expertId: `E${e}`, units: BigInt(centi + e), recused: false })) }], rules)[0];
    const stored = () =>
      db.prepare("SELECT application_id, score_num, status, computed_at FROM score_aggregates WHERE round_id = 'R1' ORDER BY application_id").raw().all() as [string, string | null, string, string][];
    // The same replacement one statement per row, in id order, on a second ledger: every row, and its rowid, the same.
    const one = setup(ids);
    const oneByOne = (aggs: Aggregate[], at: string) => {
      const want = new Map(aggs.map((a) => [a.applicationId, a]));
      const had = one.prepare("SELECT application_id FROM score_aggregates WHERE round_id = 'R1'").pluck().all() as string[];
      const upsert = one.prepare(
        `INSERT INTO score_aggregates (application_id, round_id, method, status, score_num, score_den, score_display, score_key, experts, recused, outliers_json, details_json, computed_at)
         VALUES (?, 'R1', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (application_id) DO UPDATE SET
           method = excluded.method, status = excluded.status, score_num = excluded.score_num, score_den = excluded.score_den, score_display = excluded.score_display,
           score_key = excluded.score_key, experts = excluded.experts, recused = excluded.recused, outliers_json = excluded.outliers_json, details_json = excluded.details_json,
           computed_at = excluded.computed_at
         WHERE (method, status, score_num, score_den, score_display, score_key, experts, recused, outliers_json, details_json) IS NOT
           (excluded.method, excluded.status, excluded.score_num, excluded.score_den, excluded.score_display, excluded.score_key, excluded.experts, excluded.recused, excluded.outliers_json, excluded.details_json)`,
      );
      inTransaction(one, () => {
        for (const id of [...new Set([...had, ...want.keys()])].sort(binaryOrder)) {
          const a = want.get(id);
          if (a === undefined) one.prepare('DELETE FROM score_aggregates WHERE application_id = ?').run(id);
          else {
            const v = a.value ? scoreToStored(a.value) : null;
            upsert.run(id, a.method, a.status, v?.num ?? null, v?.den ?? null, a.display, a.key, a.experts, a.recused, JSON.stringify(a.outliers), JSON.stringify(a.details), at);
          }
        }
      });
    };
    const everyRow = (d: Db) => d.prepare('SELECT rowid, * FROM score_aggregates ORDER BY rowid').raw().all();
    // The newest row deleted after a new one is read: the new one keeps the rowid after it.
    for (const [k, set] of [[1], [0, 2]].entries()) {
      const aggs = set.map((i) => aggOf(ids[i], 6000));
      const at = `2022-05-01T00:00:0${k}.000Z`;
      inTransaction(db, () => replaceAggregates(db, 'R1', aggs, at, 7));
      oneByOne(aggs, at);
      expect(everyRow(db)).toEqual(everyRow(one));
    }
    let now = 0;
    fc.assert(
      fc.property(
        // Per application: absent, or a score (null: insufficient reviews); the aggregates given in any order.
        fc.array(fc.option(fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }), { nil: undefined }), { minLength: 23, maxLength: 23 }),
        fc.integer({ min: 1, max: 7 }),
        fc.boolean(),
        (table, chunk, reversed) => {
          const before = new Map(stored().map((r) => [r[0], r]));
          const aggs = ids.flatMap((id, i) => (table[i] === undefined ? [] : [aggOf(id, table[i] === null ? null : 6000 + 100 * (table[i] as number))]));
          if (reversed) aggs.reverse();
          const at = `2022-05-02T00:00:${String(now++ % 60).padStart(2, '0')}.000Z`;
          const written = inTransaction(db, () => replaceAggregates(db, 'R1', aggs, at, chunk));
          oneByOne(aggs, at);
          expect(everyRow(db)).toEqual(everyRow(one));
          const after = stored();
          expect(after.map((r) => r[0])).toEqual(aggs.map((a) => a.applicationId).sort(binaryOrder));
          let expected = 0;
          for (const r of after) {
            const a = aggs.find((x) => x.applicationId === r[0]);
            expect(r[2]).toBe(a?.status);
            const was = before.get(r[0]);
            const same = was !== undefined && was[1] === r[1] && was[2] === r[2];
            // An unchanged row keeps its time; a new or changed one gets this aggregation's.
            expect(r[3]).toBe(same ? was[3] : at);
            if (!same) expected++;
          }
          expected += [...before.keys()].filter((id) => !after.some((r) => r[0] === id)).length;
          expect(written).toBe(expected);
          // Read back ranked, as the command shows them: rankAggregates' order, equal scores by application_id as
          // JavaScript orders texts (not SQLite's order, past U+D800); the first few; the rounded scores shown twice.
          const ranked = rankedAggregates(db, 'R1');
          const want = rankAggregates(aggs);
          expect([...ranked].map((a) => a.applicationId)).toEqual(want.map((a) => a.applicationId));
          expect(ranked.length).toBe(aggs.length);
          expect(ranked.first(chunk).map((a) => a.applicationId)).toEqual(want.slice(0, chunk).map((a) => a.applicationId));
          const displays = aggs.map((a) => a.display).filter((d): d is string => d !== null);
          expect(ranked.sharedDisplays()).toEqual(new Set(displays.filter((d, i) => displays.indexOf(d) !== i)));
        },
      ),
      { numRuns: 60 },
    );
    db.close();
    one.close();
  });

  it('roundMoments: SQLite’s integer sums equal the totals computed in JS', () => {
    const ids = Array.from({ length: 20 }, (_, i) => `M${i}`);
    const db = setup(ids);
    const rules = scoringRules(JSON.parse(db.prepare("SELECT policy_json FROM rounds WHERE round_id = 'R1'").pluck().get() as string));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 19 }), fc.integer({ min: 0, max: 6 }), fc.option(fc.integer({ min: 0, max: 10000 })), fc.boolean()), { maxLength: 80 }), (cells) => {
        inTransaction(db, () => {
          db.prepare('DELETE FROM scores').run();
          const seen = new Set<string>();
          const rows: ScoreRow[] = [];
          for (const [a, e, c, rec] of cells) {
            if (seen.has(`${a}/${e}`) || (c === null && !rec)) continue;
            seen.add(`${a}/${e}`);
            rows.push(row(ids[a], `E${e}`, c, rows.length + 2, rec));
          }
          writeScores(db, 'R1', rows, [], src);
        });
        const sql = roundMoments(db, 'R1', rules);
        const js = ScoreMoments.of(roundScoresForAggregation(db, 'R1', rules));
        expect(sql.all).toEqual(js.all);
        expect(new Map([...sql.experts].sort())).toEqual(new Map([...js.experts].sort()));
        expect(expertSummaries(sql, 100n)).toEqual(expertSummaries(js, 100n));
      }),
      { numRuns: 30 },
    );
    db.close();
  });

  it('an insufficient-reviews aggregate has no score (CHECK)', () => {
    const db = setup(['A']);
    expect(() =>
      db
        .prepare("INSERT INTO score_aggregates (application_id, round_id, method, status, score_num, score_den, experts, recused, computed_at) VALUES ('A', 'R1', 'mean', 'insufficient-reviews', '1', '1', 1, 0, 'x')")
        .run(),
    ).toThrow(/CHECK/);
    db.close();
  });

  it('keeps details, outliers and the experts’ statistics', () => {
    const db = setup(['A', 'B']);
    inTransaction(db, () =>
      writeScores(db, 'R1', [row('A', 'E1', 5000, 2), row('A', 'E2', 8000, 3), row('A', 'E3', 8000, 4), row('B', 'E1', 6000, 5), row('B', 'E2', 6000, 6), row('B', 'E3', 9000, 7)], [], src),
    );
    const rules = scoringRules(JSON.parse(db.prepare("SELECT policy_json FROM rounds WHERE round_id = 'R1'").pluck().get() as string), 'z-score');
    const apps = roundScoresForAggregation(db, 'R1', rules);
    inTransaction(db, () => {
      replaceAggregates(db, 'R1', aggregateRound(apps, rules), '2022-05-02T00:00:00.000Z');
      replaceExpertStats(db, 'R1', expertSummaries(ScoreMoments.of(apps), rules.unitsPerPoint).experts);
    });
    const a = getAggregate(db, 'A');
    expect(a?.outliers).toEqual(['E1']);
    expect(a?.details.z?.map((z) => z.expert_id)).toEqual(['E1', 'E2', 'E3']);
    expect(a?.value?.kind).toBe('fixed');
    expect(expertStats(db, 'R1').get('E3')).toEqual({ scored: 2, recused: 0, mean: '85.00', sd: '5.00' });
    db.close();
  });
});

describe('SCORE_COLUMNS', () => {
  it('are the columns of scores in the table’s order, as the migrations make it (a new row is hashed in that order before it is stored)', () => {
    const { db } = ledgerWithRound('R1');
    try {
      expect(db.prepare("SELECT name FROM pragma_table_info('scores') ORDER BY cid").pluck().all()).toEqual([...SCORE_COLUMNS]);
    } finally {
      db.close();
    }
  });
});
