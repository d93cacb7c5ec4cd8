import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../lib/config';
import type { JobTableWarmThroughput } from '../../lib/config-warm-throughput';
import { JobTable } from '../../lib/constructs/job-table';
import { createTestStack } from '../support/cdk-app';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation JSON, probed field by field
type Json = Record<string, any>;

/** The job table's CloudFormation properties, from a stack built with `warm`. */
function tableProperties(warm?: JobTableWarmThroughput): Json {
  const stack = new Stack();
  new JobTable(stack, 'Jobs', { warmThroughput: warm });
  const [table] = Object.values(Template.fromStack(stack).findResources('AWS::DynamoDB::Table'));
  return table?.Properties;
}

const gsi = (props: Json, name: string): Json =>
  props.GlobalSecondaryIndexes.find((i: Json) => i.IndexName === name);

/** The problems `resolveConfig` reports for `table.warmThroughput` = `warm` ([] when none). */
function problemsOf(warm: unknown): readonly string[] {
  try {
    resolveConfig({ table: { warmThroughput: warm } });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  return [];
}

describe('job table warm throughput', () => {
  it('is absent from the table and both indexes by default', () => {
    const props = tableProperties();
    expect(props.WarmThroughput).toBeUndefined();
    expect(gsi(props, 'Active').WarmThroughput).toBeUndefined();
    expect(gsi(props, 'ByOwner').WarmThroughput).toBeUndefined();
  });

  it('warms the table and only the named index', () => {
    const props = tableProperties({
      table: { writeUnitsPerSecond: 18_000, readUnitsPerSecond: 12_000 },
      indexes: { Active: { writeUnitsPerSecond: 10_000 } },
    });
    expect(props.WarmThroughput).toEqual({ WriteUnitsPerSecond: 18_000, ReadUnitsPerSecond: 12_000 });
    expect(gsi(props, 'Active').WarmThroughput).toEqual({ WriteUnitsPerSecond: 10_000 });
    expect(gsi(props, 'ByOwner').WarmThroughput).toBeUndefined();
  });

  it('goes from the stage config to the stack, and no profile sets it', () => {
    for (const profile of ['small', 'medium', 'large'] as const)
      expect(resolveConfig({ profile }).table.warmThroughput).toBeUndefined();
    const { stack } = createTestStack({
      profile: 'large',
      table: { warmThroughput: { indexes: { ByOwner: { writeUnitsPerSecond: 8000 } } } },
    });
    const [table] = Object.values(Template.fromStack(stack).findResources('AWS::DynamoDB::Table'));
    expect(table?.Properties.WarmThroughput).toBeUndefined();
    expect(gsi(table?.Properties, 'ByOwner').WarmThroughput).toEqual({ WriteUnitsPerSecond: 8000 });
  });
});

describe('table.warmThroughput config', () => {
  it('keeps what is set, next to the shard counts', () => {
    const warm = {
      table: { writeUnitsPerSecond: 4000, readUnitsPerSecond: 40_000 },
      indexes: { Active: { readUnitsPerSecond: 12_000 }, ByOwner: { writeUnitsPerSecond: 7000 } },
    };
    expect(resolveConfig({ profile: 'large', table: { warmThroughput: warm } }).table).toEqual({
      activeShards: 32,
      ownerShards: 16,
      warmThroughput: warm,
    });
  });

  it.each([
    [
      { table: { writeUnitsPerSecond: 3999 } },
      'table.warmThroughput.table.writeUnitsPerSecond must be an integer >= 4000 (a new on-demand table or index already takes 4,000: below that there is nothing to warm), got 3999',
    ],
    [
      { indexes: { ByOwner: { readUnitsPerSecond: 5000 } } },
      'table.warmThroughput.indexes.ByOwner.readUnitsPerSecond must be an integer >= 12000',
    ],
    [
      { table: { writeUnitsPerSecond: 4500.5 } },
      'table.warmThroughput.table.writeUnitsPerSecond must be an integer',
    ],
    [{ table: { writeUnitsPerSecond: '8000' } }, 'writeUnitsPerSecond must be a number, got string "8000"'],
    [{ table: {} }, 'table.warmThroughput.table must set writeUnitsPerSecond, readUnitsPerSecond or both'],
    [
      { table: { writeUnits: 8000, readUnitsPerSecond: 20_000 } },
      'table.warmThroughput.table.writeUnits is not a known field (known: writeUnitsPerSecond, readUnitsPerSecond)',
    ],
    [
      { indexes: { Owner: { writeUnitsPerSecond: 8000 } } },
      'table.warmThroughput.indexes.Owner is not a known field (known: Active, ByOwner)',
    ],
    [
      { Active: { writeUnitsPerSecond: 8000 } },
      'table.warmThroughput.Active is not a known field (known: table, indexes)',
    ],
    [5000, 'warmThroughput must be an object, got number 5000'],
  ])('rejects %j, saying what it takes', (warm, problem) => {
    const problems = problemsOf(warm);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(problem);
  });
});
