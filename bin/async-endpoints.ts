#!/usr/bin/env node
/** CDK app entry: loads the stage config and creates the stack, with cdk-nag's AwsSolutions pack. */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AsyncEndpointsStack } from '../lib/async-endpoints-stack';
import { loadConfig } from '../lib/config';

const app = new App();
const config = loadConfig(app);
// Env-agnostic on purpose: the CLI injects only a Region, which would bind the stack to it.
new AsyncEndpointsStack(app, config.stackName, { config });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: false }));
