// JSON with money sums exact at any size: the reports' exporter and every
// command's --json write through it. No imports, so that a command's start
// does not load the exporters.

/**
 * JSON.stringify that writes a bigint (a sum of money past 2^53 fen) as the
 * exact integer it is: JSON numbers have no size limit, and a reader that
 * parses them exactly (Python, a BigInt-aware parser) gets every fen. A bigint
 * becomes a placeholder string first; no text of the ledger holds U+0000
 * (import refuses it), so the placeholder cannot be mistaken for one.
 */
export function stringifyJson(value: unknown, space?: number): string {
  const big: string[] = [];
  const s = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `\u0000${big.push(v.toString()) - 1}\u0000` : v), space);
  return big.length === 0 ? s : s.replace(/"\\u0000(\d+)\\u0000"/g, (_m, i: string) => big[Number(i)]);
}
