// jmfund log: the event log, who did what when (谁审批、谁负责; SPEC §11).
import type { Command } from 'commander';
import { EVENT_COMMAND_LABELS, labelOf } from '../../domain/labels.js';
import { text, type Lang } from '../../domain/text.js';
import { eventLog, logHead, type Json } from '../../ops/log.js';
import type { Context } from '../context.js';
import { dateOption, positiveCountOption } from '../options.js';
import type { Output } from '../render.js';
import { handler } from '../runner.js';

interface LogOptions {
  round?: string;
  app?: string;
  officer?: string;
  command?: string;
  since?: string;
  until?: string;
  limit?: string;
  head?: boolean;
}

const isText = (v: Json): v is { zh: string; en: string } =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && typeof v.zh === 'string' && typeof v.en === 'string' && Object.keys(v).length === 2;

/** Details as `key=value` pairs; bilingual texts in the chosen language; lists of more than 10 cut. */
export function detailsText(d: Json, lang: Lang): string {
  const val = (v: Json): string => {
    if (v === null) return '—';
    if (isText(v)) return v[lang];
    // A long list (an import's changes) is cut for reading; --json has it whole.
    if (Array.isArray(v)) return `[${v.slice(0, 10).map(val).join(', ')}${v.length > 10 ? `, … (+${v.length - 10})` : ''}]`;
    if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${k}=${val(x)}`).join(', ')}}`;
    return String(v);
  };
  if (typeof d !== 'object' || d === null || Array.isArray(d) || isText(d)) return val(d);
  return Object.entries(d)
    .map(([k, v]) => `${k}=${val(v)}`)
    .join('; ');
}

function headCommand(ctx: Context): Output {
  const h = logHead(ctx.db());
  return {
    json: h,
    // One line a script or an officer can copy: `verify --anchor SEQ:HASH` takes it back.
    human: (p) => p.line(`${h.seq} ${h.hash}${h.at ? ` ${h.at}` : ''}`),
  };
}

function logCommand(ctx: Context, opts: LogOptions): Output {
  if (opts.head) return headCommand(ctx);
  const since = opts.since === undefined ? undefined : dateOption('since', opts.since);
  const until = opts.until === undefined ? undefined : dateOption('until', opts.until);
  const limit = positiveCountOption('limit', opts.limit);
  const { events, count } = eventLog(ctx.db(), { roundId: opts.round, applicationId: opts.app, officer: opts.officer, command: opts.command, since, until, limit });
  return {
    json: { events, count },
    human: (p) => {
      if (!events.length) {
        p.line(ctx.t(text('没有符合条件的事件。', 'no events match.')));
        return;
      }
      p.table(
        [text('序号', 'seq'), text('时间（UTC）', 'at (UTC)'), text('操作人', 'officer'), text('命令', 'command'), text('批次', 'round'), text('申报', 'applications'), text('详情', 'details')],
        events.map((e) => {
          const label = labelOf(EVENT_COMMAND_LABELS, e.command);
          const ids = e.app_ids.length > 5 ? `${e.app_ids.slice(0, 5).join(', ')} … (+${e.app_ids.length - 5})` : e.app_ids.join(', ');
          return [e.seq, e.at, e.officer, label && ctx.t(label) !== e.command ? `${e.command} (${ctx.t(label)})` : e.command, e.round_id ?? '', ids, detailsText(e.details, ctx.lang)];
        }),
        { align: ['right', 'left', 'left', 'left', 'left', 'left', 'left'] },
      );
    },
  };
}

export function register(program: Command): void {
  program
    .command('log')
    .description('the event log: who did what when (谁审批、谁负责)')
    .option('--round <id>', 'events of one round')
    .option('--app <id>', 'events that touched one application')
    .option('--officer <name>', 'events by one officer')
    .option('--command <name>', 'events of one command (e.g. allocate, objection)')
    .option('--since <date>', 'events on or after DATE (China time)')
    .option('--until <date>', 'events on or before DATE (China time)')
    .option('--limit <n>', 'only the newest N events')
    .option('--head', 'print only the newest event: its number, hash and instant (keep it as an anchor)')
    .action(handler((ctx, opts: LogOptions) => logCommand(ctx, opts)));
}
