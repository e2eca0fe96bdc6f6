// Cold start (issue 9, goal ≤ 1.6× node -e 0): what `--help` and `round list`
// load. Times are bench/startup.mjs's business; this test catches the usual
// way they regress, a static import that drags a heavy module into every start.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, ledgerWithRound, runChild, tempDir } from '../helpers.js';

interface Loaded {
  builtins: string[];
  files: string[];
  /** An ES module was run (Node loads the loader itself at every start). */
  esmLoader: boolean;
}

/** Runs the built binary and lists the Node built-ins and the files it loaded. */
function loaded(args: string[], db: string): { code: number; stdout: string; loaded: Loaded } {
  const dir = tempDir();
  const out = join(dir, 'loaded.json');
  const preload = join(dir, 'preload.cjs');
  writeFileSync(
    preload,
    `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify({
      builtins: process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)),
      files: Object.keys(require.cache).filter((f) => f !== __filename).map((f) => require('path').relative(${JSON.stringify(ROOT)}, f)),
      esmLoader: process.moduleLoadList.includes('NativeModule internal/modules/esm/module_job'),
    })));`,
  );
  const r = runChild(process.execPath, ['-r', preload, BIN, ...args], {
    env: { ...process.env, JMFUND_DB: db, JMFUND_LANG: 'en', NO_COLOR: '1', JMFUND_OFFICER: 'test-officer' },
    encoding: 'utf8',
  });
  return { code: r.status ?? -1, stdout: r.stdout, loaded: JSON.parse(readFileSync(out, 'utf8')) as Loaded };
}

describe('cold start', () => {
  const { path: db, db: handle } = ledgerWithRound('R1');
  handle.close();

  it('round list runs from the bundle without the ES module loader, crypto, child_process or another command', () => {
    const r = loaded(['round', 'list'], db);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^round\t.*\nR1\t/);
    expect(r.loaded.esmLoader).toBe(false);
    expect(r.loaded.builtins).not.toContain('crypto');
    expect(r.loaded.builtins).not.toContain('child_process');
    // Our code comes from a few chunks; node_modules gives only the sqlite addon.
    const ours = r.loaded.files.filter((f) => f.startsWith('dist/'));
    expect(ours.every((f) => f.startsWith('dist/bundle/'))).toBe(true);
    expect(ours.length).toBeLessThanOrEqual(10);
    expect(r.loaded.files.filter((f) => f.startsWith('node_modules/'))).toEqual(['node_modules/better-sqlite3/build/Release/better_sqlite3.node']);
    expect(ours.some((f) => /\b(import|check|scores|allocate|lifecycle\d*|notice|filing|acceptance|payments|spot-check|clawback|status|report|log|verify\d*|backup|events|policies)\.cjs$/.test(f))).toBe(false);
  });

  it('an xlsx report loads exceljs\'s workbook writer only, not its in-memory workbook or reader', () => {
    const out = join(tempDir(), 'awards.xlsx');
    const r = loaded(['report', 'awards', '--round', 'R1', '--format', 'xlsx', '--out', out], db);
    expect(r.code).toBe(0);
    const exceljs = r.loaded.files.filter((f) => f.startsWith('node_modules/exceljs/'));
    expect(exceljs).toContain('node_modules/exceljs/lib/stream/xlsx/workbook-writer.js');
    expect(exceljs.filter((f) => /\/(excel|exceljs\.nodejs|doc\/workbook|stream\/xlsx\/workbook-reader)\.js$/.test(f))).toEqual([]);
  });

  it('--help loads neither the ledger (better-sqlite3) nor any command group', () => {
    const r = loaded(['--help'], db);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: jmfund');
    expect(r.loaded.esmLoader).toBe(false);
    const startChunks = ['dist/bundle/jmfund.cjs', 'dist/bundle/core.cjs', 'dist/bundle/rolldown-runtime.cjs'];
    expect(r.loaded.files).toContain('dist/bundle/core.cjs');
    expect(r.loaded.files.filter((f) => !f.startsWith('bin/') && !startChunks.includes(f))).toEqual([]);
    expect(r.loaded.builtins).not.toContain('crypto');
  });
});
