/**
 * A `fetch` that checks every response against the OpenAPI document, for tests that call the
 * local system through the typed client or the CLI.
 */
import { validateResponse } from './local-client';

/** Every mismatch found so far; a test asserts it stays empty. */
export interface ValidatingFetch {
  readonly fetch: typeof fetch;
  readonly mismatches: string[];
  /** Responses checked so far. */
  readonly count: () => number;
}

/** @param baseUrl the API's base URL (paths are checked relative to it) */
export function validatingFetch(baseUrl: string, inner: typeof fetch = fetch): ValidatingFetch {
  const mismatches: string[] = [];
  const base = new URL(baseUrl);
  let count = 0;
  const wrapped = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const response = await inner(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    const body = await response.clone().text();
    count++;
    mismatches.push(
      ...validateResponse({
        method: init?.method ?? 'GET',
        path: url.pathname.slice(base.pathname.replace(/\/$/, '').length) + url.search,
        status: response.status,
        headers: response.headers,
        body,
      }),
    );
    return response;
  };
  return { fetch: wrapped as typeof fetch, mismatches, count: () => count };
}
