import type { JobErrorInfo } from '../../lambdas/core/job';
import type { Delivery } from '../../lambdas/core/ports';

/** A {@link Delivery} that records what the processor asked of the message. */
export class FakeDelivery implements Delivery {
  readonly visibilityChanges: number[] = [];
  readonly deadLetters: JobErrorInfo[] = [];
  failDeadLetter = false;

  constructor(readonly jobId: string) {}

  async retryAfter(seconds: number): Promise<void> {
    this.visibilityChanges.push(seconds);
  }

  async deadLetter(error: JobErrorInfo): Promise<void> {
    if (this.failDeadLetter) throw new Error('DLQ unavailable');
    this.deadLetters.push(error);
  }
}
