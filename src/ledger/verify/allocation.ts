// Art. 8 invariants of every stored allocation version (SPEC §8): Σ awards ≤
// budget per category; Σ awards ≤ pool per cluster; each award ≤ its cap;
// Σ awards per enterprise ≤ its per-enterprise cap; awards multiples of the unit.
import { capInCategory } from '../../domain/caps.js';
import { formatYuan } from '../../domain/money.js';
import type { Category, Policy } from '../../domain/policy.js';
import { text } from '../../domain/text.js';
import type { Db } from '../open.js';
import { listRounds } from '../rounds.repo.js';
import type { Check, Problem } from './types.js';

interface Line {
  round_id: string;
  version: number;
  application_id: string;
  category: string;
  cluster: string | null;
  cap_fen: number | null;
  award_fen: number;
  uscc: string | null;
  requested_amount_fen: number | null;
  total_investment_fen: number | null;
}

const LINE_NEEDS = {
  allocation_lines: ['round_id', 'version', 'application_id', 'category', 'cluster', 'cap_fen', 'award_fen'],
  applications: ['application_id', 'uscc', 'requested_amount_fen', 'total_investment_fen'],
} as const;

type LineRow = [string, number, string, string, string | null, number | null, number, string | null, number | null, number | null];

/**
 * Streamed: at 10^5–10^6 lines per version, holding them all was most of
 * verify's memory. Read as arrays, each made an object here: better-sqlite3's
 * row objects cost about twice as much.
 */
function* lines(db: Db): Generator<Line> {
  const rows = db
    .prepare(
      `SELECT l.round_id, l.version, l.application_id, l.category, l.cluster, l.cap_fen, l.award_fen,
              a.uscc, a.requested_amount_fen, a.total_investment_fen
         FROM allocation_lines l LEFT JOIN applications a ON a.application_id = l.application_id
        ORDER BY l.round_id, l.version, l.application_id`,
    )
    .raw()
    .iterate() as IterableIterator<LineRow>;
  for (const [round_id, version, application_id, category, cluster, cap_fen, award_fen, uscc, requested_amount_fen, total_investment_fen] of rows) {
    yield { round_id, version, application_id, category, cluster, cap_fen, award_fen, uscc, requested_amount_fen, total_investment_fen };
  }
}

function policies(db: Db): Map<string, { policy: Policy; budgets: Record<string, number> }> {
  return new Map(listRounds(db).map((r) => [r.roundId, { policy: r.policy, budgets: r.budgets }]));
}

const categoryIn = (p: Policy | undefined, key: string): Category | undefined => p?.categories.find((c) => c.key === key);

const lineRef = (l: Pick<Line, 'round_id' | 'version' | 'application_id'>) => ({
  table: 'allocation_lines',
  key: { round_id: l.round_id, version: l.version, application_id: l.application_id },
});

const y = formatYuan;

/**
 * The line-by-line part of every allocation check, in ONE pass over the lines
 * (each check read them all before: five passes of 10^5–10^6 joined rows).
 * Each check's problems come out in the order its own pass gave them.
 */
interface Scan {
  unit: Problem[];
  cap: Problem[];
  /** Totals by round, version and key, in the order each key first appears. */
  byCategory: Map<string, Sum>;
  byCluster: Map<string, Sum>;
  byEnterprise: Map<string, Sum>;
  /** Per round and version, the award total of each category (for allocation.log). */
  byVersion: Map<string, Map<string, number>>;
}

interface Sum {
  round_id: string;
  version: number;
  key: string;
  total: number;
}

function add(m: Map<string, Sum>, l: Line, key: string): void {
  const id = `${l.round_id}\u0000${l.version}\u0000${key}`;
  const s = m.get(id);
  if (s) s.total += l.award_fen;
  else m.set(id, { round_id: l.round_id, version: l.version, key, total: l.award_fen });
}

