/**
 * Runs cfn-guard 3 with the AWS Control Tower proactive controls over synthesized templates and
 * reads its findings. Both the binary and the rules come with `@cdklabs/cdk-validator-cfnguard`
 * (a devDependency); the binary is picked for this platform and architecture.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const PACKAGE_DIR = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
const RULES_DIR = path.join(PACKAGE_DIR, 'rules', 'control-tower', 'cfn-guard');

/** cfn-guard's exit codes: every rule passed, or some rule failed (the findings are in the output). */
const EXIT_PASS = 0;
const EXIT_FAIL = 19;

/** One resource failing one control in one template. */
export interface GuardFinding {
  /** The label the template was passed under. */
  readonly template: string;
  /** The control id from the rule's message (`CT.S3.PR.2`), or the rule name if it has none. */
  readonly rule: string;
  readonly logicalId: string;
}

/**
 * The cfn-guard binary for this machine, from the package's `bin/<ubuntu|macos>/<x86_64|aarch64>`.
 * @throws Error naming the platform, or the expected path, when there is no usable binary
 */
export function guardBinary(): string {
  const os = { linux: 'ubuntu', darwin: 'macos' }[process.platform as string];
  const arch = { x64: 'x86_64', arm64: 'aarch64' }[process.arch as string];
  if (!os || !arch) {
    throw new Error(
      `cfn-guard: no binary for ${process.platform}/${process.arch} (linux or macOS, x64 or arm64)`,
    );
  }
  const binary = path.join(PACKAGE_DIR, 'bin', os, arch, 'cfn-guard');
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    throw new Error(`cfn-guard: missing or not executable: ${binary} (npm ci installs it)`);
  }
  return binary;
}

/**
 * The Control Tower rule files that can apply to templates holding `resourceTypes`: each rule
 * selects resources by a type it names as a string literal (`Resources.*[ Type == "AWS::S3::Bucket" ]`),
 * so a file naming none of the template's types finds nothing; a file naming no type at all is
 * kept. On this stack that is about 50 of 237 files and a quarter of the run time, with the
 * same findings as the whole set.
 */
export function controlTowerRulesFor(resourceTypes: ReadonlySet<string>): string[] {
  const files = readdirSync(RULES_DIR, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.guard'))
    .map((f) => path.join(RULES_DIR, f))
    .sort();
  if (files.length === 0) throw new Error(`cfn-guard: no rule files under ${RULES_DIR}`);
  return files.filter((file) => {
    const types = [...readFileSync(file, 'utf8').matchAll(/"(AWS::\w+::\w+)"/g)].map((m) => m[1] as string);
    return types.length === 0 || types.some((t) => resourceTypes.has(t));
  });
}

/**
 * Runs `rules` over each template file (label -> path) in one cfn-guard process.
 * @throws Error with cfn-guard's stderr when it fails to run or exits with another code than pass/fail
 */
export function runGuard(
  templates: Readonly<Record<string, string>>,
  rules: readonly string[],
): GuardFinding[] {
  const args = [
    'validate',
    ...rules.flatMap((r) => ['--rules', r]),
    ...Object.values(templates).flatMap((t) => ['--data', t]),
    '--output-format',
    'json',
    '--show-summary',
    'none',
    '--structured',
  ];
  const run = spawnSync(guardBinary(), args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.error) throw run.error;
  if (run.status !== EXIT_PASS && run.status !== EXIT_FAIL) {
    throw new Error(`cfn-guard exited ${run.status}: ${run.stderr}`);
  }
  const labels = new Map(Object.entries(templates).map(([label, file]) => [path.resolve(file), label]));
  const results = JSON.parse(run.stdout) as { name: string; not_compliant?: unknown[] }[];
  return results.flatMap((result) => {
    const template = labels.get(path.resolve(result.name));
    if (template === undefined) throw new Error(`cfn-guard reported on an unknown file ${result.name}`);
    return (result.not_compliant ?? []).flatMap((failure) => findingsOf(template, failure));
  });
}

/**
 * The findings in one failed rule of guard's structured output. Its shape depends on how the
 * rule is written (clauses, nested rules, disjunctions), but every failed check carries the
 * `path` of the property it looked at, `/Resources/<logicalId>/...`, and the rule's message
 * carries its control id.
 */
function findingsOf(template: string, failure: unknown): GuardFinding[] {
  const text = JSON.stringify(failure);
  const name = (failure as { Rule?: { name?: string } }).Rule?.name ?? 'unnamed rule';
  const rule = /\[(CT\.[A-Z0-9]+\.PR\.\d+)\]/.exec(text)?.[1] ?? name;
  const ids = new Set([...text.matchAll(/"path":"\/Resources\/([^/"]+)/g)].map((m) => m[1] as string));
  if (ids.size === 0) throw new Error(`cfn-guard: ${rule} failed in ${template} on no resource path`);
  return [...ids].map((logicalId) => ({ template, rule, logicalId }));
}
