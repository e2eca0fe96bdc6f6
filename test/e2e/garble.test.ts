// Nothing is imported garbled and no stored value ends a command in an
// internal error (issue 16): a UTF-8 file with one bad byte, or mixing UTF-8
// and GB18030 lines, is refused (exit 2) naming the line and byte, the ledger
// byte for byte as it was; real GB18030 files still import; dates outside
// 1900-01-01 … 2100-12-31 are row errors at import and usage errors for
// --as-of; a stored date import would never accept is put to an officer by
// check, not a crash.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { FIXTURES, runCli, tempDir } from '../helpers.js';

const NOW = '2022-09-30T08:00:00.000Z';
let dir: string;
/** A ledger with round R1 and nothing imported. */
let empty: string;
/** R1 with the fixture's 20 applications imported. */
let imported: string;

const env = (db: string) => ({ db, env: { JMFUND_NOW: NOW } });
const run = (db: string, args: string[], ok: number[] = [0]) => {
  const r = runCli(args, env(db));
  if (!ok.includes(r.code)) throw new Error(`jmfund ${args.join(' ')} exited ${r.code}\n${r.stderr}`);
  return r;
};
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
let n = 0;
const copy = (db: string) => {
  const to = join(dir, `c${++n}.db`);
  copyFileSync(db, to);
  return to;
};
const UTF8 = readFileSync(join(FIXTURES, 'import', 'applications.csv'), 'utf8');
const LINES = UTF8.split('\n');

beforeAll(() => {
  dir = tempDir('jmfund-garble-');
  mkdirSync(join(dir, 'in'));
  empty = join(dir, 'empty.db');
  run(empty, ['init']);
  run(empty, ['round', 'create', 'R1', '--opens', '2022-03-01', '--closes', '2022-04-30']);
  imported = join(dir, 'imported.db');
  copyFileSync(empty, imported);
  run(imported, ['import', join(FIXTURES, 'import', 'applications.csv'), '--round', 'R1']);
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const input = (name: string, bytes: Buffer | string) => {
  const p = join(dir, 'in', name);
  writeFileSync(p, bytes);
  return p;
};

describe('import refuses what it would garble', () => {
  it('a UTF-8 file (no BOM) with one bad byte (\\xff\\xfe in one name): exit 2 naming line and byte, nothing imported', () => {
    const db = copy(empty);
    const before = sha(db);
    const line = 6; // the fifth application
    const head = Buffer.from(LINES.slice(0, line - 1).join('\n') + '\n');
    const row = LINES[line - 1];
    const cut = row.indexOf('江门市') + '江门市'.length;
    const bytes = Buffer.concat([head, Buffer.from(row.slice(0, cut)), Buffer.from([0xff, 0xfe]), Buffer.from(row.slice(cut) + '\n' + LINES.slice(line).join('\n'))]);
    const file = input('one-bad-byte.csv', bytes);
    const r = runCli(['import', file, '--round', 'R1'], env(db));
    expect(r.code, r.stderr).toBe(2);
    const offset = head.length + Buffer.byteLength(row.slice(0, cut));
    expect(r.stderr).toContain(`${file}:${line}: byte ${offset} (line ${line}) is not valid UTF-8, while line 1 is UTF-8: the file mixes encodings, or a character in it is damaged`);
    expect(r.stderr).toContain('save it again as "CSV UTF-8 (Comma delimited)" or as "CSV (Comma delimited)" (GB18030/ANSI)');
    expect(r.stderr).not.toMatch(/internal error/);
    expect(sha(db)).toBe(before);
    // In Chinese too.
    const zh = runCli(['import', file, '--round', 'R1'], { db, env: { JMFUND_NOW: NOW, JMFUND_LANG: 'zh' } });
    expect(zh.code).toBe(2);
    expect(zh.stderr).toContain(`第 ${line} 行第 ${offset} 字节起不是有效的 UTF-8`);
  });

  it('a UTF-8 file with one row saved as GB18030: exit 2 naming that row, nothing imported', () => {
    const db = copy(empty);
    const before = sha(db);
    const line = 12;
    const bytes = Buffer.concat([
      Buffer.from(LINES.slice(0, line - 1).join('\n') + '\n'),
      iconv.encode(LINES[line - 1] + '\n', 'gb18030'),
      Buffer.from(LINES.slice(line).join('\n')),
    ]);
    const file = input('mixed.csv', bytes);
    const r = runCli(['import', file, '--round', 'R1'], env(db));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`mixed\\.csv:${line}: byte \\d+ \\(line ${line}\\) is not valid UTF-8, while line 1 is UTF-8`));
    expect(sha(db)).toBe(before);
  });

  it('a GB18030 file with one row in UTF-8: exit 2 naming the UTF-8 row', () => {
    const db = copy(empty);
    const before = sha(db);
    const line = 9;
    const bytes = Buffer.concat([iconv.encode(LINES.slice(0, line - 1).join('\n') + '\n', 'gb18030'), Buffer.from(LINES[line - 1] + '\n'), iconv.encode(LINES.slice(line).join('\n'), 'gb18030')]);
    const file = input('gb-with-utf8-row.csv', bytes);
    const r = runCli(['import', file, '--round', 'R1'], env(db));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`gb-with-utf8-row\\.csv:${line}: line ${line} \\(from byte \\d+\\) is UTF-8, while line 1 is GB18030: the file mixes encodings`));
    expect(sha(db)).toBe(before);
  });

  it("the officer's GB18030 export (Excel's CSV) still imports, with the same names as the UTF-8 file", () => {
    const db = copy(empty);
    run(db, ['import', join(FIXTURES, 'import', 'applications-gb18030.csv'), '--round', 'R1']);
    const names = (p: string) => {
      const d = new Database(p, { readonly: true });
      try {
        return d.prepare('SELECT application_id, enterprise_name FROM applications ORDER BY application_id').all();
      } finally {
        d.close();
      }
    };
    expect(names(db)).toEqual(names(imported));
    expect(JSON.stringify(names(db))).toContain('江门市堃达智能装备有限公司');
  });
});