function scanLines(db: Db): Scan {
  const pol = policies(db);
  const out: Scan = { unit: [], cap: [], byCategory: new Map(), byCluster: new Map(), byEnterprise: new Map(), byVersion: new Map() };
  for (const l of lines(db)) {
    const p = pol.get(l.round_id)?.policy;
    const cat = categoryIn(p, l.category);
    unitLine(out.unit, l, p, cat);
    capLine(out.cap, l, p, cat);
    add(out.byCategory, l, l.category);
    if (cat?.perClusterCapFen !== undefined) add(out.byCluster, l, `${l.category}\u0000${l.cluster ?? ''}`);
    // Only categories with a per-enterprise cap, and only lines with an award (a cap is never below 0; a negative,
    // tampered award still counts): the totals of 10^5–10^6 enterprises were most of this scan's memory.
    if (l.uscc !== null && l.award_fen !== 0 && cat?.perEnterpriseCapFen != null) add(out.byEnterprise, l, `${l.category}\u0000${l.uscc}`);
    const k = `${l.round_id}\u0000${l.version}`;
    let m = out.byVersion.get(k);
    if (!m) out.byVersion.set(k, (m = new Map()));
    m.set(l.category, (m.get(l.category) ?? 0) + l.award_fen);
  }
  return out;
}

// One scan per verify run: a later run on the same connection sees its own or another's writes.
const scans = new WeakMap<Db, { at: string; scan: Scan }>();
function scan(db: Db): Scan {
  const at = `${db.prepare('SELECT total_changes()').pluck().get() as number}:${db.pragma('data_version', { simple: true }) as number}`;
  const hit = scans.get(db);
  if (hit?.at === at) return hit.scan;
  const fresh = scanLines(db);
  scans.set(db, { at, scan: fresh });
  return fresh;
}

// Art. 7(5): an officer sets a manual category's amount; the unit rule is allocate's.
function unitLine(out: Problem[], l: Line, p: Policy | undefined, cat: Category | undefined): void {
  if (!p || cat?.allocation === 'manual') return;
  if (l.award_fen % p.unitFen !== 0) {
    out.push({
      check: 'allocation.unit',
      ref: lineRef(l),
      message: text(
        `${l.application_id} 的补助 ${y(l.award_fen)} 元不是 ${y(p.unitFen)} 元的整数倍`,
        `award of ${l.application_id}, ${y(l.award_fen)} yuan, is not a multiple of the unit ${y(p.unitFen)} yuan`,
      ),
    });
  }
}

function capLine(out: Problem[], l: Line, p: Policy | undefined, cat: Category | undefined): void {
  if (l.award_fen < 0) {
    out.push({ check: 'allocation.cap', ref: lineRef(l), message: text(`${l.application_id} 的补助为负数 ${y(l.award_fen)} 元`, `award of ${l.application_id} is negative: ${y(l.award_fen)} yuan`) });
    return;
  }
  if (!p || !cat || cat.allocation === 'manual') return;
  if (l.cap_fen !== null && l.award_fen > l.cap_fen) {
    out.push({
      check: 'allocation.cap',
      ref: lineRef(l),
      message: text(
        `${l.application_id} 的补助 ${y(l.award_fen)} 元超过其上限 ${y(l.cap_fen)} 元（第${cat.article}条）`,
        `award of ${l.application_id}, ${y(l.award_fen)} yuan, exceeds its cap of ${y(l.cap_fen)} yuan (Art. ${cat.article})`,
      ),
    });
  }
  if (l.requested_amount_fen === null || l.total_investment_fen === null) return;
  // The stored cap must be the one the round's policy gives (a changed cap would hide a changed award).
  const cap = capInCategory({ category: cat.key, requestedAmountFen: l.requested_amount_fen, totalInvestmentFen: l.total_investment_fen }, cat, p.unitFen);
  if (l.cap_fen !== null && l.cap_fen !== cap.capFen) {
    out.push({
      check: 'allocation.cap',
      ref: lineRef(l),
      message: text(
        `${l.application_id} 记录的上限 ${y(l.cap_fen)} 元与按申报和策略计算的上限 ${y(cap.capFen)} 元不符`,
        `the cap stored for ${l.application_id}, ${y(l.cap_fen)} yuan, differs from the cap its application and policy give, ${y(cap.capFen)} yuan`,
      ),
    });
  }
  if (l.award_fen > cap.capFen && (l.cap_fen === null || l.award_fen <= l.cap_fen)) {
    out.push({
      check: 'allocation.cap',
      ref: lineRef(l),
      message: text(
        `${l.application_id} 的补助 ${y(l.award_fen)} 元超过按申报计算的上限 ${y(cap.capFen)} 元（第${cat.article}条）`,
        `award of ${l.application_id}, ${y(l.award_fen)} yuan, exceeds the cap its application gives, ${y(cap.capFen)} yuan (Art. ${cat.article})`,
      ),
    });
  }
}

