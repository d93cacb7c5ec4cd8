/**
 * Throws generated requests, mostly bad ones, at every route of the local system and checks the
 * HTTP contract (README, "HTTP contract" and "Local mode") for each answer: never a 5xx; every
 * 4xx an RFC 9457 problem whose `status` is the HTTP status; no stack trace in any body; a 2xx
 * from `POST /jobs/{name}` only for a valid body of a known job type; and, scanning the table at
 * the end, no stored job that was not accepted.
 *
 * A failure prints fast-check's seed and the shrunk request. Explore with other seeds:
 *   FC_SEED=123 FC_RUNS=2000 npx vitest run test/local/bad-input.property.test.ts
 */
import { Agent, request as httpRequest } from 'node:http';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_CALLER_BYTES } from '../../lambdas/api/caller';
import { MAX_JSON_DEPTH } from '../../lambdas/api/parse-body';
import { jobTypes } from '../../lambdas/jobs/catalog';
import { loadLocalConfig } from '../../local/local-config';
import { hasDotSegment } from '../../local/request-path';
import { safeDecode } from '../../local/safe-decode';
import { useLocalSystem } from '../support/local-e2e';
import { type GeneratedRequest, requestArbitrary } from '../support/request-arbitraries';

const MAX_BODY_BYTES = 8_192;
const SEED = Number(process.env.FC_SEED ?? 20_250_611);
const RUNS = Number(process.env.FC_RUNS ?? 400);
const JOB_NAMES = jobTypes.map((type) => type.name);

const agent = new Agent({ keepAlive: true, maxSockets: 4 });
const local = useLocalSystem(() => ({ config: loadLocalConfig({ maxBodyBytes: MAX_BODY_BYTES }) }), {
  beforeStop: () => agent.destroy(),
});

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

/** Sends the request byte for byte: node:http, not fetch, which would refuse or rewrite parts. */
function send(request: GeneratedRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // The path as an option, not in a URL: WHATWG URL parsing would resolve its dot segments.
    const { hostname, port } = new URL(local.system.url);
    const req = httpRequest({ host: hostname, port, path: request.path, method: request.method, agent });
    for (const [name, value] of request.headers) req.setHeader(name, value);
    if (request.body.byteLength > 0) req.setHeader('Content-Length', request.body.byteLength);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(request.body.byteLength > 0 ? request.body : undefined);
  });
}

/** Deepest nesting of arrays and objects in valid JSON text, without recursion. */
function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') deepest = Math.max(deepest, ++depth);
    else if (ch === ']' || ch === '}') depth--;
  }
  return deepest;
}

type Route =
  | { kind: 'health' }
  | { kind: 'jobs' }
  | { kind: 'job'; nameOrId: string }
  | { kind: 'console' }
  | { kind: 'none' }
  | { kind: 'dot-segment' };

/** The route the local API Gateway picks, as README's "Local mode" describes it. */
function routeOf(path: string): Route {
  // Refused before routing (`/jobs/../health` would otherwise be routed as `/health`).
  if (hasDotSegment(path)) return { kind: 'dot-segment' };
  // The request target is a path: `//jobs/x` is not the host `jobs`.
  const { pathname } = new URL(`http://localhost${path}`);
  // The console's page (local/console).
  if (pathname === '/') return { kind: 'console' };
  const segments = pathname.split('/').filter(Boolean);
  if (segments.length === 1 && segments[0] === 'health') return { kind: 'health' };
  if (segments.length === 1 && segments[0] === 'jobs') return { kind: 'jobs' };
  if (segments.length === 2 && segments[0] === 'jobs')
    return { kind: 'job', nameOrId: safeDecode(segments[1] ?? '') };
  return { kind: 'none' };
}

/** The caller the local server derives from X-Local-Principal (trimmed; default when blank). */
function principalOf(request: GeneratedRequest): string | undefined {
  return request.headers.find(([name]) => name === 'X-Local-Principal')?.[1].trim() || undefined;
}

/** An identity too long for an IAM ARN (and for the ByOwner index key) is refused. */
function callerProblems(request: GeneratedRequest): string[] {
  const principal = principalOf(request) ?? '';
  return Buffer.byteLength(principal, 'utf8') > MAX_CALLER_BYTES ? ['INVALID_CALLER_IDENTITY'] : [];
}

/**
 * Every problem code the contract allows for a submission (empty: the submission is valid).
 * The handler may report any one of them: the contract does not order the checks.
 */
function submitProblems(name: string, request: GeneratedRequest): string[] {
  const problems = callerProblems(request);
  const type = jobTypes.find((t) => t.name === name);
  if (!type) problems.push('UNKNOWN_JOB_TYPE');
  if (request.idempotencyKey && !request.idempotencyKey.valid) problems.push('INVALID_IDEMPOTENCY_KEY');
  let input: unknown;
  if (request.body.byteLength > MAX_BODY_BYTES) return [...problems, 'BODY_TOO_LARGE'];
  if (request.body.byteLength > 0) {
    if (!request.jsonContentType) return [...problems, 'UNSUPPORTED_MEDIA_TYPE'];
    const text = request.body.toString('utf8');
    try {
      input = JSON.parse(text);
    } catch {
      return [...problems, 'INVALID_JSON'];
    }
    if (jsonDepth(text) > MAX_JSON_DEPTH) return [...problems, 'JSON_TOO_DEEP'];
    // Stored re-serialized, where numbers can grow: that size is held to the limit too.
    if (Buffer.byteLength(JSON.stringify(input)) > MAX_BODY_BYTES) return [...problems, 'BODY_TOO_LARGE'];
  }
  if (type && !type.input.safeParse(input).success) problems.push('INVALID_INPUT');
  return problems;
}

