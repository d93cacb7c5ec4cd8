/**
 * A progress display: one line rewritten in place on a TTY; elsewhere (CI, a pipe) at most one
 * line every few seconds, so logs stay short.
 */

const NON_TTY_INTERVAL_MS = 5_000;

/** A progress line. */
export interface Progress {
  /** Shows `text` as the current state. */
  update(text: string): void;
  /** Clears the line (on a TTY) so the next output starts clean. */
  done(): void;
}

/** A progress line on `stream` (stderr by default, so results on stdout stay clean). */
export function progress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  let last = 0;
  let shown = false;
  return {
    update(text) {
      if (tty) {
        const width = Math.max(20, (stream.columns ?? 100) - 1);
        stream.write(`\r\x1b[2K${text.slice(0, width)}`);
        shown = true;
        return;
      }
      const now = Date.now();
      if (now - last < NON_TTY_INTERVAL_MS) return;
      last = now;
      stream.write(`  ... ${text}\n`);
    },
    done() {
      if (tty && shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}
