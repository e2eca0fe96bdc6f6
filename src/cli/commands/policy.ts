// jmfund policy list | show [ID] | validate FILE
import type { Command } from 'commander';
import { ALLOCATION_METHOD_LABELS, categoryLabel, labelOf, SCORE_METHOD_LABELS, SHORTFALL_LABELS, tieBreakText } from '../../domain/labels.js';
import { formatYuan } from '../../domain/money.js';
import { text } from '../../domain/text.js';
import { listPolicies, showPolicy, validatePolicyFile } from '../../ops/policies.js';
import { handler } from '../runner.js';

export function register(program: Command): void {
  const policy = program.command('policy').description('the fund rules as data (SPEC §3) / 政策参数');

  policy
    .command('list')
    .description('list the bundled policies')
    .action(
      handler(() => {
        const rows = listPolicies();
        return {
          json: rows.map((r) => ({ id: r.id, document: r.document, effective_from: r.effectiveFrom, effective_to: r.effectiveTo, hash: r.hash })),
          human: (out) =>
            out.table(
              [text('策略', 'policy'), text('文件', 'document'), text('生效', 'effective from'), text('失效', 'effective to'), 'sha256'],
              rows.map((r) => [r.id + (r.isDefault ? ' *' : ''), r.document, r.effectiveFrom, r.effectiveTo, r.hash.slice(0, 12)]),
            ),
        };
      }),
    );

  policy
    .command('show [id]')
    .description('print a policy (the default jiangmen-2021 if no ID), or a policy file')
    .action(
      handler((ctx, id: string | undefined) => {
        const { policy: p, hash } = showPolicy({ idOrFile: id });
        const cap = (f: number | null | undefined) => (f === null || f === undefined ? '—' : formatYuan(f));
        return {
          json: { ...p, hash },
          human: (out) => {
            out.line(`${p.id}  ${ctx.t(p.title)}  ${p.document}`);
            out.fields([
              [text('有效期（第18条）', 'effective (Art. 18)'), `${p.effective.from} — ${p.effective.to}`],
              [text('地域（第9条）', 'region (Art. 9(1))'), p.region.districts.map((d) => `${d.zh} ${d.code}${d.formerCodes.length ? ` (${d.formerCodes.join(',')})` : ''}`).join('、')],
              [text('成立年限', 'min. years established'), p.eligibility.minYearsEstablished],
              [text('回溯年限', 'look-back window (years)'), p.eligibility.lookBackYears],
              [text('取整单位（元）', 'rounding unit (yuan)'), formatYuan(p.unitFen)],
              [text('公示天数', 'notice days (min.)'), p.notice.minDays],
              [
                text(`评分（第${p.scoring.article}条）`, 'scoring'),
                ctx.t(
                  text(
                    `${labelOf(SCORE_METHOD_LABELS, p.scoring.method).zh}；至少 ${p.scoring.minExperts} 位专家；入库分数线 ${p.scoring.threshold} 分；离群分差 ${p.scoring.outlierGap} 分`,
                    `${p.scoring.method}, minExperts ${p.scoring.minExperts}, threshold ${p.scoring.threshold}, outlierGap ${p.scoring.outlierGap}`,
                  ),
                ),
              ],
              [
                text('分配方式', 'allocation'),
                ctx.t(
                  text(
                    `${labelOf(ALLOCATION_METHOD_LABELS, p.allocation.method).zh}；预算不足时${labelOf(SHORTFALL_LABELS, p.allocation.shortfall).zh}；同分排序：${tieBreakText(p.allocation.tieBreak).zh}`,
                    `${p.allocation.method}, shortfall ${p.allocation.shortfall}, tie-break ${p.allocation.tieBreak.join(' > ')}`,
                  ),
                ),
              ],
              ['sha256', hash],
            ]);
            out.table(
              [text('类别', 'category'), text('名称', 'name'), text('条款', 'article'), text('比例', 'ratio'), text('单项上限', 'per project'), text('每企业上限', 'per enterprise'), text('每集群上限', 'per cluster')],
              p.categories.map((c) => [
                c.key,
                ctx.t(categoryLabel(p, c.key)),
                c.article,
                c.ratioPercent === null ? '—' : `${c.ratioPercent}%`,
                cap(c.perProjectCapFen),
                cap(c.perEnterpriseCapFen),
                cap(c.perClusterCapFen),
              ]),
            );
            out.line(ctx.t(text(`产业集群：${p.clusters.map((c) => `${c.key} ${c.zh}`).join('、')}`, `clusters: ${p.clusters.map((c) => `${c.key} ${c.zh}`).join(', ')}`)));
          },
        };
      }),
    );

  policy
    .command('validate <file>')
    .description('check a policy file against the schema; every problem names its JSON path')
    .action(
      handler((ctx, file: string) => {
        const r = validatePolicyFile({ file });
        if (r.valid) {
          return {
            json: { file, valid: true, id: r.id, hash: r.hash, issues: [] },
            human: (out) => out.line(ctx.t(text(`${file}：有效（${r.id}，sha256 ${r.hash}）`, `${file}: valid (${r.id}, sha256 ${r.hash})`))),
          };
        }
        return {
          json: { file, valid: false, issues: r.issues },
          human: (out) => {
            out.line(ctx.t(text(`${file}：无效，${r.issues.length} 处问题`, `${file}: not valid, ${r.issues.length} problem(s)`)));
            for (const i of r.issues) out.line(`  ${i.path}: ${i.message}`);
          },
          exitCode: 1,
        };
      }),
    );
}
