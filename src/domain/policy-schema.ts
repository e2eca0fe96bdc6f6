// The policy file's schema (zod). Loaded only by commands that read a policy
// file, so that `--help` and listing commands start fast.
import { z } from 'zod';
import { MAX_MONEY_FEN, formatYuan } from './money.js';
import { ALLOCATION_METHODS, SCORE_METHODS, SHORTFALL_RULES, TIE_BREAK_KEYS, type Policy, type PolicyIssue } from './policy.js';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
// SPEC §14: no amount above the money limit, in a policy file either.
const fen = z.number().int().nonnegative().max(MAX_MONEY_FEN, `at most ${MAX_MONEY_FEN} fen (${formatYuan(MAX_MONEY_FEN)} yuan, the limit of any amount)`);
const bilingual = z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict();

const district = z
  .object({
    code: z.string().regex(/^\d{6}$/),
    zh: z.string().min(1),
    en: z.string().min(1),
    formerCodes: z.array(z.string().regex(/^\d{6}$/)).default([]),
  })
  .strict();

const category = z
  .object({
    key: z.string().regex(/^[a-z][a-z0-9-]*$/),
    zh: z.string().min(1),
    en: z.string().min(1),
    aliases: z.array(z.string()).default([]),
    article: z.string(),
    allocation: z.enum(['competitive', 'manual']),
    // A ratio in (0, 1], written in whole percent.
    ratioPercent: z.number().int().min(1, 'a ratio must be above 0% (and at most 100%)').max(100, 'a ratio must be at most 100% (and above 0%)').nullable(),
    perProjectCapFen: fen.nullable(),
    perEnterpriseCapFen: fen.nullable(),
    perClusterCapFen: fen.optional(),
    defaultBudgetFen: fen.optional(),
    requiresSme: z.boolean().optional(),
    requiresCluster: z.boolean().optional(),
    minTrainingEvents: z.number().int().nonnegative().optional(),
    minTrainees: z.number().int().nonnegative().optional(),
  })
  .strict();

const criterion = z
  .object({
    key: z.string().regex(/^[a-z][a-z0-9-]*$/),
    zh: z.string().min(1),
    en: z.string().min(1),
    weightPercent: z.number().int().min(0).max(100),
    max: z.number().int().positive(),
  })
  .strict();

export const policySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    title: bilingual,
    document: z.string().min(1),
    issuedOn: date,
    effective: z.object({ from: date, to: date, article: z.string() }).strict(),
    unitFen: z.number().int().positive(),
    region: z
      .object({
        name: bilingual,
        article: z.string(),
        cityCodes: z.array(z.string().regex(/^\d{6}$/)),
        districts: z.array(district).min(1),
      })
      .strict(),
    eligibility: z
      .object({
        minYearsEstablished: z.number().int().nonnegative(),
        lookBackYears: z.number().int().positive(),
        enterpriseEntityTypes: z.array(z.string().length(2)).min(1),
        branchSuffixes: z.array(z.string().min(1)),
        similarity: z.object({ dice: z.number().gt(0).max(1) }).strict(),
        sme: z
          .object({
            maxEmployees: z.number().int().positive(),
            maxAnnualRevenueFen: fen,
            basis: z.string(),
          })
          .strict(),
      })
      .strict(),
    categories: z.array(category).min(1),
    clusters: z.array(z.object({ key: z.string().regex(/^[a-z][a-z0-9-]*$/), zh: z.string(), en: z.string() }).strict()),
    scoring: z
      .object({
        article: z.string(),
        method: z.enum(SCORE_METHODS),
        minExperts: z.number().int().min(1, 'at least one expert'),
        threshold: z.number().min(0),
        outlierGap: z.number().min(0),
        maxScore: z.number().int().positive(),
        criteria: z.array(criterion),
      })
      .strict(),
    allocation: z
      .object({
        article: z.string(),
        method: z.enum(ALLOCATION_METHODS),
        shortfall: z.enum(SHORTFALL_RULES),
        tieBreak: z.array(z.enum(TIE_BREAK_KEYS)).min(1),
      })
      .strict(),
    notice: z.object({ article: z.string(), minDays: z.number().int().positive() }).strict(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.effective.from > p.effective.to) {
      ctx.addIssue({ code: 'custom', path: ['effective', 'to'], message: `the expiry ${p.effective.to} is before the start ${p.effective.from}` });
    }
    const keys = new Set<string>();
    p.categories.forEach((c, i) => {
      if (keys.has(c.key)) ctx.addIssue({ code: 'custom', path: ['categories', i, 'key'], message: `duplicate category ${c.key}` });
      keys.add(c.key);
      if (c.allocation === 'competitive' && c.ratioPercent === null && c.perProjectCapFen === null) {
        ctx.addIssue({ code: 'custom', path: ['categories', i], message: 'a competitive category needs ratioPercent or perProjectCapFen' });
      }
    });
    // Values that contradict each other: a policy no round could be run under.
    p.categories.forEach((c, i) => {
      for (const k of ['perProjectCapFen', 'perEnterpriseCapFen', 'perClusterCapFen'] as const) {
        if (c[k] === 0) ctx.addIssue({ code: 'custom', path: ['categories', i, k], message: 'a cap must be above 0 (leave it out, or null, for no cap)' });
      }
    });
    if (p.scoring.threshold > p.scoring.maxScore) {
      ctx.addIssue({ code: 'custom', path: ['scoring', 'threshold'], message: `the threshold ${p.scoring.threshold} is above the maximum score ${p.scoring.maxScore}: no project could pass` });
    }
    const crit = p.scoring.criteria;
    if (crit.length > 0 && crit.reduce((s, c) => s + c.weightPercent, 0) !== 100) {
      ctx.addIssue({ code: 'custom', path: ['scoring', 'criteria'], message: 'criteria weights must add up to 100' });
    }
  });


/** Validates parsed JSON; every problem names its JSON path (e.g. `categories[2].ratioPercent`). */
export function validatePolicy(json: unknown): { ok: true; policy: Policy } | { ok: false; issues: PolicyIssue[] } {
  const r = policySchema.safeParse(json);
  if (r.success) return { ok: true, policy: r.data as Policy };
  return {
    ok: false,
    issues: r.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
  };
}

function formatPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? String(p) : `.${String(p)}`;
  return s || '(root)';
}


export type PolicySchemaOutput = z.infer<typeof policySchema>;
