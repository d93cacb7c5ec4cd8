/**
 * Empties a bucket so CloudFormation can delete it: every object version and delete marker, so
 * versioned buckets empty too (an unversioned bucket lists each object once, as version `null`).
 */
import { DeleteObjectsCommand, ListObjectVersionsCommand, type S3Client } from '@aws-sdk/client-s3';

/**
 * Deletes everything in `bucket`, 1,000 keys per request.
 * @returns how many versions and delete markers it deleted (0 when the bucket does not exist)
 * @throws Error naming the first keys S3 refused to delete
 */
export async function emptyBucket(s3: S3Client, bucket: string, signal?: AbortSignal): Promise<number> {
  const options = signal ? { abortSignal: signal } : {};
  let deleted = 0;
  for (;;) {
    let listed: { Key: string; VersionId?: string }[];
    try {
      // Always from the start: what the last round deleted is gone, so no markers are needed.
      const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 1000 }), options);
      listed = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]
        .filter((entry): entry is typeof entry & { Key: string } => entry.Key !== undefined)
        .map(({ Key, VersionId }) => ({ Key, ...(VersionId ? { VersionId } : {}) }))
        .slice(0, 1000);
    } catch (error) {
      if ((error as Error).name === 'NoSuchBucket') return deleted;
      throw error;
    }
    if (listed.length === 0) return deleted;
    const result = await s3.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: listed, Quiet: true } }),
      options,
    );
    const errors = result.Errors ?? [];
    if (errors.length > 0) {
      const first = errors
        .slice(0, 3)
        .map((e) => `${e.Key} (${e.Code})`)
        .join(', ');
      throw new Error(`S3 refused to delete ${errors.length} object(s) of ${bucket}: ${first}`);
    }
    deleted += listed.length;
  }
}
