// policy list | show | validate: the fund rules as data (SPEC §3). These read
// only policy files, never the ledger, so they take no OpContext.
import type { Policy, PolicyIssue } from '../domain/policy.js';
import { bundledPolicyIds, DEFAULT_POLICY_ID, loadPolicy, readPolicyFile } from '../io/policies.js';

export interface PolicySummary {
  id: string;
  document: string;
  effectiveFrom: string;
  effectiveTo: string;
  hash: string;
  /** The policy a round gets when none is named. */
  isDefault: boolean;
}

export function listPolicies(): PolicySummary[] {
  return bundledPolicyIds().map((id) => {
    const { policy: p, hash } = loadPolicy(id);
    return { id, document: p.document, effectiveFrom: p.effective.from, effectiveTo: p.effective.to, hash, isDefault: id === DEFAULT_POLICY_ID };
  });
}

/** A bundled policy by ID, or a policy file (default: the default policy). */
export function showPolicy(input: { idOrFile?: string }): { policy: Policy; hash: string } {
  const { policy, hash } = loadPolicy(input.idOrFile ?? DEFAULT_POLICY_ID);
  return { policy, hash };
}

/** Every problem of a policy file, each naming its JSON path; a missing file is a usage error. */
export function validatePolicyFile(input: { file: string }): { valid: true; id: string; hash: string } | { valid: false; issues: PolicyIssue[] } {
  const r = readPolicyFile(input.file);
  return r.ok ? { valid: true, id: r.loaded.policy.id, hash: r.loaded.hash } : { valid: false, issues: r.issues };
}
