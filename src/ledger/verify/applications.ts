// Application rows: a state the lifecycle knows (SPEC §2).
import { APPLICATION_STATES } from '../../domain/application.js';
import { text } from '../../domain/text.js';
import type { Check, Problem } from './types.js';

export const applicationState: Check = {
  id: 'applications.state',
  title: text('申报状态有效', 'application states are known'),
  needs: { applications: ['application_id', 'state'] },
  run(db) {
    const known = new Set<string>(APPLICATION_STATES);
    const out: Problem[] = [];
    for (const r of db.prepare('SELECT application_id, state FROM applications ORDER BY application_id').iterate() as IterableIterator<{ application_id: string; state: string }>) {
      if (!known.has(r.state)) {
        out.push({
          check: 'applications.state',
          ref: { table: 'applications', key: { application_id: r.application_id } },
          message: text(`${r.application_id} 的状态「${r.state}」不是有效状态`, `${r.application_id} has an unknown state "${r.state}"`),
        });
      }
    }
    return out;
  },
};
