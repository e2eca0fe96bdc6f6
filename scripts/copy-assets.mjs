// tsc does not copy the SQL migrations; the built CLI reads them from dist/.
import { cpSync, mkdirSync } from 'node:fs';
mkdirSync('dist/ledger/migrations', { recursive: true });
cpSync('src/ledger/migrations', 'dist/ledger/migrations', { recursive: true, filter: (f) => !f.endsWith('.ts') });
