import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { JobAlreadyExistsError, JobVersionConflictError } from '../core/errors';
import type { Job } from '../core/job';
import type {
  ClaimRequest,
  ClaimResult,
  HeartbeatRequest,
  JobPage,
  JobStore,
  ListJobsQuery,
  StaleJobPage,
  StaleJobsQuery,
} from '../core/ports';
import {
  ACTIVE_INDEX,
  activeShardKey,
  DEFAULT_TABLE_SHARDS,
  JOB_TABLE_PARTITION_KEY,
  type TableShards,
} from '../table-schema';
import { listFromByOwner } from './dynamodb-job-listing';
import { decodeCursor, encodeCursor } from './job-cursor';
import { activeShardKeyOf, fromItem, progressOf, staleJobFromItem, toItem } from './job-item';
import { JobPayloads } from './job-payloads';

/** The attribute a `DELETE` of a running job sets (the Job field of the same name). */
const CANCEL_REQUESTED_ATTRIBUTE = 'cancelRequestedAt' satisfies keyof Job;

/** How the store spreads its index keys, and how much one `list` call may read. */
export interface DynamoDbJobStoreOptions {
  /**
   * Shard counts of the indexes: every function of a stage must use the same (the stack passes
   * the stage's to all of them).
   * @default DEFAULT_TABLE_SHARDS
   */
  readonly shards?: TableShards;
  /**
   * Read rounds per page (each round queries, in parallel, the owner shards that need it, and
   * fetches the entries' current status). The index's `Limit` applies before the name filter
   * and the status and expiry checks, so a selective filter can need several rounds to
   * fill a page; past this bound the page is returned short, with a cursor, so no request reads
   * a caller's whole history.
   * @default 5
   */
  readonly maxQueryCalls?: number;
  /**
   * Items a round evaluates over all owner shards when name or status filters (each shard at
   * least the jobs the page still wants).
   * @default 100
   */
  readonly filteredQueryLimit?: number;
}

/**
 * {@link JobStore} on one DynamoDB table keyed by `id`. Every write is a single-item
 * conditional write (no transactions), so it works on DynamoDB Local and dynalite alike.
 * Inputs and results go where {@link JobPayloads} puts them (JSON, gzip, or an S3 object
 * written before the item).
 */