export const unitMultiple: Check = {
  id: 'allocation.unit',
  title: text('补助金额为取整单位的整数倍', 'awards are multiples of the unit'),
  needs: LINE_NEEDS,
  run: (db) => scan(db).unit,
};

export const awardWithinCap: Check = {
  id: 'allocation.cap',
  title: text('补助不超过核定上限', 'each award within its cap'),
  needs: LINE_NEEDS,
  run: (db) => scan(db).cap,
};

function budgetsOfVersion(db: Db, roundId: string, version: number, fallback: Record<string, number>): Record<string, number> {
  const row = db.prepare('SELECT budgets_json FROM allocations WHERE round_id = ? AND version = ?').get(roundId, version) as { budgets_json: string | null } | undefined;
  if (!row?.budgets_json) return fallback;
  try {
    const v = JSON.parse(row.budgets_json) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const out: Record<string, number> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (typeof x === 'number') out[k] = x;
      return out;
    }
  } catch {
    /* an unreadable budgets_json falls back to the round's budgets */
  }
  return fallback;
}

export const categoryBudget: Check = {
  id: 'allocation.budget',
  title: text('各类别补助合计不超过预算', 'awards within each category budget'),
  needs: { ...LINE_NEEDS, allocations: ['round_id', 'version'] },
  run(db) {
    const pol = policies(db);
    const hasBudgetsJson = db.prepare("SELECT 1 FROM pragma_table_info('allocations') WHERE name = 'budgets_json'").get() !== undefined;
    const out: Problem[] = [];
    for (const s of scan(db).byCategory.values()) {
      const r = pol.get(s.round_id);
      const cat = categoryIn(r?.policy, s.key);
      if (!r || cat?.allocation === 'manual') continue;
      const budgets = hasBudgetsJson ? budgetsOfVersion(db, s.round_id, s.version, r.budgets) : r.budgets;
      const budget = budgets[s.key] ?? cat?.defaultBudgetFen ?? 0;
      if (s.total > budget) {
        out.push({
          check: 'allocation.budget',
          ref: { table: 'allocation_lines', key: { round_id: s.round_id, version: s.version, category: s.key } },
          message: text(
            `批次 ${s.round_id} 第 ${s.version} 版 ${s.key} 类补助合计 ${y(s.total)} 元超过预算 ${y(budget)} 元`,
            `round ${s.round_id} version ${s.version}: awards in ${s.key} total ${y(s.total)} yuan, above the budget of ${y(budget)} yuan`,
          ),
        });
      }
    }
    return out;
  },
};

export const clusterPool: Check = {
  id: 'allocation.cluster-pool',
  title: text('各产业集群补助合计不超过上限', 'awards within each cluster pool'),
  needs: LINE_NEEDS,
  run(db) {
    const pol = policies(db);
    const out: Problem[] = [];
    for (const s of scan(db).byCluster.values()) {
      const [category, cluster] = s.key.split('\u0000');
      const cat = categoryIn(pol.get(s.round_id)?.policy, category);
      const pool = cat?.perClusterCapFen;
      if (pool === undefined || s.total <= pool) continue;
      out.push({
        check: 'allocation.cluster-pool',
        ref: { table: 'allocation_lines', key: { round_id: s.round_id, version: s.version, cluster } },
        message: text(
          `批次 ${s.round_id} 第 ${s.version} 版产业集群 ${cluster} 补助合计 ${y(s.total)} 元超过 ${y(pool)} 元（第${cat?.article}条）`,
          `round ${s.round_id} version ${s.version}: awards in cluster ${cluster} total ${y(s.total)} yuan, above its pool of ${y(pool)} yuan (Art. ${cat?.article})`,
        ),
      });
    }
    return out;
  },
};

