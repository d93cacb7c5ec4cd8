/**
 * Builds test apps and stacks the way `cdk synth` does (cdk.json's context, feature flags
 * included), minus the slow parts: no bundling and no built-in CloudFormation validation.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { AsyncEndpointsStack } from '../../lib/async-endpoints-stack';
import { CONTEXT_KEY, loadConfig, type StageConfigInput } from '../../lib/config';

const cdkJson = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as {
  context?: Record<string, unknown>;
};

/** Context from cdk.json, with `asyncEndpoints` shallow-merged with `config`. */
export function cdkContext(config: StageConfigInput = {}): Record<string, unknown> {
  const context = { ...(cdkJson.context ?? {}) };
  const base = (context[CONTEXT_KEY] ?? {}) as StageConfigInput;
  context[CONTEXT_KEY] = { ...base, ...config };
  return context;
}

/** An App with cdk.json's context, bundling skipped and CloudFormation validation off. */
export function createTestApp(
  config: StageConfigInput = {},
  extraContext: Record<string, unknown> = {},
): App {
  return new App({
    context: { ...cdkContext(config), ...extraContext, 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: false,
  });
}

/** The app and the stack `bin/async-endpoints.ts` would create, for `config`. */
export function createTestStack(config: StageConfigInput = {}): { app: App; stack: AsyncEndpointsStack } {
  const app = createTestApp(config);
  const stageConfig = loadConfig(app);
  const stack = new AsyncEndpointsStack(app, stageConfig.stackName, { config: stageConfig });
  return { app, stack };
}
