import { UnknownJobTypeError } from './errors';
import { type JobSettings, layerSettings, resolveJobSettings } from './job-settings';
import { JOB_NAME_PATTERN, type JobTypeDefinition } from './job-type';

export interface CatalogEntry {
  readonly definition: JobTypeDefinition;
  readonly settings: JobSettings;
}

/**
 * What `Retry-After` needs of the catalog: each job type's poll interval. {@link JobCatalog} is
 * one; {@link PollIntervals} is the other, for functions that should not load the job types'
 * schemas and handlers (get-job and retry-job).
 */
export interface PollIntervalLookup {
  has(name: string): boolean;
  get(name: string): { readonly settings: Pick<JobSettings, 'pollIntervalSeconds'> };
}

/** The job types this deployment runs, with their resolved settings. */
export class JobCatalog implements PollIntervalLookup {
  private readonly entries: ReadonlyMap<string, CatalogEntry>;

  /**
   * @param overrides per job type, e.g. from the stack's context (applied over the file's settings)
   * @throws Error naming every duplicate or malformed job type name
   */
  constructor(
    definitions: readonly JobTypeDefinition[],
    overrides: Readonly<Record<string, Partial<JobSettings>>> = {},
  ) {
    const problems: string[] = [];
    const entries = new Map<string, CatalogEntry>();
    for (const definition of definitions) {
      if (!JOB_NAME_PATTERN.test(definition.name)) {
        problems.push(`job type name '${definition.name}' must match ${JOB_NAME_PATTERN}`);
      }
      if (entries.has(definition.name)) problems.push(`job type '${definition.name}' is defined twice`);
      entries.set(definition.name, {
        definition,
        settings: resolveJobSettings(layerSettings(definition.settings, overrides[definition.name])),
      });
    }
    for (const name of Object.keys(overrides)) {
      if (!entries.has(name)) problems.push(`settings are given for unknown job type '${name}'`);
    }
    if (problems.length > 0) throw new Error(`Invalid job catalog:\n- ${problems.join('\n- ')}`);
    this.entries = entries;
  }

  get names(): string[] {
    return [...this.entries.keys()];
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** @throws UnknownJobTypeError */
  get(name: string): CatalogEntry {
    const entry = this.entries.get(name);
    if (!entry) throw new UnknownJobTypeError(name);
    return entry;
  }

  /** Each job type's resolved poll interval, seconds: what {@link PollIntervals} is built from. */
  pollIntervals(): Record<string, number> {
    return Object.fromEntries(
      [...this.entries].map(([name, entry]) => [name, entry.settings.pollIntervalSeconds]),
    );
  }
}

/** Job name -> poll interval, as the stack resolved it from the catalog (`JOB_POLL_INTERVALS`). */
export class PollIntervals implements PollIntervalLookup {
  constructor(private readonly seconds: Readonly<Record<string, number>>) {}

  has(name: string): boolean {
    return Object.hasOwn(this.seconds, name);
  }

  /** @throws UnknownJobTypeError */
  get(name: string): { readonly settings: Pick<JobSettings, 'pollIntervalSeconds'> } {
    const pollIntervalSeconds = this.seconds[name];
    if (pollIntervalSeconds === undefined || !this.has(name)) throw new UnknownJobTypeError(name);
    return { settings: { pollIntervalSeconds } };
  }
}
