// The hash-chained event log (SPEC §11): every edit, deletion in the middle and
// deletion at the end is seen (verifyChain), and the index that `log --app`
// reads agrees with the events themselves.
import { text, type Text } from '../../domain/text.js';
import { verifyChain, type ChainProblem } from '../events.js';
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
    return verifyChain(db).problems.map(
      (p): Problem => ({ check: 'chain.hash', ref: { table: p.problem === 'head-mismatch' ? 'ledger_meta' : 'events', seq: p.seq }, message: CHAIN_TEXT[p.problem](p) }),
    );
  },
};

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
