import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { centiText, contentKey, matchScoreHeader, normalizeHeader, PairMap, parseBoolean, parseCenti, parseScoreRow, scoreContent, type RowError, type ScoreColumns } from '../../src/domain/score-row.js';
import { expertUnits, formatFraction, scoringRules } from '../../src/domain/scoring.js';
import type { Policy } from '../../src/domain/policy.js';
import { loadPolicy } from '../../src/io/policies.js';

const policy = loadPolicy().policy;
const plain = scoringRules(policy);
const withCriteria = scoringRules({
  ...policy,
  scoring: {
    ...policy.scoring,
    criteria: [
      { key: 'innovation', zh: '创新性', en: 'Innovation', weightPercent: 40, max: 40 },
      { key: 'benefit', zh: '效益', en: 'Benefit', weightPercent: 60, max: 30 },
    ],
  },
} satisfies Policy);
const total = (c: Record<string, number>) => formatFraction(expertUnits(withCriteria, null, c) ?? 0n, withCriteria.unitsPerPoint);

const columns = (cells: string[], rules = plain): ScoreColumns => {
  const m = matchScoreHeader(cells, rules);
  if (!m.ok) throw new Error(`header not matched: ${m.missing.join(', ')}`);
  return m.columns;
};

describe('headers', () => {
  it('normalises: NFKC, trimmed, case-insensitive, unit in brackets dropped', () => {
    expect(normalizeHeader(' Application ID ')).toBe('application_id');
    expect(normalizeHeader('评分（分）')).toBe('评分');
    expect(normalizeHeader('评分(0-100)')).toBe('评分');
    expect(normalizeHeader('SCORE [points]')).toBe('score');
    expect(normalizeHeader('是否回避【是/否】')).toBe('是否回避');
    expect(normalizeHeader('ｅｘｐｅｒｔ＿ｉｄ')).toBe('expert_id');
  });

  it('matches English and Chinese names in any order; comment is optional', () => {
    const c = columns(['专家编号', 'Score (分)', '申报编号', 'RECUSED', '备注']);
    expect(c).toMatchObject({ applicationId: 2, expertId: 0, score: 1, recused: 3, comment: null });
    expect(columns(['application_id', 'expert_id', 'score', 'recused', '评审意见']).comment).toBe(4);
  });

  it('reports what is missing, and repeated columns', () => {
    expect(matchScoreHeader(['申报编号', '评分'], plain)).toEqual({ ok: false, missing: ['expert_id (专家编号)', 'recused (是否回避)'], duplicates: [] });
    const dup = matchScoreHeader(['申报编号', 'application_id', 'expert_id', 'score', 'recused'], plain);
    expect(dup).toMatchObject({ ok: false, duplicates: ['application_id'] });
  });

  it('with policy criteria: a column per criterion by key, Chinese or English name; score optional', () => {
    const c = columns(['申报编号', '专家编号', '创新性（分）', 'Benefit', '是否回避'], withCriteria);
    expect(c.criteria).toEqual({ innovation: 2, benefit: 3 });
    expect(c.score).toBeNull();
    expect(matchScoreHeader(['申报编号', '专家编号', '评分', '是否回避'], withCriteria)).toMatchObject({ ok: false, missing: ['innovation (创新性)', 'benefit (效益)'] });
  });
});

describe('values', () => {
  it.each([
    ['85', 8500],
    ['85.5', 8550],
    ['85.50', 8550],
    ['85.500', 8550],
    ['0', 0],
    ['100', 10000],
    ['100.00', 10000],
    ['８５．５', 8550],
    [' 90分 ', 9000],
    ['7.', 700],
  ])('parseCenti(%j) = %i', (s, v) => {
    expect(parseCenti(s, 100)).toEqual({ ok: true, value: v });
  });

  it.each([
    ['100.01', 'outside 0-100'],
    ['101', 'outside 0-100'],
    ['-1', 'outside 0-100'],
    ['85.555', 'more than 2 decimals'],
    ['abc', 'not a number'],
    ['', 'not a number'],
    ['1e2', 'not a number'],
    ['12345678901234', 'outside 0-100'],
  ])('parseCenti(%j) is rejected: %s', (s, why) => {
    const r = parseCenti(s, 100);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.en).toContain(why);
      expect(r.error.en).toContain('accepted: a number from 0 to 100 with at most 2 decimals');
      expect(r.error.zh).toContain('最多两位小数');
    }
  });

  it('-0 is zero, within range', () => {
    expect(parseCenti('-0', 100)).toEqual({ ok: true, value: 0 });
  });

  it('property: any hundredth from 0 to max round-trips through its text', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10000 }), (c) => {
        expect(parseCenti(centiText(c), 100)).toEqual({ ok: true, value: c });
      }),
    );
  });

  it('property: the fast path for plain digits reads a score as the general rule does', () => {
    // A space around the text takes the general path (NFKC, trim), which must agree.
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{0,11}(\.[0-9]{0,3})?$/), fc.integer({ min: 1, max: 1000 }), (s, max) => {
        expect(parseCenti(s, max)).toEqual(parseCenti(` ${s} `, max));
      }),
      { numRuns: 500 },
    );
  });

  it('booleans: 是/否, yes/no, y/n, true/false, 1/0', () => {
    for (const s of ['是', 'yes', 'Y', 'TRUE', '1', ' 是 ']) expect(parseBoolean(s)).toEqual({ ok: true, value: true });
    for (const s of ['否', 'No', 'n', 'false', '0', '０']) expect(parseBoolean(s)).toEqual({ ok: true, value: false });
    const bad = parseBoolean('回避');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.en).toContain('accepted: 是/否, yes/no, y/n, true/false, 1/0');
  });
});

