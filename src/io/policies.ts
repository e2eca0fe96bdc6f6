// Loads policy files: the bundled ones under policies/ and any JSON file an officer names.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canonicalJson, type Policy, type PolicyIssue } from '../domain/policy.js';
import { validatePolicy } from '../domain/policy-schema.js';
import { UserError } from '../domain/errors.js';
import { text } from '../domain/text.js';

export const POLICY_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'policies');
export const DEFAULT_POLICY_ID = 'jiangmen-2021';

export interface LoadedPolicy {
  policy: Policy;
  hash: string;
  source: string;
}

export function policyHash(p: Policy): string {
  return createHash('sha256').update(canonicalJson(p)).digest('hex');
}

export function bundledPolicyIds(): string[] {
  return readdirSync(POLICY_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

export function readPolicyFile(path: string): { ok: true; loaded: LoadedPolicy } | { ok: false; issues: PolicyIssue[] } {
  if (!existsSync(path)) throw new UserError(text(`找不到策略文件：${path}`, `policy file not found: ${path}`), 2);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''));
  } catch (e) {
    return { ok: false, issues: [{ path: '(file)', message: `not valid JSON: ${(e as Error).message}` }] };
  }
  const r = validatePolicy(json);
  if (!r.ok) return r;
  const hash = policyHash(r.policy);
  const spoof = spoofedId(path, r.policy.id, hash);
  if (spoof) return { ok: false, issues: [spoof] };
  return { ok: true, loaded: { policy: r.policy, hash, source: path } };
}

/**
 * A policy is what its id says: a file that takes a bundled policy's id with
 * other content would pass for that policy in every report.
 */
function spoofedId(path: string, id: string, hash: string): PolicyIssue | null {
  const bundled = join(POLICY_DIR, `${id}.json`);
  if (resolve(path) === resolve(bundled) || !bundledPolicyIds().includes(id)) return null;
  const own = readPolicyFile(bundled);
  if (!own.ok || own.loaded.hash === hash) return null;
  return {
    path: 'id',
    message: `"${id}" is the id of a bundled policy (sha256 ${own.loaded.hash.slice(0, 12)}), but this file's content differs (sha256 ${hash.slice(0, 12)}): give your edited policy its own id`,
  };
}

/** ID of a bundled policy, or a path to a JSON file. */
export function loadPolicy(idOrFile: string = DEFAULT_POLICY_ID): LoadedPolicy {
  const bundled = join(POLICY_DIR, `${idOrFile}.json`);
  const isId = /^[a-z0-9][a-z0-9-]*$/.test(idOrFile) && existsSync(bundled);
  const path = isId ? bundled : idOrFile;
  if (!isId && !existsSync(path)) {
    throw new UserError(
      text(
        `没有名为 ${idOrFile} 的策略，也没有该文件。可用的策略：${bundledPolicyIds().join('、')}`,
        `no policy called ${idOrFile} and no such file. Bundled policies: ${bundledPolicyIds().join(', ')}`,
      ),
      2,
    );
  }
  const r = readPolicyFile(path);
  if (!r.ok) {
    const spoof = r.issues.find((i) => i.path === 'id' && i.message.endsWith('give your edited policy its own id'));
    if (spoof) {
      throw new UserError(
        text(`策略文件 ${path} 使用了内置策略的编号，但内容不同：${spoof.message}`, `policy file ${path} uses the id of a bundled policy with different content: ${spoof.message}`),
        2,
        text('请给修改过的策略一个自己的编号（id），例如 jiangmen-2021-amended。', 'give your edited policy its own id, e.g. jiangmen-2021-amended.'),
      );
    }
    const lines = r.issues.map((i) => `  ${i.path}: ${i.message}`).join('\n');
    throw new UserError(text(`策略文件 ${path} 无效：\n${lines}`, `policy file ${path} is not valid:\n${lines}`), 2);
  }
  return r.loaded;
}
