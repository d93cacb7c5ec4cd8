import type { DeadLetterInbox, InboxLetter } from '../core/dead-letter-inbox';
import type { Job, JobErrorInfo } from '../core/job';

interface Held extends InboxLetter {
  hidden: boolean;
}

/**
 * {@link DeadLetterInbox} (and so `DeadLetterSource`) in memory, for unit tests: messages are
 * received oldest first and hidden until released (never by time); a released message goes to
 * the back, as in fauxqs. `removed` / `released` / `sent` record what the use-case did. A
 * message's handle doubles as its `messageId` (it is the same on every receive here).
 */
export class InMemoryDeadLetters implements DeadLetterInbox {
  private readonly messages: Held[] = [];
  private next = 0;
  readonly removed: string[] = [];
  readonly released: string[] = [];
  /** Copies written by `send`, in order. */
  readonly sent: { readonly jobId: string; readonly error: JobErrorInfo }[] = [];
  /** Sizes asked of each receive call. */
  readonly receives: number[] = [];

  /**
   * Adds a dead letter; `jobId` undefined models an unreadable body, `errorCode` a copy our
   * writers sent (a message SQS moved itself has none).
   * @returns its handle
   */
  add(jobId: string | undefined, sentAt?: Date, errorCode?: string): string {
    this.next += 1;
    const handle = `h${this.next}`;
    this.messages.push({
      handle,
      messageId: handle,
      ...(jobId === undefined ? {} : { jobId }),
      ...(sentAt === undefined ? {} : { sentAt }),
      ...(errorCode === undefined ? {} : { errorCode }),
      hidden: false,
    });
    return handle;
  }

  /** Job ids (or undefined) of the messages still in the queue, visible or not. */
  get remaining(): (string | undefined)[] {
    return this.messages.map((m) => m.jobId);
  }

  /** The messages still in the queue as `[jobId, errorCode]`, visible or not. */
  get contents(): [string | undefined, string | undefined][] {
    return this.messages.map((m) => [m.jobId, m.errorCode]);
  }

  async waiting(): Promise<number> {
    return this.messages.filter((m) => !m.hidden).length;
  }

  async receive(max: number): Promise<InboxLetter[]> {
    this.receives.push(max);
    const visible = this.messages.filter((m) => !m.hidden).slice(0, Math.min(10, max));
    for (const m of visible) m.hidden = true;
    return visible.map(({ hidden: _hidden, ...letter }) => letter);
  }

  async release(handle: string): Promise<void> {
    const message = this.find(handle);
    message.hidden = false;
    this.messages.splice(this.messages.indexOf(message), 1);
    this.messages.push(message);
    this.released.push(handle);
  }

  async releaseAll(handles: readonly string[]): Promise<void> {
    for (const handle of handles) await this.release(handle);
  }

  async remove(handle: string): Promise<void> {
    const message = this.find(handle);
    this.messages.splice(this.messages.indexOf(message), 1);
    this.removed.push(handle);
  }

  async send(job: Pick<Job, 'id' | 'name'>, error: JobErrorInfo): Promise<void> {
    this.sent.push({ jobId: job.id, error });
    this.add(job.id, undefined, error.code);
  }

  private find(handle: string): Held {
    const message = this.messages.find((m) => m.handle === handle);
    if (!message) throw new Error(`No message with handle ${handle}`);
    return message;
  }
}
