// Reading a workbook whose xl/workbook.xml part is the last of its ZIP, as exceljs writes it
// (fixtures/import/applications.xlsx). exceljs's streaming reader lost that part now and then
// (exceljs issue 3064: "Cannot read properties of undefined (reading 'sheets')"), about one read
// in 20 in a plain Node process; io/exceljs.ts mends its stream iteration. In a plain Node
// process, as the CLI runs (the test runner's own loop never showed the race), on the built dist.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIXTURES, ROOT, runChild } from '../helpers.js';

const SCRIPT = `
const { readTableBatches } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'io', 'table-reader.js')).href)});
const path = ${JSON.stringify(join(FIXTURES, 'import', 'applications.xlsx'))};
const outcomes = {};
for (let i = 0; i < 150; i++) {
  let outcome = 'read';
  try { for await (const _ of readTableBatches(path, { sheet: 'nope' })) void _; } catch (e) { outcome = e.code ?? String(e); }
  outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
}
let rows = 0;
for await (const b of readTableBatches(path, { sheet: '申报汇总' })) rows += b.length;
console.log(JSON.stringify({ outcomes, rows }));
`;

describe('xlsx whose workbook part comes last', () => {
  it('reads the same way 150 times: the sheet list is always there', () => {
    const r = runChild(process.execPath, ['--input-type=module', '-e', SCRIPT], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ outcomes: { 'unknown-sheet': 150 }, rows: 22 });
  });
});
