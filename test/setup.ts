// vitest setupFiles: runs in every test file, before it.
import { afterAll } from 'vitest';
import { removeTempDirs } from './temp.js';

// Registered first, so it runs after the file's own afterAll hooks (vitest runs them in stack order).
afterAll(removeTempDirs);
