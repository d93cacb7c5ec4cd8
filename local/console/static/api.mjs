/**
 * The console's HTTP calls. Jobs are read and changed through the public API (as any client
 * would), naming the caller with the local `X-Local-Principal` header; only queue depths,
 * metrics, stage info and job inputs come from the console's own `/_console/api/*`.
 */

/** An API answer that was not 2xx, with the problem document's detail when there is one. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = problem?.code;
  }
}

async function call(method, path, { principal, body, query } = {}) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(query ?? {})) if (value) url.searchParams.set(name, value);
  const headers = { Accept: 'application/json' };
  if (principal) headers['X-Local-Principal'] = principal;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(url, { method, headers, body, cache: 'no-store' });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  const parsed = text && type.includes('json') ? JSON.parse(text) : undefined;
  if (!response.ok) throw new ApiError(response.status, parsed ?? { detail: text || undefined });
  return parsed;
}

export const api = {
  info: () => call('GET', '/_console/api/info'),
  queues: () => call('GET', '/_console/api/queues'),
  metrics: () => call('GET', '/_console/api/metrics'),
  input: (id, principal) => call('GET', `/_console/api/jobs/${encodeURIComponent(id)}/input`, { principal }),
  listJobs: (principal, { name, status, limit, cursor }) =>
    call('GET', '/jobs', { principal, query: { name, status, limit, cursor } }),
  getJob: (id, principal) => call('GET', `/jobs/${encodeURIComponent(id)}`, { principal }),
  submit: (name, inputText, principal, priority) =>
    call('POST', `/jobs/${encodeURIComponent(name)}`, { principal, body: inputText, query: { priority } }),
  cancel: (id, principal) => call('DELETE', `/jobs/${encodeURIComponent(id)}`, { principal }),
  retry: (id, principal) => call('POST', `/jobs/${encodeURIComponent(id)}/retry`, { principal }),
  redrive: (name, adminPrincipal) =>
    call('POST', `/admin/jobs/${encodeURIComponent(name)}/redrive`, {
      principal: adminPrincipal,
      body: '{}',
    }),
};
