/**
 * AWS Control Tower proactive controls (cfn-guard) over the default and the `large` templates:
 * every finding is fixed or acknowledged in `cfn-guard-acknowledgements.ts`, and every
 * acknowledgement hides a real finding.
 *
 * cfn-guard runs here on templates synthesized in-process, not as the CDK policy-validation
 * plugin (`CfnGuardValidator`): the plugin needs a full synth to disk and runs all 237 rule
 * files on every synth, and reshapes guard's output into violations that cannot be matched
 * against a list of acknowledgements. Run directly, the test picks the rule files that can
 * apply (a quarter of the run time), reads guard's own JSON, and can show that each
 * acknowledgement still covers a failing resource.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StageConfigInput } from '../../lib/config';
import { createTestStack } from '../support/cdk-app';
import { controlTowerRulesFor, runGuard } from '../support/cfn-guard';
import { GUARD_ACKNOWLEDGEMENTS, type GuardAcknowledgement } from './cfn-guard-acknowledgements';

const TEMPLATES: Readonly<Record<string, StageConfigInput>> = {
  default: {},
  large: { profile: 'large' },
};

/** A resource of a synthesized template: its type and its construct path below the stack. */
interface StackResource {
  readonly logicalId: string;
  readonly type: string;
  readonly path: string;
}

/** A finding with the resource it is on, acknowledged or not. */
interface Finding extends StackResource {
  readonly template: string;
  readonly rule: string;
  readonly acknowledged?: GuardAcknowledgement;
}

let dir: string;
const resources: Record<string, StackResource[]> = {};
let findings: Finding[] = [];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cfn-guard-'));
  const files: Record<string, string> = {};
  const types = new Set<string>();
  for (const [label, config] of Object.entries(TEMPLATES)) {
    const { stack } = createTestStack(config);
    const file = path.join(dir, `${label}.template.json`);
    writeFileSync(file, JSON.stringify(Template.fromStack(stack).toJSON()));
    files[label] = file;
    resources[label] = stack.node
      .findAll()
      .filter((c): c is CfnResource => c instanceof CfnResource)
      .map((c) => ({
        logicalId: stack.getLogicalId(c),
        type: c.cfnResourceType,
        path: c.node.path.slice(stack.node.path.length + 1),
      }));
    for (const r of resources[label]) types.add(r.type);
  }
  findings = runGuard(files, controlTowerRulesFor(types)).map((f) => {
    const resource = resources[f.template]?.find((r) => r.logicalId === f.logicalId);
    if (!resource) throw new Error(`cfn-guard named ${f.logicalId}, not a resource of ${f.template}`);
    const finding = { ...f, ...resource };
    return { ...finding, acknowledged: GUARD_ACKNOWLEDGEMENTS.find((a) => covers(a, finding)) };
  });
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `pattern` as a regular expression over a whole path: `**` any segments, `*` within one. */
function pathPattern(pattern: string): RegExp {
  const source = pattern
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*'),
    )
    .join('.*');
  return new RegExp(`^${source}$`);
}

function covers(ack: GuardAcknowledgement, f: { rule: string; type: string; path: string }): boolean {
  return (
    ack.rule === f.rule && ack.resourceType === f.type && ack.paths.some((p) => pathPattern(p).test(f.path))
  );
}

/** One line per finding, for the test output. */
function report(template: string): string {
  return findings
    .filter((f) => f.template === template)
    .map(
      (f) =>
        `${f.acknowledged ? 'acknowledged' : 'FAILS       '} ${f.rule.padEnd(19)} ${f.type.padEnd(24)} ${f.path}`,
    )
    .sort()
    .join('\n');
}

describe('cfn-guard with the Control Tower proactive controls', () => {
  it.each(Object.keys(TEMPLATES))('finds nothing unacknowledged in the %s template', (template) => {
    console.info(`cfn-guard findings, ${template} template:\n${report(template)}`);
    const open = findings.filter((f) => f.template === template && !f.acknowledged);
    expect(open.map((f) => `${f.rule} ${f.type} ${f.path}`)).toEqual([]);
  });

  it('acknowledges only resources that fail the rule when run without acknowledgements', () => {
    for (const ack of GUARD_ACKNOWLEDGEMENTS) {
      for (const pattern of ack.paths) {
        const named = Object.entries(resources).flatMap(([template, all]) =>
          all
            .filter((r) => r.type === ack.resourceType && pathPattern(pattern).test(r.path))
            .map((r) => ({ template, ...r })),
        );
        expect(named, `${ack.rule} ${pattern} names no resource`).not.toEqual([]);
        for (const r of named) {
          const fails = findings.some(
            (f) => f.template === r.template && f.rule === ack.rule && f.logicalId === r.logicalId,
          );
          expect(fails, `${ack.rule} is acknowledged on ${r.path} (${r.template}), which passes it`).toBe(
            true,
          );
        }
      }
    }
  });

  it('fixes, not acknowledges, DLQ redrive scoping, payload access logging and key grants', () => {
    const fixed = (f: { rule: string; path: string }) =>
      f.rule === 'CT.SQS.PR.1' ||
      f.rule === 'CT.KMS.PR.3' ||
      (f.rule === 'CT.S3.PR.2' && f.path === 'Payloads/Bucket/Resource');
    expect(findings.filter(fixed).map((f) => `${f.rule} ${f.path}`)).toEqual([]);
    expect(
      GUARD_ACKNOWLEDGEMENTS.filter((a) => a.paths.some((p) => fixed({ rule: a.rule, path: p }))),
    ).toEqual([]);
  });

  it('gives every acknowledgement a control id, a resource type, paths and a specific reason', () => {
    for (const ack of GUARD_ACKNOWLEDGEMENTS) {
      expect(ack.rule).toMatch(/^CT\.[A-Z0-9]+\.PR\.\d+$/);
      expect(ack.resourceType).toMatch(/^AWS::\w+::\w+$/);
      expect(ack.paths.length, ack.rule).toBeGreaterThan(0);
      expect(ack.reason.length, `${ack.rule} reason`).toBeGreaterThanOrEqual(80);
      expect(ack.reason).not.toMatch(/^(n\/a|todo|not needed|false positive)\.?$/i);
    }
  });
});
