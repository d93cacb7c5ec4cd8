/**
 * The Region the AWS SDK would use without one given: `AWS_REGION`, then the AWS profile's. Read
 * through a client's own resolver, so it agrees with every client the commands create.
 */
import { STSClient } from '@aws-sdk/client-sts';

/** The SDK's default Region; undefined when it finds none. */
export async function sdkDefaultRegion(): Promise<string | undefined> {
  const probe = new STSClient({});
  try {
    return await probe.config.region();
  } catch {
    return undefined;
  } finally {
    probe.destroy();
  }
}
