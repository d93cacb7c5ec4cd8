import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { isExpired } from '../core/job';
import type { JobSummary } from '../core/job-summary';
import type { JobPage, ListJobsQuery } from '../core/ports';
import {
  BY_OWNER_INDEX,
  BY_OWNER_LIVE_ATTRIBUTES,
  createdKeyOf,
  JOB_TABLE_PARTITION_KEY,
  ownerShardKey,
} from '../table-schema';
import { type BatchGetRetry, batchGetItems } from './batch-get-items';
import { decodeCursor, encodeCursor, positionOfCreatedKey } from './job-cursor';
import { type JobItem, summaryFromItem } from './job-item';
import { mergeShards } from './shard-merge';

/** What a listing reads with, and how much one page may read. */
export interface JobListingSource {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly ownerShards: number;
  /** Read rounds per page (see `DynamoDbJobStoreOptions.maxQueryCalls`). */
  readonly maxRounds: number;
  /** Index entries a filtered round evaluates over all shards. */
  readonly filteredReadLimit: number;
  readonly batchGetRetry?: BatchGetRetry;
}

/**
 * One page of `GET /jobs` from the `ByOwner` index, which holds only what never changes after
 * submit (keys, `name`, `createdAt`): each shard's read queries a page of index entries (the
 * name filter is a FilterExpression there), then fetches the entries' current
 * {@link BY_OWNER_LIVE_ATTRIBUTES} from the table with BatchGetItem (eventually consistent, as
 * the index itself is) and applies the status filter and the expiry there. An item that vanished
 * in between (TTL) is skipped. For the merge a dropped entry is a filtered one: the shard's
 * `lastEvaluated` is still the last index entry the query read, so the page's cursor never skips
 * or repeats a job, and `maxRounds` bounds a sparse filter's reads as before.
 */
export async function listFromByOwner(source: JobListingSource, query: ListJobsQuery): Promise<JobPage> {
  const after = query.cursor === undefined ? undefined : createdKeyOf(decodeCursor(query.cursor));
  const filtered = query.name !== undefined || query.status !== undefined;
  const shards = source.ownerShards;
  const perShardFiltered = Math.ceil(source.filteredReadLimit / shards);
  const page = await mergeShards<JobSummary>({
    shards,
    limit: query.limit,
    ...(after === undefined ? {} : { after }),
    maxRounds: source.maxRounds,
    readLimit: (need, firstRound) => {
      const wanted = (firstRound ? Math.ceil(need / shards) : need) + 1;
      return filtered ? Math.max(wanted, perShardFiltered) : wanted;
    },
    read: async (shard, before, limit) => {
      const { Items = [], LastEvaluatedKey } = await source.client.send(
        new QueryCommand({
          TableName: source.tableName,
          IndexName: BY_OWNER_INDEX.indexName,
          KeyConditionExpression: before === undefined ? '#pk = :pk' : '#pk = :pk AND #sk < :before',
          ...(query.name === undefined ? {} : { FilterExpression: '#name = :name' }),
          ExpressionAttributeNames: {
            '#pk': BY_OWNER_INDEX.partitionKey,
            ...(before === undefined ? {} : { '#sk': BY_OWNER_INDEX.sortKey }),
            ...(query.name === undefined ? {} : { '#name': 'name' }),
          },
          ExpressionAttributeValues: {
            ':pk': ownerShardKey(query.owner, shard),
            ...(before === undefined ? {} : { ':before': before }),
            ...(query.name === undefined ? {} : { ':name': query.name }),
          },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      const live = await liveAttributes(source, Items);
      const entries = Items.flatMap((entry) => {
        const current = live.get(entry[JOB_TABLE_PARTITION_KEY] as string);
        if (current === undefined) return [];
        const summary = summaryFromItem({ ...entry, ...current });
        if (isExpired(summary, query.now)) return [];
        if (query.status !== undefined && summary.status !== query.status) return [];
        return [{ key: entry[BY_OWNER_INDEX.sortKey] as string, value: summary }];
      });
      const lastEvaluated = LastEvaluatedKey?.[BY_OWNER_INDEX.sortKey];
      return { entries, ...(typeof lastEvaluated === 'string' ? { lastEvaluated } : {}) };
    },
  });
  return page.next === undefined
    ? { items: page.values }
    : { items: page.values, nextCursor: encodeCursor(positionOfCreatedKey(page.next)) };
}

/** The current live attributes of the records behind index entries, by id. */
async function liveAttributes(
  source: JobListingSource,
  entries: readonly JobItem[],
): Promise<Map<string, JobItem>> {
  if (entries.length === 0) return new Map();
  const items = await batchGetItems(
    source.client,
    {
      tableName: source.tableName,
      keys: entries.map((entry) => ({ [JOB_TABLE_PARTITION_KEY]: entry[JOB_TABLE_PARTITION_KEY] })),
      attributes: [JOB_TABLE_PARTITION_KEY, ...BY_OWNER_LIVE_ATTRIBUTES],
    },
    source.batchGetRetry,
  );
  return new Map(items.map((item) => [item[JOB_TABLE_PARTITION_KEY] as string, item]));
}
