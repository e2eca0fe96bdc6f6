// publicize reads the proposed awards one row at a time in SQLite's order
// (eachProposedAward); where that is not JavaScript's order (ids past U+FFFF),
// it falls back to proposedAwards. Either way: the same awards, in the same order.
import { describe, expect, it } from 'vitest';
import { eachProposedAward, proposedAwards } from '../../src/ledger/notices.repo.js';
import type { Db } from '../../src/ledger/open.js';
import { setAward } from '../../src/ops/filing.js';
import { publicize } from '../../src/ops/notice.js';
import { APPS, fen, lifecycleLedger, storeVersion } from '../../fixtures/lifecycle/seed.js';

const opsOn = (db: Db) => ({ db, officer: 'tester', now: () => '2022-05-30T08:00:00.000Z', today: () => '2022-05-30' });

// UTF-16 puts the surrogate pair first, UTF-8 (SQLite) the other.
const HIGH = 'A\u{10000}';
const LOW = 'A\uFFFD';

function ledger(ids: Record<string, string>) {
  const apps = APPS.map((a) => ({ ...a, id: ids[a.id] ?? a.id }));
  const l = lifecycleLedger(undefined, apps);
  // Before the allocation, as publicize asks.
  setAward({ ...opsOn(l.db), now: () => '2022-05-09T08:00:00.000Z' }, { applicationId: 'O1', amountFen: fen(500_000), basis: '江府办〔2022〕12号', on: '2022-05-09' });
  storeVersion(l.db, 'R1', { [ids.A1 ?? 'A1']: 300_000, [ids.A2 ?? 'A2']: 200_000, A3: 100_000, T1: 800_000 });
  return l;
}

function walk(db: Db): { rows: string[]; complete: unknown } {
  const it = eachProposedAward(db, 'R1', ['other']);
  const rows: string[] = [];
  let r = it.next();
  for (; !r.done; r = it.next()) rows.push(r.value.application_id);
  return { rows, complete: r.value };
}

describe('the awards a notice publishes', () => {
  it('are read one at a time as proposedAwards reads them all, manual awards included', () => {
    const { db } = ledger({});
    const all = proposedAwards(db, 'R1', ['other']);
    expect(walk(db)).toEqual({ rows: all.map((p) => p.application_id), complete: true });
    expect([...eachProposedAward(db, 'R1', ['other'])]).toEqual(all);
    expect(all.map((p) => [p.application_id, p.source])).toContainEqual(['O1', 'manual']);
  });

  it('are in JavaScript order even where SQLite sorts otherwise', async () => {
    const { db } = ledger({ A1: LOW, A2: HIGH });
    expect(walk(db).complete).toBe(false);
    const r = await publicize(opsOn(db), { roundId: 'R1', from: '2022-05-30', days: 7, listFile: null });
    const ids = r.items.map((i) => i.application_id);
    expect(ids).toEqual(['A3', HIGH, LOW, 'O1', 'T1']);
    expect(ids).toEqual([...ids].sort());
    const event = JSON.parse(db.prepare("SELECT details FROM events WHERE command = 'publicize'").pluck().get() as string) as { awards: [string, number][] };
    expect(event.awards.map(([id]) => id)).toEqual(ids);
  });
});
