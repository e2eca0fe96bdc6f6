// The build starts from an empty dist/: a module renamed or removed in src/
// must not survive there (scripts/bundle.mjs would still find and check it).
// tsc does not copy the SQL migrations; the built CLI reads them from dist/.
import { cpSync, mkdirSync, rmSync } from 'node:fs';
rmSync('dist', { recursive: true, force: true });
mkdirSync('dist/ledger/migrations', { recursive: true });
cpSync('src/ledger/migrations', 'dist/ledger/migrations', { recursive: true, filter: (f) => !f.endsWith('.ts') });
