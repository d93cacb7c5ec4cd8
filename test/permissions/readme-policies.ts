/**
 * The example caller and admin policies of the docs (docs/deploy.md, "Call the deployed API"),
 * read from that page itself so the documented policies are the ones the contract evaluates. Each sits in the
 * first `json` code block after its marker comment.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { PolicyDocument } from './resource-policies';

/** Marks the documented example policy for callers of the job routes. */
export const CALLER_POLICY_MARKER = '<!-- permission-contract: caller-policy -->';
/** Marks the documented example policy for operators (the admin route). */
export const ADMIN_POLICY_MARKER = '<!-- permission-contract: admin-policy -->';

const README = path.join(__dirname, '..', '..', 'docs', 'deploy.md');

/** Values for the docs' `<region>`, `<account>` and `<api-id>` placeholders. */
export interface PolicyPlaceholders {
  readonly region: string;
  readonly account: string;
  readonly apiId: string;
}

/**
 * The policy in the first `json` block after `marker`, placeholders filled in.
 * @throws Error naming the marker when the page lacks it, or the block is not a policy
 */
export function readmePolicy(
  marker: string,
  values: PolicyPlaceholders,
  readme = readFileSync(README, 'utf8'),
): PolicyDocument {
  const at = readme.indexOf(marker);
  if (at < 0)
    throw new Error(`docs/deploy.md has no ${marker}: the permission contract reads the policy after it`);
  const block = /```json\n([\s\S]*?)\n```/.exec(readme.slice(at));
  if (!block) throw new Error(`docs/deploy.md has no \`\`\`json block after ${marker}`);
  const text = (block[1] as string)
    .replaceAll('<region>', values.region)
    .replaceAll('<account>', values.account)
    .replaceAll('<api-id>', values.apiId);
  const policy = JSON.parse(text) as PolicyDocument;
  if (!policy.Statement) throw new Error(`The JSON after ${marker} is not an IAM policy (no Statement)`);
  return policy;
}
