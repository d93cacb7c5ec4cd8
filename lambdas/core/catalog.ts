import { UnknownJobTypeError } from './errors';
import { type JobSettings, layerSettings, resolveJobSettings } from './job-settings';
import { JOB_NAME_PATTERN, type JobTypeDefinition } from './job-type';

export interface CatalogEntry {
  readonly definition: JobTypeDefinition;
  readonly settings: JobSettings;
}

/** The job types this deployment runs, with their resolved settings. */
export class JobCatalog {
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
}