export class DynamoDbJobStore implements JobStore {
  readonly activeShards: number;
  private readonly shards: TableShards;
  private readonly maxQueryCalls: number;
  private readonly filteredQueryLimit: number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoDbJobStoreOptions = {},
    private readonly payloads: JobPayloads = new JobPayloads(),
  ) {
    this.shards = options.shards ?? DEFAULT_TABLE_SHARDS;
    this.activeShards = this.shards.activeShards;
    this.maxQueryCalls = options.maxQueryCalls ?? 5;
    this.filteredQueryLimit = options.filteredQueryLimit ?? 100;
  }

  async create(job: Job): Promise<void> {
    // Before uploading an input object for an id an idempotency key derived, look for the job:
    // a replay finds it and uploads nothing. (Concurrent duplicates may both upload; the keys
    // are content-addressed and the upload conditional, so the object is written once.)
    const stored = await this.payloads.prepare(
      job,
      job.idempotencyKey === undefined
        ? undefined
        : async () => {
            const existing = await this.get(job.id);
            if (existing) throw new JobAlreadyExistsError(existing);
          },
    );
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(stored, this.shards),
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

  /** Opens the input from its stored form (gzip, or the S3 object), see {@link JobPayloads.loadInput}. */
  loadInput(job: Job): Promise<unknown> {
    return this.payloads.loadInput(job);
  }

  async update(next: Job): Promise<void> {
    const stored = await this.payloads.prepare(next);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(stored, this.shards),
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
            'startedAt = :now, lastUpdatedAt = :now, attempt = attempt + :one, version = version + :one, ' +
            // A claimed job is still unfinished: it stays in the sweeper's sparse index.
            '#activeShard = :activeShard',
          ConditionExpression:
            'attribute_exists(id) AND (' +
            '(#status IN (:queued, :scheduled) AND (attribute_not_exists(retryDelayUntil) OR retryDelayUntil <= :now)) OR ' +
            '(#status = :inProgress AND (attribute_not_exists(leaseExpiresAt) OR leaseExpiresAt < :now)))',
          ExpressionAttributeNames: { '#status': 'status', '#activeShard': ACTIVE_INDEX.partitionKey },
          ExpressionAttributeValues: {
            ':activeShard': activeShardKeyOf(request.id, this.shards),
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

  /** One UpdateItem, conditional on the lease still being `leaseOwner`'s. */
  async heartbeat(request: HeartbeatRequest): Promise<Job | undefined> {
    const now = request.now.toISOString();
    const values: Record<string, unknown> = {
      ':inProgress': 'InProgress',
      ':owner': request.leaseOwner,
      ':leaseEnd': request.leaseExpiresAt.toISOString(),
      ':now': now,
      ':one': 1,
    };
    let update = 'SET leaseExpiresAt = :leaseEnd, lastUpdatedAt = :now, version = version + :one';
    if (request.progress) {
      update += ', progress = :progress';
      values[':progress'] = progressOf(request.progress, now);
    }
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id: request.id },
          UpdateExpression: update,
          ConditionExpression: 'attribute_exists(id) AND #status = :inProgress AND leaseOwner = :owner',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return fromItem(Attributes ?? {});
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /**
   * One eventually consistent GetItem projecting `cancelRequestedAt` only: 0.5 RRU per started
   * 4 KB of the item. DynamoDB bills a read by the item's size, not by what it returns, so an
   * input or result kept in the item (JSON up to `compressAboveBytes`, gzip above it) is paid
   * for on every check; the planner prices it (`rruPerCancelCheck`).
   */
  async cancelRequested(id: string): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { id },
        ProjectionExpression: '#cancel',
        ExpressionAttributeNames: { '#cancel': CANCEL_REQUESTED_ATTRIBUTE },
        ConsistentRead: false,
      }),
    );
    return Item?.[CANCEL_REQUESTED_ATTRIBUTE] !== undefined;
  }

  /**
   * Queries every shard of the owner's `ByOwner` partition newest first, reads the entries'
   * current status from the table, and merges the shards (see `dynamodb-job-listing.ts` and
   * `shard-merge.ts`): the merge stops at `limit` jobs or `maxQueryCalls` rounds. A full page
   * looks one job ahead, so the last page carries no cursor. The cursor is one `createdKey`
   * position: every shard resumes below it.
   */
  list(query: ListJobsQuery): Promise<JobPage> {
    return listFromByOwner(
      {
        client: this.client,
        tableName: this.tableName,
        ownerShards: this.shards.ownerShards,
        maxRounds: this.maxQueryCalls,
        filteredReadLimit: this.filteredQueryLimit,
      },
      query,
    );
  }

  /**
   * Queries one shard of the sparse `Active` index oldest update first: one Query of at most
   * `limit` items, no filter. The index projects only what a first look needs (see
   * `ACTIVE_PROJECTION`) and is eventually consistent: callers read the record before acting.
   */
  async listStale(query: StaleJobsQuery): Promise<StaleJobPage> {
    const shard = activeShardKey(query.shard);
    const start = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const { Items = [], LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: ACTIVE_INDEX.indexName,
        KeyConditionExpression: '#shard = :shard AND #updated < :before',
        ExpressionAttributeNames: { '#shard': ACTIVE_INDEX.partitionKey, '#updated': ACTIVE_INDEX.sortKey },
        ExpressionAttributeValues: { ':shard': shard, ':before': query.updatedBefore.toISOString() },
        ScanIndexForward: true,
        Limit: query.limit,
        ExclusiveStartKey: start && {
          [JOB_TABLE_PARTITION_KEY]: start.id,
          [ACTIVE_INDEX.partitionKey]: shard,
          [ACTIVE_INDEX.sortKey]: start.createdAt,
        },
      }),
    );
    const items = Items.map(staleJobFromItem);
    const last = LastEvaluatedKey?.[ACTIVE_INDEX.sortKey];
    const lastId = LastEvaluatedKey?.[JOB_TABLE_PARTITION_KEY];
    // The cursor holds the index position (lastUpdatedAt, id) in the list cursor's encoding.
    return typeof last === 'string' && typeof lastId === 'string'
      ? { items, nextCursor: encodeCursor({ createdAt: last, id: lastId }) }
      : { items };
  }
}