describe('parseScoreRow', () => {
  const cols = columns(['application_id', 'expert_id', 'score', 'recused', 'comment']);
  const parse = (cells: string[], c = cols, rules = plain) => {
    const errors: RowError[] = [];
    const row = parseScoreRow(7, cells, c, rules, total, errors);
    return { row, errors };
  };

  it('reads a row, NFKC and trimmed', () => {
    expect(parse([' JM-0001 ', 'Ｅ０１', '88.5', '否', ' 好 ']).row).toEqual({ line: 7, applicationId: 'JM-0001', expertId: 'E01', centi: 8850, criteria: null, recused: false, comment: '好' });
  });

  it('a recused row may have an empty score; an empty recusal cell reads as no', () => {
    expect(parse(['JM-0001', 'E01', '', '是', '']).row).toMatchObject({ centi: null, recused: true, comment: null });
    expect(parse(['JM-0001', 'E01', '70', '', '']).row).toMatchObject({ centi: 7000, recused: false });
  });

  it('reports every problem of the row with its column and value', () => {
    const { row, errors } = parse(['', '', '120', 'perhaps', '']);
    expect(row).toBeNull();
    expect(errors.map((e) => [e.line, e.column, e.value])).toEqual([
      [7, 'application_id', ''],
      [7, 'expert_id', ''],
      [7, 'recused', 'perhaps'],
      [7, 'score', '120'],
    ]);
  });

  it('an empty score without recusal is an error', () => {
    expect(parse(['JM-0001', 'E01', '', '否', '']).errors[0].message.en).toContain('score is empty; required unless the expert recused');
  });

  describe('with criteria', () => {
    const cc = columns(['申报编号', '专家编号', '创新性', '效益', '评分', '是否回避'], withCriteria);
    it('reads each criterion within its maximum and checks the total', () => {
      expect(parse(['A', 'E1', '30', '27', '84', '否'], cc, withCriteria).row).toMatchObject({ centi: null, criteria: { innovation: 3000, benefit: 2700 } });
      expect(parse(['A', 'E1', '30', '27', '', '否'], cc, withCriteria).row).toMatchObject({ criteria: { innovation: 3000, benefit: 2700 } });
      const wrong = parse(['A', 'E1', '30', '27', '85', '否'], cc, withCriteria).errors;
      expect(wrong[0]).toMatchObject({ column: '评分', value: '85' });
      expect(wrong[0].message.en).toContain('84.00');
      const over = parse(['A', 'E1', '41', '27', '', '否'], cc, withCriteria).errors;
      expect(over[0]).toMatchObject({ column: '创新性', value: '41' });
      expect(over[0].message.en).toContain('outside 0-40');
      expect(parse(['A', 'E1', '', '27', '', '否'], cc, withCriteria).errors[0].message.en).toContain('criterion innovation is empty');
      expect(parse(['A', 'E1', '', '', '', '是'], cc, withCriteria).row).toMatchObject({ criteria: null, recused: true });
    });
  });
});

describe('content and pair map', () => {
  it('the same content gives the same key; any difference changes it', () => {
    const a = { centi: 8550, criteria: null, recused: false, comment: null };
    expect(contentKey(a.centi, null, a.recused, a.comment)).toBe(contentKey(8550, null, false, null));
    expect(contentKey(8550, null, false, null)).not.toBe(contentKey(8550, null, false, ''));
    expect(contentKey(8550, null, false, null)).not.toBe(contentKey(8550, null, true, null));
    expect(contentKey(null, null, true, null)).not.toBe(contentKey(0, null, true, null));
    expect(JSON.parse(scoreContent(a))).toEqual({ score: '85.50', criteria: null, recused: false, comment: null });
  });

  it('PairMap keys by (application, expert)', () => {
    const m = new PairMap<number>();
    m.set('A', 'E1', 1);
    m.set('A', 'E2', 2);
    m.set('B', 'E1', 3);
    m.set('A', 'E1', 4);
    expect(m.size).toBe(3);
    expect(m.get('A', 'E1')).toBe(4);
    expect(m.get('B', 'E2')).toBeUndefined();
    expect(m.get('C', 'E1')).toBeUndefined();
    expect([...m.applications()]).toEqual(['A', 'B']);
  });
});
