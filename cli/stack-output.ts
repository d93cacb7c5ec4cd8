/**
 * Reads the deployed stack's outputs (the API URL) with CloudFormation DescribeStacks, using the
 * standard AWS credential chain.
 */

/** The output `lib/async-endpoints-stack.ts` gives the API's base URL. */
export const API_URL_OUTPUT_KEY = 'ApiUrl';

/** Reads one output of a stack; undefined when the stack has no such output. */
export type StackOutputReader = (
  stackName: string,
  outputKey: string,
  region: string | undefined,
) => Promise<string | undefined>;

/**
 * @throws the SDK's error when the stack does not exist or no credentials are found
 */
export const readStackOutput: StackOutputReader = async (stackName, outputKey, region) => {
  // Loaded on demand: commands given --url never pay for the SDK.
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const client = new CloudFormationClient(region ? { region } : {});
  try {
    const { Stacks = [] } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    return Stacks[0]?.Outputs?.find((output) => output.OutputKey === outputKey)?.OutputValue;
  } finally {
    client.destroy();
  }
};
