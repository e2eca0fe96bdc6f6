// jmfund uscc CODE...: check credit codes read out over the phone.
import type { Command } from 'commander';
import { analyzeUscc } from '../../domain/uscc.js';
import { text } from '../../domain/text.js';
import { handler } from '../runner.js';

export function register(program: Command): void {
  program
    .command('uscc <codes...>')
    .description('check Unified Social Credit Codes (统一社会信用代码); exit 1 if any is invalid')
    .action(
      handler((ctx, codes: string[]) => {
        const results = codes.map((c) => analyzeUscc(c));
        const json = results.map((r) => ({
          code: r.code,
          valid: r.valid,
          errors: r.errors.map((e) => ctx.t(e.text)),
          expected_check: r.expectedCheck,
          division_code: r.divisionCode,
          district: r.district ? r.district.zh : null,
          entity_type: r.entityType ? r.entityType.code : null,
        }));
        return {
          json,
          exitCode: results.every((r) => r.valid) ? 0 : 1,
          human: (out) => {
            for (const r of results) {
              out.line(`${r.code}  ${r.valid ? ctx.t(text('有效', 'valid')) : ctx.t(text('无效', 'INVALID'))}`);
              for (const e of r.errors) out.line(`  ✗ ${ctx.t(e.text)}`);
              if (r.registrationAuthority) out.line(`  ${ctx.t(text('登记管理部门：', 'registration authority: '))}${ctx.t(r.registrationAuthority)}`);
              if (r.entityType) out.line(`  ${ctx.t(text('机构类别：', 'entity type: '))}${r.entityType.code} ${ctx.t(r.entityType.text)}`);
              if (r.divisionCode) out.line(`  ${ctx.t(text('登记管理机关行政区划：', 'division of the registering authority: '))}${r.divisionCode} ${r.district ? ctx.t(r.district) : ctx.t(text('未知', 'unknown'))}`);
            }
          },
        };
      }),
    );
}
