// Temporary folders of the tests. Each one tempDir makes is removed when its
// test file ends (test/setup.ts): the suite makes hundreds per run, some of
// them 140 MB, and nothing else removes them. JMFUND_KEEP_TEMP=1 keeps them,
// to look at after a failure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

export function tempDir(prefix = 'jmfund-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** True when JMFUND_KEEP_TEMP (or the older JMFUND_KEEP_TMP) is set to anything but 0. */
const keepTemp = (): boolean => [process.env.JMFUND_KEEP_TEMP, process.env.JMFUND_KEEP_TMP].some((v) => !!v && v !== '0');

/** Removes the folders tempDir made in this test file, or says where they are kept. */
export function removeTempDirs(): void {
  const dirs = made.splice(0);
  if (keepTemp()) {
    if (dirs.length) process.stderr.write(`JMFUND_KEEP_TEMP: kept ${dirs.join(' ')}\n`);
    return;
  }
  for (const dir of dirs) {
    try {
      // maxRetries: a child may still be closing a file in it (ENOTEMPTY, EBUSY).
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // A folder that cannot be removed must not fail the tests that used it.
    }
  }
}
