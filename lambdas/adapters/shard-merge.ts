/**
 * The k-way merge behind a sharded listing: every shard of a caller's `ByOwner` partition is
 * sorted by the same unique key (`createdKey`, newest first), so the newest entries overall are
 * the newest of the shards' newest. Each shard is read lazily, a few entries at a time, and read
 * again only when it might still hold the next entry of the page.
 *
 * The resume point is one key, not one per shard: an entry is returned only once every shard
 * that might hold a newer one has been read past it, so after a page everything above its last
 * key was returned (or filtered out) in every shard, and each shard resumes below that key.
 *
 * ```
 * shard 0  9 7 . 3        page of 4 (newest first): 9 8 7 6
 * shard 1  8 6 . 2        next page: every shard from "below 6": 5 4 3 2 1
 * shard 2  5 4 1
 * ```
 */

/** One read of one shard: entries below `before` (all when undefined), newest first. */
export type ShardRead<T> = (
  shard: number,
  before: string | undefined,
  limit: number,
) => Promise<{
  /** The entries that passed the filter, with their sort keys, newest first. */
  readonly entries: readonly { readonly key: string; readonly value: T }[];
  /** The key of the last entry the read evaluated (filtered or not); absent when the shard is done. */
  readonly lastEvaluated?: string;
}>;

export interface MergeOptions<T> {
  readonly shards: number;
  /** Entries per page. */
  readonly limit: number;
  /** Resume below this key (a previous page's `next`). */
  readonly after?: string;
  /** Most read rounds (each round reads the shards that need it, in parallel); at least 1. */
  readonly maxRounds: number;
  /**
   * Entries one read asks for, given how many the page still needs and whether this is the
   * first round (every shard at once: its share) or a refill (one shard that may hold them all).
   */
  readonly readLimit: (need: number, firstRound: boolean) => number;
  readonly read: ShardRead<T>;
}

export interface MergedPage<T> {
  readonly values: T[];
  /** Resume key: absent when nothing follows. */
  readonly next?: string;
}

interface ShardState<T> {
  readonly index: number;
  readonly buffer: { readonly key: string; readonly value: T }[];
  /** Every entry above this key has been read; undefined before the first read. */
  frontier?: string;
  started: boolean;
  done: boolean;
}

/**
 * One page, newest first, from every shard.
 * @throws RangeError when `maxRounds` is below 1 (no page could make progress)
 */
export async function mergeShards<T>(options: MergeOptions<T>): Promise<MergedPage<T>> {
  if (options.maxRounds < 1) throw new RangeError('maxRounds must be at least 1');
  const states: ShardState<T>[] = Array.from({ length: options.shards }, (_, index) => ({
    index,
    buffer: [],
    ...(options.after === undefined ? {} : { frontier: options.after }),
    started: false,
    done: false,
  }));
  const out: { key: string; value: T }[] = [];
  let rounds = 0;
  const readRound = async (which: ShardState<T>[]) => {
    const need = options.limit - out.length;
    const limit = Math.max(1, options.readLimit(need, rounds === 0));
    rounds += 1;
    await Promise.all(
      which.map(async (state) => {
        const { entries, lastEvaluated } = await options.read(state.index, state.frontier, limit);
        state.started = true;
        state.buffer.push(...entries);
        if (lastEvaluated === undefined) state.done = true;
        else state.frontier = lastEvaluated;
      }),
    );
  };
  const page = (next?: string): MergedPage<T> => ({
    values: out.map((entry) => entry.value),
    ...(next === undefined ? {} : { next }),
  });

  for (;;) {
    const best = newestHead(states);
    const bestKey = best?.buffer[0]?.key;
    const last = out.at(-1);
    if (last && out.length >= options.limit) {
      // Full: a cursor only if something follows, so the last page carries none.
      if (states.some((s) => s.buffer.length > 0)) return page(last.key);
      const open = states.filter((s) => !s.done);
      if (open.length === 0) return page();
      if (rounds >= options.maxRounds) return page(last.key);
      await readRound(open);
      continue;
    }
    // A shard with nothing buffered blocks the page while it may hold something newer than best.
    const blocking = states.filter(
      (s) =>
        !s.done &&
        s.buffer.length === 0 &&
        (!s.started || bestKey === undefined || (s.frontier as string) > bestKey),
    );
    if (blocking.length === 0) {
      const head = best?.buffer.shift();
      if (!head) return page();
      out.push(head);
      continue;
    }
    if (rounds >= options.maxRounds) {
      // Out of reads: a short page that resumes below the newest key some shard has not passed.
      // Every shard was read in the first round, so each blocking one has a frontier.
      const frontiers = blocking.map((s) => s.frontier as string).sort();
      return page(frontiers.at(-1));
    }
    await readRound(blocking);
  }
}

/** The shard whose buffered head is the newest entry, if any shard has one buffered. */
function newestHead<T>(states: readonly ShardState<T>[]): ShardState<T> | undefined {
  let best: ShardState<T> | undefined;
  let bestKey = '';
  for (const state of states) {
    const head = state.buffer[0];
    if (head && (best === undefined || head.key > bestKey)) {
      best = state;
      bestKey = head.key;
    }
  }
  return best;
}