const STACK_TRACE = [/\n\s+at /, /\\n\s+at /, /\/lambdas\//, /\/local\//, /node_modules/, /\.[cm]?[tj]s:\d/];

/** Ids of every job a 2xx submission returned, with the principal that submitted it. */
const accepted = new Map<string, string | undefined>();

async function checkContract(request: GeneratedRequest): Promise<void> {
  const answer = await send(request);
  const where = `${request.method} ${request.path} -> ${answer.status} ${answer.text.slice(0, 300)}`;

  expect(answer.status, where).toBeLessThan(500);
  for (const pattern of STACK_TRACE) expect(answer.text, where).not.toMatch(pattern);

  let problem: Record<string, unknown> | undefined;
  if (request.method === 'HEAD') {
    expect(answer.text, where).toBe('');
  } else if (answer.status >= 400) {
    expect(answer.headers['content-type'], where).toMatch(/^application\/problem\+json\b/);
    problem = JSON.parse(answer.text) as Record<string, unknown>;
    expect(problem, where).toMatchObject({
      type: expect.any(String),
      title: expect.any(String),
      status: answer.status,
      detail: expect.any(String),
      code: expect.any(String),
    });
    expect(problem, where).not.toHaveProperty('stack');
  }

  const route = routeOf(request.path);
  const notAllowed = (allow: string) => {
    expect(answer.status, where).toBe(405);
    expect(answer.headers.allow, where).toBe(allow);
    if (problem) expect(problem.code, where).toBe('METHOD_NOT_ALLOWED');
  };
  switch (route.kind) {
    case 'health':
      if (request.method === 'GET') expect(answer.status, where).toBe(200);
      else notAllowed('GET');
      return;
    case 'jobs':
      // GET /jobs (listing) is being added; until it lands this is ROUTE_NOT_FOUND. Either way,
      // the checks above apply: no 5xx, and a problem document for any 4xx.
      return;
    case 'dot-segment':
      expect(answer.status, where).toBe(400);
      if (problem) expect(problem.code, where).toBe('INVALID_PATH');
      return;
    case 'console':
      if (request.method === 'GET' || request.method === 'HEAD') expect(answer.status, where).toBe(200);
      else notAllowed('GET, HEAD');
      return;
    case 'none':
      expect(answer.status, where).toBe(404);
      if (problem) expect(problem.code, where).toBe('ROUTE_NOT_FOUND');
      return;
    case 'job':
      break;
  }

  if (request.method === 'GET' || request.method === 'DELETE') {
    // Generated ids never name a stored job (ours are random or derived from a key).
    const [callerProblem = 'JOB_NOT_FOUND'] = callerProblems(request);
    expect(problem?.code, where).toBe(callerProblem);
    return;
  }
  if (request.method !== 'POST') return notAllowed('GET, POST, DELETE');

  const problems = submitProblems(route.nameOrId, request);
  if (answer.status < 300) {
    expect(problems, `${where}\na valid submission only may be accepted`).toEqual([]);
    expect(answer.status, where).toBe(request.idempotencyKey ? answer.status : 202);
    const job = JSON.parse(answer.text) as { id: string; name: string };
    expect(job.name, where).toBe(route.nameOrId);
    accepted.set(job.id, principalOf(request));
    return;
  }
  if (problems.length === 0) {
    // Valid: only a replayed key with another body may refuse it.
    expect(request.idempotencyKey, where).toBeDefined();
    expect(answer.status, where).toBe(422);
    expect(problem?.code, where).toBe('IDEMPOTENCY_KEY_MISMATCH');
    return;
  }
  expect(problems, where).toContain(problem?.code);
}

async function storedJobIds(): Promise<string[]> {
  const ids: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await local.system.dynamodb.documentClient.send(
      new ScanCommand({
        TableName: local.system.provisioned.tableName,
        ProjectionExpression: 'id',
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) ids.push(String(item.id));
    start = page.LastEvaluatedKey;
  } while (start);
  return ids;
}

describe('the local API under generated requests', () => {
  it.each([
    ['POST', '///%E2%80%8B?%20'],
    ['GET', '//jobs/00000000-0000-4000-8000-000000000000'],
    ['POST', '/\\jobs/echo'],
  ] as const)('reads the request target as a path, not a URL: %s %s', async (method, path) => {
    await checkContract({
      method,
      path,
      headers: [['Content-Type', 'application/json']],
      body: Buffer.from('{}'),
      jsonContentType: true,
    });
  });

  it('answers every request within the HTTP contract and stores only accepted jobs', async () => {
    const requests = requestArbitrary({ jobNames: JOB_NAMES, maxBodyBytes: MAX_BODY_BYTES });
    await fc.assert(fc.asyncProperty(requests, checkContract), { seed: SEED, numRuns: RUNS });

    const stored = await storedJobIds();
    expect(
      stored.filter((id) => !accepted.has(id)),
      'jobs stored without a 2xx',
    ).toEqual([]);
    expect(
      [...accepted.keys()].filter((id) => !stored.includes(id)),
      'accepted jobs not stored',
    ).toEqual([]);
    // The generators must reach the accepting path, or the checks above prove little.
    expect(accepted.size).toBeGreaterThan(RUNS / 20);
    // Accepted jobs are readable by whoever submitted them.
    for (const [id, principal] of [...accepted].slice(0, 5)) {
      const answer = await send({
        method: 'GET',
        path: `/jobs/${id}`,
        headers: principal === undefined ? [] : [['X-Local-Principal', principal]],
        body: Buffer.alloc(0),
        jsonContentType: false,
      });
      expect(answer.status, answer.text).toBe(200);
    }
  }, 120_000);
});
