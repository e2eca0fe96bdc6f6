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
    // SQLite passes over the known states (text equal to one byte for byte); the rest are judged here as before.
    const words = APPLICATION_STATES.map((s) => `'${s}'`).join(', ');
    const others = db.prepare(`SELECT application_id, state FROM applications WHERE typeof(state) <> 'text' OR state COLLATE BINARY NOT IN (${words}) ORDER BY application_id`);
    for (const r of others.iterate() as IterableIterator<{ application_id: string; state: string }>) {
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
