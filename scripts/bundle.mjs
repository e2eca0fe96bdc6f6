// Bundles the tsc output (dist/) into CommonJS chunks under dist/bundle/, which
// bin/jmfund.js runs. Why: cold start (SPEC §11, issue 9). Node 20 starting
// ~25 ES modules pays for the ES module loader, a resolution and a file read
// per module, and the CommonJS lexer for commander; a handful of CommonJS
// chunks loaded with require() skip all of that. Command groups stay in chunks
// of their own (dynamic import() becomes a lazy require()), so `round list`
// still loads neither the importer nor the exporters.
//
// Rolldown rather than esbuild: it splits CommonJS output into chunks (esbuild
// splits only ES modules) and it is already in the tree as vite's bundler.
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
// Two levels below the root, like dist/io/: `../../policies` still finds policies/.
const OUT = join(DIST, 'bundle');

// Modules that locate files relative to their own import.meta.url; in the bundle
// that URL is the chunk's, under dist/bundle/. Each one is checked to still work:
//   ledger/open.js      migrations/ next to it → copied to dist/bundle/migrations
//   io/policies.js      ../../policies         → same depth, same folder
//   cli/demo-script.js  ../..                  → same depth, the root
//   io/decode.js: createRequire                → resolves from dist/bundle alike
//   io/import-worker-protocol.js  ../io/import-worker.js → dist/io/ from either place
//   ledger/integrity.js  ../ledger/integrity-worker.js → dist/ledger/ from either place
//   ops/audit-verify.js  ../ops/audit-verify-worker.js → dist/ops/ from either place
//   cli/allocation-render.js  ../cli/allocation-render-worker.js → dist/cli/ from either place
//   ops/line.js  ../ops/line-worker.js → dist/ops/ from either place
const USES_OWN_URL = new Set(['ledger/open.js', 'io/policies.js', 'cli/demo-script.js', 'io/decode.js', 'io/exceljs.js', 'io/import-worker-protocol.js', 'ledger/integrity.js', 'ops/audit-verify.js', 'cli/allocation-render.js', 'ops/line.js']);

function jsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return p === OUT ? [] : jsFiles(p);
    return e.name.endsWith('.js') ? [p] : [];
  });
}

const unchecked = jsFiles(DIST)
  .filter((f) => readFileSync(f, 'utf8').includes('import.meta'))
  .map((f) => relative(DIST, f))
  .filter((f) => !USES_OWN_URL.has(f));
if (unchecked.length) {
  throw new Error(
    `bundle: ${unchecked.join(', ')} use import.meta; bundled, it names dist/bundle/<chunk>.cjs, not the file itself. ` +
      'Check that the paths still resolve from dist/bundle/ and add the file to USES_OWN_URL in scripts/bundle.mjs.',
  );
}

// commander requires child_process at load time, for executable subcommands,
// which jmfund has none of: load it only if a spawn is ever asked for.
const LAZY_CHILD_PROCESS = {
  name: 'commander-lazy-child-process',
  transform(code, id) {
    if (!/[\\/]node_modules[\\/]commander[\\/]lib[\\/]command\.js$/.test(id)) return null;
    const eager = "const childProcess = require('node:child_process');";
    if (!code.includes(eager)) throw new Error(`bundle: ${id} no longer has "${eager}"; update LAZY_CHILD_PROCESS`);
    return code.replace(eager, "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };");
  },
};

// better-sqlite3's JavaScript (14 small files, a resolution each) becomes one
// chunk of its own, which ledger/open.js requires when a ledger is opened, so
// `--help` still does not load it. open.js hands it the addon by path
// (build/Release); bundled, better-sqlite3 could not find it by itself (its
// `bindings` lookup starts from the calling file), so without that file the
// package is left as it is.
const require = createRequire(import.meta.url);
const SQLITE_ADDON = join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
const bundleSqlite = existsSync(SQLITE_ADDON);
const SQLITE_CHUNK = {
  name: 'better-sqlite3-chunk',
  transform(code, id) {
    if (!bundleSqlite || id !== join(DIST, 'ledger', 'open.js')) return null;
    const eager = "require('better-sqlite3')";
    if (code.split(eager).length !== 2) throw new Error(`bundle: ${id} should require better-sqlite3 exactly once as ${eager}; update SQLITE_CHUNK`);
    return code.replace(eager, "require('./better-sqlite3.cjs')");
  },
};

rmSync(OUT, { recursive: true, force: true });
await build({
  input: { jmfund: join(DIST, 'cli', 'main.js'), ...(bundleSqlite ? { 'better-sqlite3': require.resolve('better-sqlite3') } : {}) },
  platform: 'node',
  // commander and chalk are bundled (needed by every command that prints; chalk
  // is ES-only, and require() of it from node_modules would start the ES module
  // loader); the other packages stay require()d or import()ed from node_modules
  // when a command needs them: @inquirer is ES-only, exceljs is large. chalk's
  // own `#ansi-styles` imports resolve inside the bundle.
  external: (id) => isBuiltin(id) || (/^[^./#]/.test(id) && !/^(commander|chalk)(\/|$)/.test(id) && !id.startsWith(ROOT)),
  plugins: [LAZY_CHILD_PROCESS, SQLITE_CHUNK],
  logLevel: 'warn',
  output: {
    dir: OUT,
    format: 'cjs',
    entryFileNames: '[name].cjs',
    chunkFileNames: '[name].cjs',
    // What every command loads (main, commander, runner, ledger/open …) is one
    // file. Not better-sqlite3, an entry of its own: `--help` does not load it.
    codeSplitting: { groups: [{ name: 'core', tags: ['$initial'], test: (id) => id.startsWith(DIST) || /[\\/]node_modules[\\/](commander|chalk)[\\/]/.test(id) }] },
  },
});
cpSync(join(DIST, 'ledger', 'migrations'), join(OUT, 'migrations'), { recursive: true });
for (const f of ['jmfund.cjs', ...(bundleSqlite ? ['better-sqlite3.cjs'] : [])]) {
  if (!existsSync(join(OUT, f))) throw new Error(`bundle: dist/bundle/${f} was not written`);
}
