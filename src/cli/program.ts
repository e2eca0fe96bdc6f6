// The commander program of jmfund: global options, the command group asked for, help in the chosen language.
import { Command, Option } from 'commander';
import { detectLang, localizeHelp } from './i18n/index.js';
import { GROUPS } from './groups.js';
import { layOutHelp } from './help-layout.js';

export const VERSION = '0.1.0';

const GLOBAL_WITH_VALUE = new Set(['--db', '--as', '--lang', '--tz']);

/** The command word of the arguments, skipping global options and their values. */
function commandWord(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (GLOBAL_WITH_VALUE.has(a)) i++;
    else if (!a.startsWith('-')) return a === 'help' ? args[i + 1] : a;
  }
  return undefined;
}

export async function buildProgram(argv: string[] = process.argv): Promise<Command> {
  const program = new Command('jmfund')
    .description('江门市工业互联网专项资金 ledger: import, check, score, allocate, notice, file, pay, audit')
    // -V only: `--version` belongs to subcommands (allocations show --version N); main() answers `jmfund --version`.
    .version(VERSION, '-V', 'output the version number')
    .option('--db <path>', 'ledger file (else JMFUND_DB, else ./jmfund.db)')
    .option('--as <officer>', 'officer recorded in the event log (else JMFUND_OFFICER, else the OS user)')
    .addOption(new Option('--lang <lang>', 'language of messages and reports (else JMFUND_LANG or LANG)').choices(['zh', 'en']))
    .option('--tz <zone>', 'time zone of the times shown (else TZ, else Asia/Shanghai); --json keeps ISO UTC')
    .option('--json', 'machine-readable output on stdout')
    .option('--no-color', 'no colour (NO_COLOR is honoured too)')
    .option('--yes', 'answer yes to confirmations (needed when not on a terminal)')
    .showHelpAfterError()
    .exitOverride();
  const word = commandWord(argv.slice(2));
  const group = GROUPS.find((g) => g.commands.some(([name]) => name === word));
  if (group) {
    (await group.load()).register(program);
  } else {
    // Root help or an unknown command: names and descriptions only.
    for (const g of GROUPS) {
      for (const [name, args, description] of g.commands) {
        const c = new Command(name).description(description);
        if (args) c.arguments(args);
        program.addCommand(c);
      }
    }
  }
  const lang = langFromArgv(argv);
  localizeHelp(program, lang);
  layOutHelp(program, lang);
  program.commands.forEach(function exitOverrideAll(c: Command): void {
    c.exitOverride();
    c.commands.forEach(exitOverrideAll);
  });
  return program;
}

export function langFromArgv(argv: string[]): 'zh' | 'en' {
  const i = argv.indexOf('--lang');
  const eq = argv.find((a) => a.startsWith('--lang='));
  return detectLang(i >= 0 ? argv[i + 1] : eq?.slice(7));
}
