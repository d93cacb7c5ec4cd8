/** The AWS SDK clients the smoke test uses, all in the stage's Region, with the caller's credentials. */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';

/** One client per service. */
export interface AwsClients {
  readonly sts: STSClient;
  readonly cloudFormation: CloudFormationClient;
  readonly cloudWatch: CloudWatchClient;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
  readonly s3: S3Client;
}

/** Clients for `region` (credentials from the standard chain). */
export function awsClients(region: string): AwsClients {
  const config = { region };
  return {
    sts: new STSClient(config),
    cloudFormation: new CloudFormationClient(config),
    cloudWatch: new CloudWatchClient(config),
    sns: new SNSClient(config),
    sqs: new SQSClient(config),
    s3: new S3Client(config),
  };
}

/** Closes every client's connections, so the process can exit. */
export function destroyClients(clients: AwsClients): void {
  for (const client of Object.values(clients)) client.destroy();
}
