// Types of the part of measure.mjs the tests import.
export function ensureSqlite3(log?: (s: string) => void): string | null;
