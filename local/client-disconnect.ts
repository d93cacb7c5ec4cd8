/**
 * A client that goes away before its request is read or answered: a curl interrupted mid-upload,
 * a browser tab closed while polling. Its own choice, not a server error: reported as such, and
 * the server carries on.
 */

/** One client that went away, as the local API server reports it. */
export interface ClientDisconnect {
  readonly method: string;
  /** The request path as sent (no query). */
  readonly path: string;
  /** `body`: before the request body ended; `response`: after it, before the answer was written. */
  readonly phase: 'body' | 'response';
  /** Body bytes received before the client left (`body` phase only). */
  readonly receivedBytes: number | undefined;
}

/** Thrown while reading a request body whose client went away before it ended. */
export class ClientDisconnectedError extends Error {
  override readonly name = 'ClientDisconnectedError';

  /** @param receivedBytes body bytes received before the client left */
  constructor(readonly receivedBytes: number) {
    super(`The client disconnected after ${receivedBytes} body bytes`);
  }
}

/** The default report: one warning line on stderr. */
export function logClientDisconnect(disconnect: ClientDisconnect): void {
  console.warn(describeClientDisconnect(disconnect));
}

/** One line naming what the client left: `client disconnected mid-body: POST /jobs/echo (512 bytes received)`. */
export function describeClientDisconnect({ method, path, phase, receivedBytes }: ClientDisconnect): string {
  return phase === 'body'
    ? `client disconnected mid-body: ${method} ${path} (${receivedBytes ?? 0} bytes received)`
    : `client disconnected before the response: ${method} ${path}`;
}
