// ops/reports on a temporary ledger, without a process: the report model of a
// round, the text of each format, the file written, and each refusal.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/domain/errors.js';
import type { Report } from '../../src/domain/reports/model.js';
import type { OpContext } from '../../src/ops/context.js';
import { buildRoundReport, writeRoundReport } from '../../src/ops/reports.js';
import { check } from '../../src/ops/check.js';
import { loadRoundFacts } from '../../src/ledger/reports.repo.js';
import { buildAudit } from '../../src/domain/reports/audit.js';
import { renderHtml } from '../../src/io/exporters/html.js';
import { ledgerWithRound, writerDuring } from '../helpers.js';
import { addApplications } from '../ledger/allocation-fixtures.js';

const NOW = '2022-09-30T08:00:00.000Z';

function roundWithApplications() {
  const l = ledgerWithRound('R1', { 'sme-cloud': 60_000_000 });
  addApplications(l.db, 'R1', [
    { id: 'A1', requested: 300_000 },
    { id: 'A2', requested: 200_000 },
  ]);
  const op: OpContext = { db: l.db, officer: 'test', now: () => NOW, today: () => '2022-09-30' };
  return { ...l, op };
}

/** Every cell of a section's rows, as plain values. */
const rowsOf = (r: Report, id: string) => [...r.sections.find((s) => s.id === id)!.rows];

async function refusal(p: Promise<unknown>): Promise<UserError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(UserError);
  return e as UserError;
}

describe('buildRoundReport', () => {
  it('builds the award list of a round before allocation: every application, none allocated yet', () => {
    const { db } = roundWithApplications();
    const r = buildRoundReport(db, 'awards', 'R1', NOW);
    expect(r).toMatchObject({ kind: 'awards', roundId: 'R1', generatedAt: NOW });
    expect(r.meta.find((m) => m.key === 'allocation')?.value).toEqual({ zh: '尚未分配', en: 'not-yet-allocated' });
    const ids = r.sections.flatMap((s) => rowsOf(r, s.id)).flat().filter((c) => c === 'A1' || c === 'A2');
    expect(ids.sort()).toEqual(['A1', 'A2']);
  });

  it('refuses a round the ledger does not hold', () => {
    const { db } = roundWithApplications();
    expect(() => buildRoundReport(db, 'audit', 'NOPE', NOW)).toThrow(UserError);
  });
});