describe('dates outside 1900-01-01 … 2100-12-31', () => {
  it('established_on 9999-12-31 in a row: a row error naming line, column and value; nothing imported', () => {
    const db = copy(empty);
    const before = sha(db);
    const rows = [...LINES];
    rows[3] = rows[3].replace('2015-06-18', '9999-12-31').replace(/,(\d{4}-\d{2}-\d{2}),(yes|no|是|否),/, ',9999-12-31,$2,');
    const file = input('far-future.csv', rows.join('\n'));
    const r = runCli(['import', file, '--round', 'R1'], env(db));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/far-future\.csv:4: .*established_on.*"9999-12-31" is outside the accepted range 1900-01-01 … 2100-12-31/);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(sha(db)).toBe(before);
  });

  for (const asOf of ['0001-01-01', '9999-12-31', '1899-12-31']) {
    it(`check --as-of ${asOf}: exit 2 naming the option, the ledger unchanged`, () => {
      const db = copy(imported);
      const before = sha(db);
      const r = runCli(['check', '--round', 'R1', '--as-of', asOf], env(db));
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`--as-of: date "${asOf}" is outside the accepted range 1900-01-01 … 2100-12-31`);
      expect(sha(db)).toBe(before);
    });
  }

  it('other date options too: objection add --received, log --since', () => {
    const db = copy(imported);
    const before = sha(db);
    expect(runCli(['log', '--since', '0001-01-01'], env(db)).code).toBe(2);
    const r = runCli(['objection', 'add', 'A001', '--received', '2999-01-01', '--text', 'x'], env(db));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('outside the accepted range');
    expect(sha(db)).toBe(before);
  });
});

describe('a stored date import would never accept (edited behind jmfund’s back)', () => {
  const edit = (db: string, sql: string) => {
    const d = new Database(db);
    try {
      d.exec(sql);
    } finally {
      d.close();
    }
  };

  it('established_on 9999-12-31: check ends normally and puts the application to an officer, naming the field', () => {
    const db = copy(imported);
    edit(db, "UPDATE applications SET established_on = '9999-12-31' WHERE application_id = 'A001'");
    const r = runCli(['check', '--round', 'R1'], env(db));
    expect([0, 1], r.stderr).toContain(r.code);
    expect(r.stderr + r.stdout).not.toMatch(/internal error/);
    const show = run(db, ['--json', 'applications', 'show', 'A001']).stdout;
    expect(show).toContain('needs-review');
    expect(show).toContain(`the ledger's established_on \\"9999-12-31\\" is not a date from 1900-01-01 to 2100-12-31`);
  });

  it('a closing date that is not a date: check refuses (exit 3) naming it, and --as-of still checks', () => {
    const db = copy(imported);
    edit(db, "UPDATE rounds SET closes_on = 'garbage' WHERE round_id = 'R1'");
    const before = sha(db);
    const r = runCli(['check', '--round', 'R1'], env(db));
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('the closing date stored for round R1, "garbage", is not a date from 1900-01-01 to 2100-12-31');
    expect(sha(db)).toBe(before);
    expect([0, 1]).toContain(runCli(['check', '--round', 'R1', '--as-of', '2022-04-30'], env(db)).code);
  });
});
