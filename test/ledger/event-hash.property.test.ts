// An event's hash is fed to SHA-256 piece by piece (a notice's details can be
// megabytes): it must stay the hash of prev_hash and the canonical JSON of
// its fields, whatever the text, surrogate pairs across chunk edges included.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/domain/policy.js';
import { eventHash, updateJsonString } from '../../src/ledger/events.js';

// Any code points, and the characters JSON escapes or splits (quotes, controls, pairs and lone halves of a surrogate pair).
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.array(fc.constantFrom('"', '\\', '\n', '\u0000', '\u2028', '😀', '\ud800', '\udc00', '江', 'a'), { maxLength: 40 }).map((xs) => xs.join('')),
);

describe('eventHash', () => {
  it('is SHA-256 of prev_hash and canonicalJson of the fields, for any text', () => {
    fc.assert(
      fc.property(text, text, fc.option(text, { nil: null }), fc.option(text, { nil: null }), fc.nat(), (details, appIds, roundId, sealed, seq) => {
        const e = { seq, at: '2022-05-01T00:00:00.000Z', officer: 'o', command: 'publicize', round_id: roundId, app_ids: appIds, details, prev_hash: 'p', sealed };
        const { sealed: s, prev_hash: _p, ...rest } = e;
        const want = createHash('sha256')
          .update('p')
          .update(canonicalJson(s != null ? { ...rest, sealed: s } : rest))
          .digest('hex');
        expect(eventHash(e)).toBe(want);
      }),
    );
  });

  it('escapes a long text in chunks exactly as JSON.stringify does in one piece', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 7 }), (s, chunk) => {
        const h = createHash('sha256');
        updateJsonString(h, s, chunk);
        expect(h.digest('hex')).toBe(createHash('sha256').update(JSON.stringify(s)).digest('hex'));
      }),
    );
  });

  it('keeps the hash of a megabyte of details', () => {
    const details = canonicalJson({ awards: Array.from({ length: 60_000 }, (_, i) => [`B-${String(i).padStart(7, '0')}`, i * 100]), note: '公示😀' });
    const e = { seq: 8, at: '2022-05-31T01:00:00.000Z', officer: 'o', command: 'publicize', round_id: 'B', app_ids: '[]', details, prev_hash: 'p' };
    const { prev_hash: _p, ...content } = e;
    expect(eventHash(e)).toBe(createHash('sha256').update('p').update(canonicalJson(content)).digest('hex'));
  });
});
