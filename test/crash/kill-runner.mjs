// Runs one command and kills it with SIGKILL, from a process of its own, so
// that the moment of the kill does not depend on the test's event loop (which
// a synchronous dump or copy may hold for a second).
//
//   node kill-runner.mjs '<json>'
//   { "argv": [...], "env": {...}, "killAfterMs": 1234 }                 kill that long after the spawn
//   { "argv": [...], "env": {...}, "hotJournal": "/x.db-journal", "limitMs": 9000 }
//                                                                        kill the moment the journal turns hot
//
// Prints one JSON line: { code, signal, ms, stderr, hot }.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';

const cfg = JSON.parse(process.argv[2]);
const [cmd, ...args] = cfg.argv;
const t0 = performance.now();
const child = spawn(cmd, args, { env: cfg.env, stdio: ['ignore', 'ignore', 'pipe'] });
let stderr = '';
child.stderr.setEncoding('utf8').on('data', (c) => {
  if (stderr.length < 1 << 16) stderr += c;
});
let exited = false;
let hot = false;
const buf = Buffer.alloc(1);

/** SQLite calls a journal hot once its first byte (the header's magic) is not zero. */
function journalHot(path) {
  let fd;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false;
  }
  try {
    return readSync(fd, buf, 0, 1, 0) === 1 && buf[0] !== 0;
  } finally {
    closeSync(fd);
  }
}

if (cfg.killAfterMs !== undefined) {
  setTimeout(() => {
    if (!exited) child.kill('SIGKILL');
  }, cfg.killAfterMs);
} else if (cfg.hotJournal) {
  const poll = () => {
    if (exited) return;
    if (journalHot(cfg.hotJournal)) {
      hot = true;
      child.kill('SIGKILL');
      return;
    }
    if (performance.now() - t0 > cfg.limitMs) return;
    setImmediate(poll);
  };
  poll();
}

child.on('close', (code, signal) => {
  exited = true;
  process.stdout.write(`${JSON.stringify({ code, signal, ms: performance.now() - t0, stderr, hot })}\n`);
});
