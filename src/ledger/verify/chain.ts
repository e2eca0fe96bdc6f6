// The hash-chained event log (SPEC §11): every edit, deletion in the middle and
// deletion at the end is seen (verifyChain), and the index that `log --app`
// reads agrees with the events themselves.
import { text, type Text } from '../../domain/text.js';
import { verifyChain, type ChainProblem } from '../events.js';
import type { Anchor } from '../../domain/anchors.js';
import type { Db } from '../open.js';
import type { Check, Problem } from './types.js';

const CHAIN_TEXT: Record<ChainProblem['problem'], (p: ChainProblem) => Text> = {
  'hash-mismatch': (p) => text(`事件 #${p.seq} 写入后被修改（哈希不符）`, `event #${p.seq} was changed after it was written (hash mismatch)`),
  'broken-link': (p) => text(`事件 #${p.seq} 与前一事件的链接断开（前一事件被修改或删除）`, `event #${p.seq} no longer links to the event before it (that event was changed or deleted)`),
  gap: (p) => text(`事件 #${p.seq} 之前缺少事件：${p.detail.replace(/^events (\S+) are missing$/, '$1')}`, `events are missing before event #${p.seq}: ${p.detail}`),
  'out-of-order': (p) => text(`事件顺序与时间不符：${p.detail.replace(/^event #(\d+) at (\S+) is dated before event #(\d+) at (\S+)$/, '事件 #$1（$2）早于其前的事件 #$3（$4）')}`, `events out of time order: ${p.detail}`),
  'head-mismatch': (p) => text(`账本记录的最新事件是 #${p.seq}，但事件日志的结尾不同（末尾的事件被删除或链头被改动）`, `the ledger recorded event #${p.seq} as the newest, but the log ends elsewhere (events deleted at the end, or the head changed)`),
};

export const hashChain: Check = {
  id: 'chain.hash',
  title: text('事件哈希链', 'event hash chain'),
  needs: { events: ['seq', 'hash', 'prev_hash'], ledger_meta: ['key', 'value'] },
  run(db) {
    return chainFindings(chainWalk(db).problems);
  },
};

// One walk of the chain per verify run: the check's, whose count and last hash the result reads too (verify/index.ts).
// A later run on the same connection sees its own or another's writes.
const walks = new WeakMap<Db, { at: string; walk: ReturnType<typeof verifyChain> }>();

/** verifyChain(db), walked once while the ledger is unchanged. */
export function chainWalk(db: Db): ReturnType<typeof verifyChain> {
  const at = `${db.prepare('SELECT total_changes()').pluck().get() as number}:${db.pragma('data_version', { simple: true }) as number}`;
  const hit = walks.get(db);
  if (hit?.at === at) return hit.walk;
  const walk = verifyChain(db);
  walks.set(db, { at, walk });
  return walk;
}

/** What verifyChain found, as problems of chain.hash (for a caller that ran verifyChain itself). */
export function chainFindings(found: readonly ChainProblem[]): Problem[] {
  return found.map((p): Problem => ({ check: 'chain.hash', ref: { table: p.problem === 'head-mismatch' ? 'ledger_meta' : 'events', seq: p.seq }, message: CHAIN_TEXT[p.problem](p) }));
}

export const eventApps: Check = {
  id: 'chain.event-apps',
  title: text('事件与申报的索引', 'index of events by application'),
  needs: { events: ['seq', 'app_ids'], event_apps: ['seq', 'application_id'] },
  run(db) {
    const problems: Problem[] = [];
    // Looked up by key, name by name: an event names at most 1,000, the index holds 10^5–10^6 rows per event.
    const linked = db.prepare('SELECT 1 FROM event_apps WHERE application_id = ? AND seq = ?').pluck();
    for (const e of db.prepare("SELECT seq, app_ids FROM events WHERE app_ids <> '[]' ORDER BY seq").iterate() as IterableIterator<{ seq: number; app_ids: string }>) {
      let ids: unknown;
      try {
        ids = JSON.parse(e.app_ids);
      } catch {
        ids = null;
      }
      if (!Array.isArray(ids)) {
        problems.push({ check: 'chain.event-apps', ref: { table: 'events', seq: e.seq }, message: text(`事件 #${e.seq} 的 app_ids 不是列表`, `event #${e.seq}: app_ids is not a list`) });
        continue;
      }
      const missing = ids.map(String).filter((id) => linked.get(id, e.seq) === undefined);
      if (missing.length) {
        problems.push({
          check: 'chain.event-apps',
          ref: { table: 'event_apps', seq: e.seq },
          message: text(`事件 #${e.seq} 涉及的申报 ${missing.join('、')} 不在索引中`, `event #${e.seq} names ${missing.join(', ')}, missing from the index`),
        });
      }
    }
    return problems;
  },
};

/**
 * Each anchor held outside the ledger (verify --anchor / --anchors): its event
 * must still be there with that hash. The chain can be re-sealed from the
 * source's formula; an anchor taken before cannot.
 */
export function anchorsCheck(anchors: readonly Anchor[]): Check {
  return {
    id: 'chain.anchors',
    title: text('事件与账本外保存的锚点一致', 'events match the anchors kept outside the ledger'),
    needs: { events: ['seq', 'hash'] },
    run(db) {
      const hashOf = db.prepare('SELECT hash FROM events WHERE seq = ?').pluck();
      const last = (db.prepare('SELECT max(seq) FROM events').pluck().get() as number | null) ?? 0;
      const out: Problem[] = [];
      for (const a of anchors) {
        const now = hashOf.get(a.seq) as string | undefined;
        if (now === a.hash) continue;
        out.push({
          check: 'chain.anchors',
          ref: { table: 'events', seq: a.seq },
          message:
            now === undefined
              ? text(
                  `锚点（${a.source}）记录的事件 #${a.seq} 已不在账本中（日志只到事件 #${last}）：事件被删除`,
                  `event #${a.seq}, anchored (${a.source}), is no longer in the ledger (the log ends at event #${last}): events were deleted`,
                )
              : text(
                  `事件 #${a.seq} 的哈希为 ${now}，而锚点（${a.source}）记录的是 ${a.hash}：该事件或其前的事件被改写并重新封链`,
                  `event #${a.seq} has hash ${now}, but the anchor (${a.source}) says ${a.hash}: it or an event before it was rewritten and the chain re-sealed`,
                ),
        });
      }
      return out;
    },
  };
}
