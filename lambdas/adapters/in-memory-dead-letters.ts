import type { DeadLetter, DeadLetterSource } from '../core/ports';

interface Held {
  readonly handle: string;
  readonly jobId?: string;
  readonly sentAt?: Date;
  hidden: boolean;
}

/**
 * {@link DeadLetterSource} in memory, for unit tests: messages are hidden when received until
 * released (never by time), and `removed` / `released` record what the use-case did.
 */
export class InMemoryDeadLetters implements DeadLetterSource {
  private readonly messages: Held[] = [];
  private next = 0;
  readonly removed: string[] = [];
  readonly released: string[] = [];
  /** Sizes asked of each receive call. */
  readonly receives: number[] = [];

  /** Adds a dead letter; `jobId` undefined models an unreadable body. @returns its handle */
  add(jobId: string | undefined, sentAt?: Date): string {
    this.next += 1;
    const handle = `h${this.next}`;
    this.messages.push({
      handle,
      ...(jobId === undefined ? {} : { jobId }),
      ...(sentAt === undefined ? {} : { sentAt }),
      hidden: false,
    });
    return handle;
  }

  /** Job ids (or undefined) of the messages still in the queue, visible or not. */
  get remaining(): (string | undefined)[] {
    return this.messages.map((m) => m.jobId);
  }

  async receive(max: number): Promise<DeadLetter[]> {
    this.receives.push(max);
    const visible = this.messages.filter((m) => !m.hidden).slice(0, Math.min(10, max));
    for (const m of visible) m.hidden = true;
    return visible.map(({ hidden: _hidden, ...letter }) => letter);
  }

  async release(handle: string): Promise<void> {
    const message = this.find(handle);
    message.hidden = false;
    this.released.push(handle);
  }

  async remove(handle: string): Promise<void> {
    const message = this.find(handle);
    this.messages.splice(this.messages.indexOf(message), 1);
    this.removed.push(handle);
  }

  private find(handle: string): Held {
    const message = this.messages.find((m) => m.handle === handle);
    if (!message) throw new Error(`No message with handle ${handle}`);
    return message;
  }
}
