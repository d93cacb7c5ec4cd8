/**
 * Each part of the local system gets SDK clients of its own, as each Lambda function has its own
 * (and its own role): the API functions, the sweeper, and every job type's processor and event
 * source. Clients are cheap; having one set per component lets the call recorder file each call
 * under the function that made it, and lets tests substitute one component's clients.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CallRecorder } from './call-recorder';
import { localS3Client } from './emulators/s3';
import { type DynamoDbEmulator, LOCAL_AWS, type SqsEmulator } from './emulators/types';

/** The parts of the local system that talk to the emulators, as {@link ComponentClientOptions.clientsFor} names them. */
export type LocalComponent =
  | 'submit'
  | 'get-job'
  | 'list-jobs'
  | 'cancel-job'
  | 'retry-job'
  | 'redrive'
  /** One job type's processor. */
  | 'processor'
  | 'sweeper'
  /** One job type's SQS event source: its receives, deletes and visibility changes (both lanes). */
  | 'event-source';

/** The running emulators, as `clientsFor` receives them. */
export interface LocalEmulators {
  readonly dynamodb: DynamoDbEmulator;
  readonly sqs: SqsEmulator;
}

/** Clients a test substitutes for a component's own; a field left out keeps the own client. */
export interface LocalClients {
  readonly documentClient?: DynamoDBDocumentClient;
  readonly sqsClient?: SQSClient;
  readonly s3Client?: S3Client;
}

/** The clients one component uses. */
export interface ComponentClients {
  readonly documentClient: DynamoDBDocumentClient;
  readonly sqsClient: SQSClient;
  readonly s3Client: S3Client;
}

/** How {@link ComponentClientFactory} picks and watches clients. */
export interface ComponentClientOptions {
  /**
   * Clients one component uses instead of its own (see `LocalSystemOptions.clientsFor`); called
   * once per component, and per job type for processors and event sources.
   */
  readonly clientsFor?: (
    component: LocalComponent,
    emulators: LocalEmulators,
    jobType?: string,
  ) => LocalClients | undefined;
  /** Records every call the clients make, filed under their component (and job type). */
  readonly recorder?: CallRecorder;
}

/** Hands out each component's clients and destroys the ones it created. */
export class ComponentClientFactory {
  private readonly created: { destroy(): void }[] = [];

  constructor(
    private readonly emulators: LocalEmulators,
    private readonly options: ComponentClientOptions = {},
  ) {}

  /**
   * The clients of `component` (of `jobType`, for processors and event sources).
   * @throws Error when recording and a substituted client is shared with another component
   */
  for(component: LocalComponent, jobType?: string): ComponentClients {
    const chosen = this.options.clientsFor?.(component, this.emulators, jobType);
    const clients: ComponentClients = {
      documentClient: chosen?.documentClient ?? this.ownDocumentClient(),
      sqsClient: chosen?.sqsClient ?? this.own(new SQSClient(this.sqsConfig())),
      s3Client: chosen?.s3Client ?? this.own(localS3Client(this.emulators.sqs.endpoint)),
    };
    const site = { function: component, ...(jobType !== undefined ? { jobType } : {}) };
    for (const client of Object.values(clients)) this.options.recorder?.attach(client, site);
    return clients;
  }

  /** Destroys every client this factory created (substituted ones belong to their test). */
  destroy(): void {
    for (const client of this.created.splice(0)) client.destroy();
  }

  private ownDocumentClient(): DynamoDBDocumentClient {
    const client = this.own(new DynamoDBClient({ ...LOCAL_AWS, endpoint: this.emulators.dynamodb.endpoint }));
    return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  /** As the emulator's own SQS client: bound to its endpoint, never retargeted by queue URLs. */
  private sqsConfig() {
    return { ...LOCAL_AWS, endpoint: this.emulators.sqs.endpoint, useQueueUrlAsEndpoint: false };
  }

  private own<C extends { destroy(): void }>(client: C): C {
    this.created.push(client);
    return client;
  }
}
