import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { JobAlreadyExistsError, JobVersionConflictError } from '../core/errors';
import type { Job } from '../core/job';
import type { ClaimRequest, ClaimResult, JobStore } from '../core/ports';
import { fromItem, toItem } from './job-item';

/**
 * {@link JobStore} on one DynamoDB table keyed by `id`. Every write is a single-item
 * conditional write (no transactions), so it works on DynamoDB Local and dynalite alike.
 */
export class DynamoDbJobStore implements JobStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(job: Job): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(job),
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await this.get(job.id);
      if (!existing) throw error;
      throw new JobAlreadyExistsError(existing);
    }
  }

  async get(id: string): Promise<Job | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  async update(next: Job): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(next),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': next.version - 1 },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new JobVersionConflictError(next.id, next.version - 1, { cause: error });
      }
      throw error;
    }
  }

  /** The condition expression is `canClaim` (core/claim.ts) in DynamoDB's words. */
  async claim(request: ClaimRequest): Promise<ClaimResult> {
    const now = request.now.toISOString();
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id: request.id },
          UpdateExpression:
            'SET #status = :inProgress, leaseOwner = :owner, leaseExpiresAt = :leaseEnd, ' +
            'startedAt = :now, lastUpdatedAt = :now, attempt = attempt + :one, version = version + :one',
          ConditionExpression:
            'attribute_exists(id) AND (' +
            '(#status IN (:queued, :scheduled) AND (attribute_not_exists(retryDelayUntil) OR retryDelayUntil <= :now)) OR ' +
            '(#status = :inProgress AND (attribute_not_exists(leaseExpiresAt) OR leaseExpiresAt < :now)))',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':inProgress': 'InProgress',
            ':queued': 'Queued',
            ':scheduled': 'Scheduled',
            ':owner': request.leaseOwner,
            ':leaseEnd': request.leaseExpiresAt.toISOString(),
            ':now': now,
            ':one': 1,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { claimed: true, job: fromItem(Attributes ?? {}) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // Not claimable: read why. (ReturnValuesOnConditionCheckFailure would save this read on
      // AWS, but dynalite does not return the item; this path is rare.)
      const job = await this.get(request.id);
      return job ? { claimed: false, job } : { claimed: false };
    }
  }
}
