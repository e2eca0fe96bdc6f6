// report audit runs its verify in a worker thread on a large ledger, while the
// report is written with a sound ledger's result, and writes the report again
// when the verify finds otherwise (ops/audit-verify.ts): forced on here
// (JMFUND_VERIFY_WORKER=always), every format must be byte for byte what the
// verify-first path writes (never), for a sound ledger and for one changed
// behind jmfund's back, on stdout too (an xlsx file: the same sheets and
// cells, its zip entries being dated when written). The html page, abridged,
// has its verify take verify's own integrity worker too (a worker in a worker).
import Database from 'better-sqlite3';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPORT_FORMATS } from '../../src/domain/reports/model.js';
import { ROUND, buildReportLedger, fixtureEnv, type FixtureLedger } from '../../fixtures/report/build-ledger.js';
import { runCli } from '../helpers.js';

let L: FixtureLedger;
let changed: string;
beforeAll(() => {
  L = buildReportLedger('final');
  changed = join(L.dir, 'audit-changed.db');
  copyFileSync(L.db, changed);
  const db = new Database(changed);
  // A changed event (the chain and the last hash) and a changed row (its seal).
  db.prepare("UPDATE events SET officer = 'mallory' WHERE seq = 2").run();
  db.prepare("UPDATE applications SET state = 'approved-by-mallory' WHERE rowid = 1").run();
  db.close();
}, 300_000);

const run = (db: string, worker: 'always' | 'never', args: string[]) => runCli(args, { env: { ...fixtureEnv(db), JMFUND_VERIFY_WORKER: worker } });

/** An xlsx file's sheets: name and every cell's value and format. */
async function sheets(file: string): Promise<unknown[]> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return wb.worksheets.map((ws) => {
    const cells: unknown[] = [];
    ws.eachRow((row) => row.eachCell((c) => cells.push([c.address, c.value, c.numFmt])));
    return { name: ws.name, cells };
  });
}

describe('report audit with its verify in a worker thread', () => {
  it('every format: the same bytes as with the verify first, sound or changed', async () => {
    for (const [name, file] of [
      ['sound', L.db],
      ['changed', changed],
    ]) {
      for (const format of REPORT_FORMATS) {
        const out = (w: string) => join(L.dir, `audit-${name}-${w}.${format}`);
        const a = run(file, 'always', ['report', 'audit', '--round', ROUND, '--out', out('always'), '--force']);
        const b = run(file, 'never', ['report', 'audit', '--round', ROUND, '--out', out('never'), '--force']);
        expect(a.code, a.stderr).toBe(b.code);
        expect(a.stderr).toBe(b.stderr);
        if (format === 'xlsx') expect(await sheets(out('always')), name).toEqual(await sheets(out('never')));
        else expect(readFileSync(out('always')).equals(readFileSync(out('never'))), `${name} ${format}`).toBe(true);
      }
    }
    // The changed ledger's report says what verify found.
    expect(readFileSync(join(L.dir, 'audit-changed-always.csv'), 'utf8')).toMatch(/problem\(s\) found/);
  });

  it('stdout: the same text, sound or changed', () => {
    for (const file of [L.db, changed]) {
      const a = run(file, 'always', ['report', 'audit', '--round', ROUND, '--format', 'md']);
      const b = run(file, 'never', ['report', 'audit', '--round', ROUND, '--format', 'md']);
      expect(a.code, a.stderr).toBe(b.code);
      expect(a.stdout).toBe(b.stdout);
    }
  });
});
