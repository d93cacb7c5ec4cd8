import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll } from 'vitest';

// Apps without an outdir write a temporary cdk.outXXXX per synth; remove them after each file.
afterAll(() => CloudAssembly.cleanupTemporaryDirectories());
