/**
 * The port the recovery sweeper reconciles a dead-letter queue through: what it receives, and
 * how it tells a copy our code sent from a message SQS moved there on its own.
 */
import type { DeadLetter, DeadLetterQueue, DeadLetterSource } from './ports';

/** A received dead letter, with the error our writers attach to every copy they send. */
export interface InboxLetter extends DeadLetter {
  /** The message's own id, the same on every receive (unlike `handle`). */
  readonly messageId: string;
  /**
   * The copy's `errorCode` attribute, set by every writer of ours (processor, sweeper). Absent
   * on a message SQS moved itself once its receive count passed `maxReceiveCount`.
   */
  readonly errorCode?: string;
}

/**
 * One dead-letter queue as the sweeper reconciles it: the consumer side redrive uses
 * (`receive`, `release`, `remove`), the producer side the sweeper already sends copies
 * through (`send`, to this same queue), plus a cheap emptiness check and a batch release.
 */
export interface DeadLetterInbox extends DeadLetterSource, DeadLetterQueue {
  /**
   * Messages ready to be received, approximately (seconds behind at most): 0 lets a run skip
   * the queue without receiving.
   * @throws when the queue cannot be read
   */
  waiting(): Promise<number>;
  /** Receives up to `max` (1..10), hidden until released, removed or the adapter's hide time ends. */
  receive(max: number): Promise<InboxLetter[]>;
  /** Makes received messages visible again at once (a redrive need not wait for them). */
  releaseAll(handles: readonly string[]): Promise<void>;
}