export const enterpriseCap: Check = {
  id: 'allocation.enterprise-cap',
  title: text('每家企业补助合计不超过上限', 'awards per enterprise within its cap'),
  needs: LINE_NEEDS,
  run(db) {
    const pol = policies(db);
    const out: Problem[] = [];
    // The awarded applications are named only where the cap is exceeded: read them then.
    const awarded = db.prepare(
      `SELECT l.application_id FROM allocation_lines l JOIN applications a ON a.application_id = l.application_id
        WHERE l.round_id = ? AND l.version = ? AND l.category = ? AND a.uscc = ? AND l.award_fen > 0 ORDER BY l.application_id`,
    );
    for (const s of scan(db).byEnterprise.values()) {
      const [category, uscc] = s.key.split('\u0000');
      const cat = categoryIn(pol.get(s.round_id)?.policy, category);
      const cap = cat?.perEnterpriseCapFen;
      if (cap === null || cap === undefined || s.total <= cap) continue;
      const apps = awarded.pluck().all(s.round_id, s.version, category, uscc) as string[];
      out.push({
        check: 'allocation.enterprise-cap',
        ref: { table: 'allocation_lines', key: { round_id: s.round_id, version: s.version, category, uscc } },
        message: text(
          `批次 ${s.round_id} 第 ${s.version} 版企业 ${uscc} 在 ${category} 类的补助合计 ${y(s.total)} 元（${apps.join('、')}）超过每家企业 ${y(cap)} 元（第${cat?.article}条）`,
          `round ${s.round_id} version ${s.version}: enterprise ${uscc} is awarded ${y(s.total)} yuan in ${category} (${apps.join(', ')}), above the per-enterprise cap of ${y(cap)} yuan (Art. ${cat?.article})`,
        ),
      });
    }
    return out;
  },
};

interface AllocateEvent {
  seq: number;
  round_id: string | null;
  details: string;
}

/**
 * Every stored version agrees with the hash-chained `allocate` event that
 * wrote it (its per-category totals): an award changed behind jmfund's back
 * moves a total the chain still remembers; a version with no event was not
 * written by jmfund.
 */
export const matchesLog: Check = {
  id: 'allocation.log',
  title: text('分配结果与事件日志一致', 'allocations agree with the event log'),
  needs: { ...LINE_NEEDS, allocations: ['round_id', 'version'], events: ['seq', 'command', 'round_id', 'details'] },
  run(db) {
    const out: Problem[] = [];
    const logged = new Map<string, { seq: number; totals: Map<string, number> | null }>();
    for (const e of db.prepare("SELECT seq, round_id, details FROM events WHERE command = 'allocate' ORDER BY seq").iterate() as IterableIterator<AllocateEvent>) {
      let d: { version?: unknown; categories?: unknown };
      try {
        d = JSON.parse(e.details) as typeof d;
      } catch {
        continue; // an unreadable event is chain.hash's finding
      }
      if (typeof d.version !== 'number' || e.round_id === null) continue;
      let totals: Map<string, number> | null = null;
      if (Array.isArray(d.categories)) {
        totals = new Map();
        for (const c of d.categories as { category?: unknown; awarded_fen?: unknown }[]) {
          if (typeof c.category === 'string' && typeof c.awarded_fen === 'number') totals.set(c.category, c.awarded_fen);
        }
      }
      logged.set(`${e.round_id}\u0000${d.version}`, { seq: e.seq, totals });
    }
    const sums = scan(db).byVersion;
    const versions = db.prepare('SELECT round_id, version FROM allocations ORDER BY round_id, version').all() as { round_id: string; version: number }[];
    for (const v of versions) {
      const k = `${v.round_id}\u0000${v.version}`;
      const ev = logged.get(k);
      const ref = { table: 'allocations', key: { round_id: v.round_id, version: v.version } };
      if (!ev) {
        out.push({
          check: 'allocation.log',
          ref,
          message: text(`批次 ${v.round_id} 第 ${v.version} 版分配没有对应的 allocate 事件（不是由 jmfund 写入的）`, `round ${v.round_id} allocation version ${v.version} has no allocate event (it was not written by jmfund)`),
        });
        continue;
      }
      if (!ev.totals) continue;
      const have = sums.get(k) ?? new Map<string, number>();
      for (const cat of [...new Set([...ev.totals.keys(), ...have.keys()])].sort()) {
        const want = ev.totals.get(cat) ?? 0;
        const got = have.get(cat) ?? 0;
        if (want !== got) {
          out.push({
            check: 'allocation.log',
            ref: { table: 'allocation_lines', key: { round_id: v.round_id, version: v.version, category: cat }, seq: ev.seq },
            message: text(
              `批次 ${v.round_id} 第 ${v.version} 版 ${cat} 类补助合计现为 ${y(got)} 元，事件 #${ev.seq} 记录的是 ${y(want)} 元：分配结果在 jmfund 之外被改动`,
              `round ${v.round_id} version ${v.version}: awards in ${cat} now total ${y(got)} yuan, event #${ev.seq} recorded ${y(want)} yuan: the allocation was changed outside jmfund`,
            ),
          });
        }
      }
    }
    return out;
  },
};
