/** The command line of `npm run test:cloud`. */
import { describe, expect, it } from 'vitest';
import { CloudTestUsageError, parseCloudTestArgs } from '../../cloud-test/args';

describe('parseCloudTestArgs', () => {
  it('reads the Region, the quiet flag and a smoke stage to tear down', () => {
    expect(parseCloudTestArgs([])).toEqual({ quiet: false, help: false });
    expect(
      parseCloudTestArgs([
        '--region',
        'eu-west-1',
        '--quiet',
        '--teardown',
        'AsyncEndpointsSmoke-tb2k1q-x7f',
      ]),
    ).toEqual({ region: 'eu-west-1', quiet: true, help: false, teardown: 'AsyncEndpointsSmoke-tb2k1q-x7f' });
    expect(parseCloudTestArgs(['-h']).help).toBe(true);
  });

  it.each([
    [['--stack', 'x'], "Unknown option '--stack'"],
    [['deploy'], "Unexpected argument 'deploy'"],
    [
      ['--teardown', 'JobsProd'],
      "--teardown takes a smoke stage's stack name (AsyncEndpointsSmoke-...), got 'JobsProd'",
    ],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCloudTestArgs(argv)).toThrow(CloudTestUsageError);
    expect(() => parseCloudTestArgs(argv)).toThrow(message);
  });
});
