// The command groups of jmfund and where their code lives.
import type { Command } from 'commander';

type Register = (program: Command) => void;

// Each command group is loaded only when its command runs, so that `--help`
// and a plain `round list` do not pay for prompts, the importer or exceljs.
// The root help is drawn from this table; `args` shows in its usage column.
export const GROUPS: { load: () => Promise<{ register: Register }>; commands: [name: string, args: string, description: string][] }[] = [
  { load: () => import('./commands/ledger.js'), commands: [['init', '', 'create a new ledger (refuses to overwrite an existing file) / 创建账本']] },
  { load: () => import('./commands/policy.js'), commands: [['policy', '', 'the fund rules as data: list, show, validate / 政策参数']] },
  { load: () => import('./commands/uscc.js'), commands: [['uscc', '<codes...>', 'check Unified Social Credit Codes (统一社会信用代码); exit 1 if any is invalid']] },
  { load: () => import('./commands/round.js'), commands: [['round', '', 'application rounds (申报批次) and their budgets: create, budget, list, show']] },
  { load: () => import('./commands/import.js'), commands: [['import', '<file>', 'import applications from a .csv or .xlsx file into a round (all or nothing)']] },
  { load: () => import('./commands/applications.js'), commands: [['applications', '', 'applications in the ledger: list, show']] },
  { load: () => import('./commands/lists.js'), commands: [['lists', '', 'side lists used by check: prior-funding, credit, violations, accidents']] },
  { load: () => import('./commands/check.js'), commands: [['check', '', 'check every application of a round against the eligibility rules (Art. 9, 12, 18; 7, 8, 10)']] },
  {
    load: () => import('./commands/review.js'),
    commands: [
      ['review', '', 'walk the open needs-review items one by one and decide them (needs a terminal)'],
      ['decide', '[application] [rule]', 'decide a needs-review item from a script (pass or fail, with a reason), or every item of a file (--from)'],
    ],
  },
  { load: () => import('./commands/scores.js'), commands: [['scores', '', 'expert scores (专家评分, Art. 11): import, aggregate, show, experts']] },
  { load: () => import('./commands/caps.js'), commands: [['caps', '', 'per application, the cap and how it was reached (Art. 8)']] },
  { load: () => import('./commands/allocate.js'), commands: [['allocate', '', 'rank the participants and allocate each category budget (Art. 8, 11)']] },
  { load: () => import('./commands/allocations.js'), commands: [['allocations', '', 'stored allocation versions: list, show, diff']] },
  { load: () => import('./commands/line.js'), commands: [['line', '', 'how firm the funding line is: expected ranks, funding probabilities, grey zone (read-only, Art. 11)']] },
  {
    load: () => import('./commands/notice.js'),
    commands: [
      ['publicize', '', 'put the proposed awards on public notice (公示, Art. 11) and write the notice list'],
      ['objection', '', 'objections raised during the public notice (异议, Art. 11): add, resolve, list'],
    ],
  },
  {
    load: () => import('./commands/filing.js'),
    commands: [
      ['finalize', '', 'file (备案) the awards once the notice period is over and objections are resolved (Art. 10(3))'],
      ['award', '', 'awards set by an officer (Art. 7(5), category other)'],
    ],
  },
  { load: () => import('./commands/acceptance.js'), commands: [['accept', '<app>', 'record the acceptance (验收, Art. 14)']] },
  { load: () => import('./commands/payments.js'), commands: [['disburse', '<app>', 'record a payment (拨付); payments never exceed the final award (Art. 13)']] },
  { load: () => import('./commands/spot-check.js'), commands: [['spot-check', '', 'spot checks (抽查, Art. 16): draw a sample, record a finding']] },
  { load: () => import('./commands/clawback.js'), commands: [['clawback', '', 'clawbacks (追缴, Art. 10(4)): order money back, record a recovery']] },
  { load: () => import('./commands/status.js'), commands: [['status', '', 'a round after allocation: money per state, objections, notices, payments, clawbacks']] },
  { load: () => import('./commands/report.js'), commands: [['report', '<kind>', 'write a report: awards | notice | audit | fund-usage | performance | line']] },
  { load: () => import('./commands/log.js'), commands: [['log', '', 'the event log: who did what when (谁审批、谁负责)']] },
  { load: () => import('./commands/verify.js'), commands: [['verify', '', 'check the ledger: integrity, every invariant, the event hash chain; exit 1 on any problem']] },
  { load: () => import('./commands/anchor.js'), commands: [['anchor', '', 'print the newest event (number, hash, instant) as an anchor to keep outside the ledger; verify --anchor checks it later']] },
  { load: () => import('./commands/backup.js'), commands: [['backup', '<file>', 'online backup of the ledger, proved a page-for-page copy after writing (mode 0600)']] },
  { load: () => import('./commands/demo.js'), commands: [['demo', '', 'run the whole cycle on the bundled fixtures into a temporary ledger, and write every report']] },
];