describe('writeRoundReport', () => {
  it('returns the report as text in the format asked for, md by default', async () => {
    const { op } = roundWithApplications();
    const md = await writeRoundReport(op, { kind: 'awards', roundId: 'R1', lang: 'en' });
    expect(md).toMatchObject({ kind: 'awards', round: 'R1', format: 'md', lang: 'en' });
    expect('content' in md && md.content).toContain('A1');
    const json = await writeRoundReport(op, { kind: 'awards', roundId: 'R1', format: 'json', lang: 'en' });
    expect('content' in json && (JSON.parse(json.content) as { kind: string }).kind).toBe('awards');
  });

  it('writes the public notice in Chinese unless a language is asked for', async () => {
    const { op } = roundWithApplications();
    expect((await writeRoundReport(op, { kind: 'notice', roundId: 'R1', lang: 'en' })).lang).toBe('zh');
    expect((await writeRoundReport(op, { kind: 'notice', roundId: 'R1', lang: 'en', langExplicit: true })).lang).toBe('en');
    expect((await writeRoundReport(op, { kind: 'audit', roundId: 'R1', lang: 'en' })).lang).toBe('en');
  });

  it('writes a file in the format its name asks for, with its size and SHA-256', async () => {
    const { op, dir } = roundWithApplications();
    const out = join(dir, 'awards.csv');
    const r = await writeRoundReport(op, { kind: 'awards', roundId: 'R1', lang: 'zh', out });
    const data = readFileSync(out);
    expect(r).toEqual({ kind: 'awards', round: 'R1', format: 'csv', lang: 'zh', out, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') });
    expect(data.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('refuses to overwrite a file without force, and overwrites it with force', async () => {
    const { op, dir } = roundWithApplications();
    const out = join(dir, 'audit.md');
    writeFileSync(out, 'kept');
    const e = await refusal(writeRoundReport(op, { kind: 'audit', roundId: 'R1', lang: 'en', out }));
    expect(e.exitCode).toBe(2);
    expect(e.hint?.en).toContain('--force');
    expect(readFileSync(out, 'utf8')).toBe('kept');
    await writeRoundReport(op, { kind: 'audit', roundId: 'R1', lang: 'en', out, force: true });
    expect(readFileSync(out, 'utf8')).toContain('Audit report');
  });

  it('refuses an unknown kind, xlsx without a file, and an unknown or missing round', async () => {
    const { op } = roundWithApplications();
    expect((await refusal(writeRoundReport(op, { kind: 'budget', roundId: 'R1', lang: 'en' }))).text.en).toMatch(/^unknown report "budget"/);
    expect((await refusal(writeRoundReport(op, { kind: 'awards', roundId: 'R1', format: 'xlsx', lang: 'en' }))).text.en).toContain('needs --out');
    expect((await refusal(writeRoundReport(op, { kind: 'awards', roundId: 'R9', lang: 'en' }))).text.en).toBe('no round R9.');
    expect((await refusal(writeRoundReport(op, { kind: 'awards', roundId: undefined, lang: 'en' }))).exitCode).toBe(2);
  });
});

describe('a report reads one state of the ledger', () => {
  for (const kind of ['awards', 'audit'] as const) {
    it(`${kind}: a command that writes while the report is being written waits; once it is written, the write goes through`, async () => {
      const { op, path } = roundWithApplications();
      const { progress, refused, state, write, close } = writerDuring(path);
      const r = await writeRoundReport({ ...op, progress }, { kind, roundId: 'R1', format: 'csv', lang: 'en' });
      expect('content' in r && r.content).toContain('A1');
      expect(state.tried).toBe(true);
      expect(refused).toEqual(['SQLITE_BUSY']);
      expect(op.db.inTransaction).toBe(false);
      expect(write().changes).toBe(1);
      close();
    });
  }
});

describe('a report on a progress bar', () => {
  it('is counted out of about as many rows as its sections expect: the award list, one per application; the audit, one a rule per application and more', async () => {
    const { op } = roundWithApplications();
    for (const kind of ['awards', 'audit'] as const) {
      const phases: { label: string; total: number | null; about?: boolean }[] = [];
      let ticks = 0;
      const progress = { phase: (label: { en: string }, total: number | null, _u: unknown, about?: boolean) => phases.push({ label: label.en, total, about }), tick: () => ticks++, done: () => undefined };
      await writeRoundReport({ ...op, progress }, { kind, roundId: 'R1', format: 'csv', lang: 'en' });
      const writing = phases.filter((p) => p.label === 'writing the report');
      expect(writing, kind).toHaveLength(1);
      expect(writing[0].about).toBe(true);
      // Two applications, not yet checked nor scored.
      if (kind === 'awards') expect(writing[0].total).toBe(2);
      else expect(writing[0].total).toBe(2 + 2 * 12 + 2 + 2);
      expect(ticks).toBeGreaterThan(0);
    }
  });

  it('counts an abridged web page’s listings only up to one row past the cut (what it reads of them)', async () => {
    const { op } = roundWithApplications();
    const phases: { label: string; total: number | null }[] = [];
    const progress = { phase: (label: { en: string }, total: number | null) => phases.push({ label: label.en, total }), tick: () => undefined, done: () => undefined };
    await writeRoundReport({ ...op, progress }, { kind: 'audit', roundId: 'R1', format: 'html', lang: 'en', htmlRows: 1 });
    // Applications, results, aggregates and caps: 2 each at most (the results would be 2 × 12); no scores, no allocation.
    expect(phases.find((p) => p.label === 'writing the report')?.total).toBe(2 + 2 + 2 + 2);
    phases.length = 0;
    await writeRoundReport({ ...op, progress }, { kind: 'audit', roundId: 'R1', format: 'html', lang: 'en', htmlRows: null });
    expect(phases.find((p) => p.label === 'writing the report')?.total).toBe(2 + 2 * 12 + 2 + 2);
  });

  it('counts the round’s eligibility results once for the audit page: its abridged note and its chart read the same counts', async () => {
    const { op, db } = roundWithApplications();
    check(op, { roundId: 'R1' });
    const facts = loadRoundFacts(db, 'R1', { verify: false })!;
    let counted = 0;
    const report = buildAudit({ ...facts, eligibilityCounts: () => (counted++, facts.eligibilityCounts()) }, NOW);
    const html = await renderHtml({ ...report, htmlRows: 1 }, 'en');
    // Two applications checked by every rule: the note counts their 24 results, the chart shows them by rule.
    expect(html).toContain('Abridged: this section has 24 rows; this page lists the first 1.');
    expect(report.charts.at(-1)?.bars.length).toBeGreaterThan(0);
    expect(counted).toBe(1);
  });
});
