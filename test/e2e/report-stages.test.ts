// Every report kind in every format works on a round at every stage, from
// its creation to after filing (the demo runs them all). One build of the
// fixture round, a copy of the ledger at each stage; reports rendered in
// process, plus one run of the real binary per stage.
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildReportLedger, fixtureEnv, NOW, ROUND, snapshotPath, STAGES, type FixtureLedger } from '../../fixtures/report/build-ledger.js';
import { renderReport } from '../../src/io/exporters/index.js';
import { buildRoundReport } from '../../src/ops/reports.js';
import { REPORT_FORMATS, REPORT_KINDS } from '../../src/domain/reports/model.js';
import { openLedger } from '../../src/ledger/open.js';
import { loadRoundFacts } from '../../src/ledger/reports.repo.js';
import { runCli } from '../helpers.js';

let L: FixtureLedger;
beforeAll(() => {
  L = buildReportLedger('final', { snapshots: true });
}, 300_000);

describe('eligibility outcomes counted in SQL (the audit chart)', () => {
  it('are the results the audit lists, counted, at every stage (a decision counted by its outcome)', () => {
    for (const stage of STAGES) {
      const db = openLedger(snapshotPath(L, stage), { readonly: true });
      try {
        const f = loadRoundFacts(db, ROUND, { verify: false })!;
        const listed = new Map<string, number>();
        for (const e of f.eligibility) {
          const k = `${e.rule} ${e.decision?.outcome ?? e.outcome}`;
          listed.set(k, (listed.get(k) ?? 0) + 1);
        }
        const counted = new Map(f.eligibilityCounts().filter((c) => c.count > 0).map((c) => [`${c.rule} ${c.outcome}`, c.count]));
        expect(Object.fromEntries([...counted].sort()), stage).toEqual(Object.fromEntries([...listed].sort()));
      } finally {
        db.close();
      }
    }
  });
});

describe('the counts of the audit report’s long listings (an abridged page says them without reading the rest)', () => {
  it('are the rows each listing gives, at every stage', () => {
    const counted = new Set<string>();
    for (const stage of STAGES) {
      const db = openLedger(snapshotPath(L, stage), { readonly: true });
      try {
        const r = buildRoundReport(db, 'audit', ROUND, NOW, undefined, { ok: true, problems: [], skipped: [], events: 0, lastHash: '' });
        for (const s of r.sections) {
          if (!s.count) continue;
          expect(s.count(), `${stage} ${s.id}`).toBe([...s.rows].length);
          if (s.count() > 0) counted.add(s.id);
        }
      } finally {
        db.close();
      }
    }
    // Each counted listing had rows at some stage: the comparison was not only of empty sections.
    expect([...counted].sort()).toEqual(['aggregates', 'applications', 'caps', 'eligibility', 'scores']);
  });
});

describe('the tallies the money sums read', () => {
  it('are the standings without their lines, in the same order, at every stage', () => {
    for (const stage of STAGES) {
      const db = openLedger(snapshotPath(L, stage), { readonly: true });
      try {
        const f = loadRoundFacts(db, ROUND, { verify: false })!;
        const standings = [...f.standings].map(({ line: _line, ...t }) => t);
        if (stage !== 'created') expect(standings.length, stage).toBeGreaterThan(0);
        expect([...f.tallies], stage).toEqual(standings);
      } finally {
        db.close();
      }
    }
  });
});

describe('the rows of the award list', () => {
  it('are the dossiers with the fields the list shows, in the same order, at every stage', () => {
    const pick = <T extends object, K extends keyof T>(o: T, keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, o[k]]));
    let rows = 0;
    for (const stage of STAGES) {
      const db = openLedger(snapshotPath(L, stage), { readonly: true });
      try {
        const f = loadRoundFacts(db, ROUND, { verify: false })!;
        for (const category of [undefined, ...f.appCategories]) {
          const q = { category, order: 'rank' as const };
          const want = [...f.dossiers(q)].map((d) => ({
            app: pick(d.app, ['id', 'enterprise', 'project', 'category', 'cluster', 'requestedFen', 'totalInvestmentFen', 'state']),
            line: d.line && pick(d.line, ['rank', 'scoreDisplay', 'capFen', 'awardFen', 'reason', 'binding']),
            aggregateScore: d.aggregateScore,
            money: d.money,
          }));
          const got = [...f.awardRows(q)].map((d) => ({
            app: pick(d.app, ['id', 'enterprise', 'project', 'category', 'cluster', 'requestedFen', 'totalInvestmentFen', 'state']),
            line: d.line && pick(d.line, ['rank', 'scoreDisplay', 'capFen', 'awardFen', 'reason', 'binding']),
            aggregateScore: d.aggregateScore,
            money: d.money,
          }));
          expect(got, `${stage} ${category}`).toEqual(want);
          rows += got.length;
        }
      } finally {
        db.close();
      }
    }
    expect(rows).toBeGreaterThan(0);
  });
});

describe('reports at every stage of a round', () => {
  for (const stage of STAGES) {
    it(`after ${stage}`, async () => {
      const path = snapshotPath(L, stage);
      const db = openLedger(path, { readonly: true });
      try {
        for (const kind of REPORT_KINDS) {
          const report = await buildRoundReport(db, kind, ROUND, NOW);
          expect(report.sections.length).toBeGreaterThan(0);
          for (const format of REPORT_FORMATS) {
            for (const lang of ['zh', 'en'] as const) {
              const out = await renderReport(report, format, lang);
              expect(out.length, `${kind} ${format} ${lang} after ${stage}`).toBeGreaterThan(0);
            }
          }
        }
      } finally {
        db.close();
      }
      const html = join(L.dir, `audit-${stage}.html`);
      const r = runCli(['report', 'audit', '--round', ROUND, '--format', 'html', '--out', html], { env: fixtureEnv(path) });
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(html)).toBe(true);
    }, 60_000);
  }

  it('lists the proposal as a draft notice before the first notice, and says the allocation is not yet made before allocate', async () => {
    const before = openLedger(snapshotPath(L, 'scored'), { readonly: true });
    const after = openLedger(snapshotPath(L, 'allocated'), { readonly: true });
    try {
      const awards = await buildRoundReport(before, 'awards', ROUND, NOW);
      expect(awards.meta.find((m) => m.key === 'allocation')?.value).toEqual({ zh: '尚未分配', en: 'not-yet-allocated' });
      const draft = await buildRoundReport(after, 'notice', ROUND, NOW);
      expect(draft.sections.map((s) => s.id)).toEqual(['draft']);
      expect([...draft.sections[0].rows]).toHaveLength(8);
    } finally {
      before.close();
      after.close();
    }
  });
});
