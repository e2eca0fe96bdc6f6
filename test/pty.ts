// Runs the built binary on a pseudo-terminal of a given width (python3's pty
// module: no native addon to build), typing answers when a prompt appears.
// For what only happens on a terminal: tables that fit, colour, questions.
import { BIN, runChild } from './helpers.js';

const DRIVER = String.raw`
import json, os, pty, select, signal, struct, sys, termios, fcntl, time
cfg = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.environ.update(cfg["env"])
    os.chdir(cfg["cwd"])
    os.execvp(cfg["argv"][0], cfg["argv"])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, cfg["columns"], 0, 0))
out = b""
answers = list(cfg["answers"])
deadline = time.time() + cfg["timeout"]
while True:
    if time.time() > deadline:
        os.kill(pid, signal.SIGKILL)
        break
    r, _, _ = select.select([fd], [], [], 0.05)
    if r:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    if answers and answers[0]["when"].encode() in out[cfg.get("seen", 0):]:
        a = answers.pop(0)
        time.sleep(0.1)
        os.write(fd, a["send"].encode())
_, status = os.waitpid(pid, 0)
code = os.waitstatus_to_exitcode(status)
sys.stdout.write(json.dumps({"code": code, "output": out.decode("utf-8", "replace")}))
`;

export interface PtyAnswer {
  /** Text that, once on the screen, triggers the answer. */
  when: string;
  /** What to type: 'y\r', 'n\r', '\x03' (Ctrl-C). */
  send: string;
}

export interface PtyResult {
  code: number;
  /** stdout and stderr as the terminal showed them, colour codes included. */
  output: string;
}

export function runOnPty(args: string[], opts: { columns?: number; env?: Record<string, string>; cwd?: string; answers?: PtyAnswer[]; timeoutSec?: number } = {}): PtyResult {
  const cfg = {
    argv: [process.execPath, BIN, ...args],
    columns: opts.columns ?? 100,
    env: { TERM: 'xterm-256color', ...(opts.env ?? {}) },
    cwd: opts.cwd ?? process.cwd(),
    answers: opts.answers ?? [],
    timeout: opts.timeoutSec ?? 60,
  };
  // The driver kills the program at its own deadline; this limit is for the driver.
  const r = runChild('python3', ['-c', DRIVER, JSON.stringify(cfg)], { encoding: 'utf8', env: { ...process.env, ...cfg.env } }, (cfg.timeout + 60) * 1000);
  if (r.status !== 0) throw new Error(`pty driver failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as PtyResult;
}

// eslint-disable-next-line no-control-regex
export const stripAnsi = (s: string): string => s.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
