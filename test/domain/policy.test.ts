import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { canonicalJson, findCategory, findCluster, findDistrict, type Policy } from '../../src/domain/policy.js';
import { validatePolicy } from '../../src/domain/policy-schema.js';
import { ROOT } from '../helpers.js';

const raw = JSON.parse(readFileSync(join(ROOT, 'policies', 'jiangmen-2021.json'), 'utf8')) as Record<string, unknown>;
const policy = (() => {
  const r = validatePolicy(raw);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.policy;
})();

describe('the bundled jiangmen-2021 policy (SPEC §3)', () => {
  it('holds the numbers of Art. 7, 8, 9, 11 and 18', () => {
    expect(policy.effective).toMatchObject({ from: '2021-05-16', to: '2024-05-15' });
    const cat = (k: string) => policy.categories.find((c) => c.key === k)!;
    expect(cat('benchmark-enterprise')).toMatchObject({ ratioPercent: 50, perProjectCapFen: 100_000_000 });
    expect(cat('benchmark-platform')).toMatchObject({ ratioPercent: 50, perProjectCapFen: 100_000_000 });
    expect(cat('sme-cloud')).toMatchObject({ ratioPercent: 80, perProjectCapFen: null, perEnterpriseCapFen: 60_000_000 });
    expect(cat('cluster-pilot')).toMatchObject({ ratioPercent: 80, perEnterpriseCapFen: 50_000_000, perClusterCapFen: 500_000_000 });
    expect(cat('talent-training')).toMatchObject({ ratioPercent: null, perProjectCapFen: 100_000_000, defaultBudgetFen: 100_000_000, minTrainingEvents: 10, minTrainees: 500 });
    expect(cat('other').allocation).toBe('manual');
    expect(policy.clusters.map((c) => c.zh)).toEqual(['不锈钢制品', '水暖卫浴', '家电', '摩托车']);
    expect(policy.region.districts.map((d) => d.zh)).toEqual(['蓬江区', '江海区', '新会区', '台山市', '开平市', '鹤山市', '恩平市']);
    expect(policy.region.districts.find((d) => d.zh === '新会区')!.formerCodes).toContain('440782');
    expect(policy.eligibility).toMatchObject({ minYearsEstablished: 1, lookBackYears: 3 });
    expect(policy.scoring).toMatchObject({ method: 'mean', minExperts: 3, threshold: 60, outlierGap: 20 });
    expect(policy.allocation).toMatchObject({ method: 'ranked', shortfall: 'skip' });
    expect(policy.notice.minDays).toBe(7);
    expect(policy.unitFen).toBe(100);
  });
});

describe('validatePolicy', () => {
  const broken = (mutate: (p: Record<string, any>) => void) => {
    const p = structuredClone(raw) as Record<string, any>;
    mutate(p);
    return validatePolicy(p);
  };

  it('names the JSON path of each problem', () => {
    const r = broken((p) => {
      p.categories[2].ratioPercent = 180;
      p.unitFen = 0;
    });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      const paths = r.issues.map((i) => i.path);
      expect(paths).toContain('categories[2].ratioPercent');
      expect(paths).toContain('unitFen');
    }
  });

  it('refuses unknown keys, duplicate categories and an inverted validity', () => {
    const r = broken((p) => {
      p.surprise = 1;
      p.categories[1].key = p.categories[0].key;
      p.effective.to = '2020-01-01';
    });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['(root)', 'categories[1].key', 'effective.to']));
    }
  });

  it('needs criteria weights that add up to 100', () => {
    const r = broken((p) => {
      p.scoring.criteria = [{ key: 'a', zh: '甲', en: 'A', weightPercent: 60, max: 60 }, { key: 'b', zh: '乙', en: 'B', weightPercent: 30, max: 40 }];
    });
    expect(r.ok).toBe(false);
  });
});

describe('lookups by key, Chinese name or code', () => {
  const p: Policy = policy;
  it('categories', () => {
    expect(findCategory(p, 'sme-cloud')?.key).toBe('sme-cloud');
    expect(findCategory(p, '中小企业上云上平台')?.key).toBe('sme-cloud');
    expect(findCategory(p, '标杆示范·方向一 工业企业应用标杆')?.key).toBe('benchmark-enterprise');
    expect(findCategory(p, '产业集群试点')?.key).toBe('cluster-pilot');
    expect(findCategory(p, 'nonsense')).toBeUndefined();
  });
  it('clusters', () => {
    expect(findCluster(p, '水暖卫浴')?.key).toBe('plumbing-sanitary');
    expect(findCluster(p, 'motorcycle')?.key).toBe('motorcycle');
    expect(findCluster(p, '陶瓷')).toBeUndefined();
  });
  it('districts with or without 区/市, or by division code', () => {
    expect(findDistrict(p, '蓬江区')?.code).toBe('440703');
    expect(findDistrict(p, '蓬江')?.code).toBe('440703');
    expect(findDistrict(p, '江门市蓬江区')?.code).toBe('440703');
    expect(findDistrict(p, '台山')?.zh).toBe('台山市');
    expect(findDistrict(p, '440785')?.zh).toBe('恩平市');
    expect(findDistrict(p, '440782')?.zh).toBe('新会区');
    expect(findDistrict(p, '天河区')).toBeUndefined();
    expect(findDistrict(p, '440106')).toBeUndefined();
  });
});

describe('canonicalJson', () => {
  it('sorts keys so equal content hashes equally', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 1, c: null }] })).toBe('{"a":[2,{"c":null,"d":1}],"b":1}');
  });

  // The text every event hash is made of: the fast path for arrays of plain values must write what the element-wise path writes.
  const slow = (v: unknown): string => {
    if (typeof v === 'bigint') return v.toString();
    if (v === null || typeof v !== 'object') return JSON.stringify(v);
    if (Array.isArray(v)) return `[${v.map(slow).join(',')}]`;
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${slow(o[k])}`)
      .join(',')}}`;
  };

  it('writes arrays of plain values (and of arrays of them) as element by element', () => {
    const leaf = fc.oneof(fc.string({ unit: 'binary' }), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.bigInt(), fc.constant(-0));
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v')), fc.sparseArray(tie('v')), fc.dictionary(fc.string(), tie('v'))),
    })).v;
    fc.assert(fc.property(value, (v) => canonicalJson(v) === slow(v)), { numRuns: 2000 });
    expect(canonicalJson([['B-1', 5], ['B-2', -0], ['\ud800', null], [undefined, 1]])).toBe(slow([['B-1', 5], ['B-2', -0], ['\ud800', null], [undefined, 1]]));
  });
});
