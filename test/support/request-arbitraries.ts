/**
 * fast-check generators of HTTP requests, good and bad, for the local API: every route and
 * method, hostile path segments, query strings, headers and bodies. Each generated part that
 * matters to the contract carries what it is (a JSON media type or not, a valid idempotency key
 * or not), so a test can tell what answer the request deserves without re-implementing the
 * handlers.
 */
import fc from 'fast-check';

export const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const;

/** One request as it goes on the wire; header values are latin1 strings (raw bytes). */
export interface GeneratedRequest {
  readonly method: (typeof METHODS)[number];
  /** Path and query exactly as sent: already percent-encoded where needed. */
  readonly path: string;
  /** `[name, value]` pairs, sent in order (names like `__proto__` included). */
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer;
  /** The Content-Type sent is a JSON media type (`application/json`, `application/*+json`). */
  readonly jsonContentType: boolean;
  /** The idempotency key the handler will read, and whether it is 1-255 printable ASCII. */
  readonly idempotencyKey?: { readonly value: string; readonly valid: boolean };
}

/** Characters Node's HTTP client refuses in a header value (a server never sees them). */
const hasControl = (text: string): boolean =>
  [...text].some((ch) => {
    const code = ch.charCodeAt(0);
    return (code < 0x20 && code !== 0x09) || code === 0x7f;
  });
const hasNonAscii = (text: string): boolean => [...text].some((ch) => ch.charCodeAt(0) > 0x7f);

/** UTF-8 bytes as the latin1 string Node's HTTP client writes byte for byte. */
const asHeaderBytes = (value: string): string => Buffer.from(value, 'utf8').toString('latin1');

const ODD_UNICODE = [
  '\u{1F600}', // emoji (a surrogate pair in UTF-16)
  '\u200F', // right-to-left mark
  '\u202E', // right-to-left override
  '\u200B', // zero-width space
  '\uFEFF', // byte order mark
  '\u0301', // combining accent, alone
  'e\u0301',
  '\u0000',
  '\u2028',
];

const oddUnicode = fc.oneof(
  fc.constantFrom(...ODD_UNICODE),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }),
);

/** Percent-encodes any string, lone surrogates included (as the UTF-8 of U+FFFD would not be). */
function encodeSegment(value: string): string {
  return [...value]
    .map((ch) => {
      const code = ch.codePointAt(0) ?? 0;
      if (code >= 0xd800 && code <= 0xdfff) {
        // A lone surrogate has no UTF-8: send the bytes CESU-8 would, which no decoder accepts.
        return `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
      }
      return encodeURIComponent(ch);
    })
    .join('');
}

/** Path segments, already encoded for the request line. */
export function segmentArbitrary(jobNames: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...jobNames) },
    { weight: 2, arbitrary: fc.uuid() },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.uuid().map((id) => id.toUpperCase()),
        fc.uuid().map((id) => id.slice(0, -1)),
        fc.uuid().map((id) => `${id}0`),
        fc.uuid().map((id) => id.replaceAll('-', '')),
        fc.uuid().map((id) => `${id.slice(0, 8)}g${id.slice(9)}`),
        fc.uuid().map((id) => `${id}%00`),
        fc.uuid().map((id) => ` ${id}`.replace(' ', '%20')),
      ),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '..',
        '.',
        '%2e%2e',
        '%2F',
        'echo%2F..',
        '..%2F..%2Fetc%2Fpasswd',
        '%00',
        'echo%00',
        '%',
        '%zz',
        '%E0%A4%A',
        '%C0%AF',
        '%ED%A0%80',
        '%uD800',
        '%F0%9F%98%80',
        '%E2%80%8F',
        '%E2%80%8B',
        'ECHO',
        'echo%20',
        '__proto__',
        'constructor',
        'hasOwnProperty',
        'health',
        'jobs',
      ),
    },
    { weight: 2, arbitrary: oddUnicode.map(encodeSegment) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map(encodeSegment) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.integer({ min: 200, max: 2048 }),
          fc.constantFrom('a', '%', '%25', '%F0%9F%98%80', '%C3%A9', '..'),
        )
        // Already encoded; cutting at any length may leave a broken escape at the end, on purpose.
        .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length)),
    },
    { weight: 1, arbitrary: fc.constant('') },
  );
}

export function pathArbitrary(jobNames: readonly string[]): fc.Arbitrary<string> {
  const segment = segmentArbitrary(jobNames);
  return fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom('/health', '/health/', '/jobs', '/jobs/') },
    { weight: 8, arbitrary: segment.map((s) => `/jobs/${s}`) },
    { weight: 2, arbitrary: fc.tuple(segment, segment).map(([a, b]) => `/jobs/${a}/${b}`) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.constantFrom(
          '/',
          '/job',
          '/JOBS/echo',
          '/jobs/../health',
          '/jobs/./echo',
          '/jobs//echo',
          '//jobs/echo',
          '/health/x',
          '/jobs/echo/..',
          '/%6Aobs/echo',
          '/jobs%2Fecho',
          '/prod/jobs/echo',
          '/\\jobs/echo',
          '/jobs\\echo',
        ),
        segment.map((s) => `/${s}`),
        fc.tuple(segment, segment, segment).map(([a, b, c]) => `/${a}/${b}/${c}`),
      ),
    },
  );
}

const queryPart = fc.oneof(
  fc.string({ maxLength: 12 }).map(encodeSegment),
  oddUnicode.map(encodeSegment),
  fc.constantFrom(
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'nameOrId',
    'limit',
    'cursor',
    'status',
    'name',
    '-1',
    '1e400',
    '%',
    '%zz',
    '',
  ),
);

export const queryArbitrary: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constant('') },
  {
    weight: 3,
    arbitrary: fc
      .array(fc.tuple(queryPart, fc.option(queryPart, { nil: undefined })), { minLength: 1, maxLength: 4 })
      .map((pairs) => `?${pairs.map(([k, v]) => (v === undefined ? k : `${k}=${v}`)).join('&')}`),
  },
  { weight: 1, arbitrary: fc.constantFrom('?', '?&&', '?=', '?a=1&a=2&a=3', '?__proto__=x&__proto__=y') },
);

interface ContentType {
  readonly value: string | undefined;
  readonly json: boolean;
}

export const contentTypeArbitrary: fc.Arbitrary<ContentType> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'application/json;charset=UTF-8',
        'APPLICATION/JSON',
        'application/problem+json',
        'application/vnd.example.job+json; version=2',
        'application/json-patch+json',
      )
      .map((value) => ({ value, json: true })),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(
        'text/plain',
        'text/json',
        'application/jsonx',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'json',
        '',
        ';',
        '*/*',
      )
      .map((value) => ({ value, json: false })),
  },
  {
    weight: 1,
    arbitrary: fc
      .string({ maxLength: 40 })
      .filter((s) => !/json/i.test(s))
      .map((value) => ({ value: asHeaderBytes(value), json: false })),
  },
  { weight: 2, arbitrary: fc.constant({ value: undefined, json: false }) },
);

const printableAscii = (min: number, max: number) =>
  fc.string({
    unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
    minLength: min,
    maxLength: max,
  });

export const idempotencyKeyArbitrary: fc.Arbitrary<{ value: string; valid: boolean }> = fc.oneof(
  // A few fixed keys, so replays (200) and mismatches (422) happen too.
  {
    weight: 3,
    arbitrary: fc.constantFrom('k-1', 'k-2', '"k-1"', 'order 42').map((value) => ({ value, valid: true })),
  },
  {
    weight: 2,
    arbitrary: printableAscii(1, 64).map((value) => ({
      value,
      valid: !/^".*"$/.test(value) || value.length > 2,
    })),
  },
  {
    weight: 1,
    arbitrary: printableAscii(255, 255).map((value) => ({
      value,
      valid: !/^".*"$/.test(value) || value.length > 2,
    })),
  },
  {
    weight: 3,
    arbitrary: fc.oneof(
      fc.constantFrom('', '""', '"', ' ', 'a\tb').map((value) => ({ value, valid: value === '"' })),
      printableAscii(256, 300)
        .filter((value) => !/^".*"$/.test(value))
        .map((value) => ({ value, valid: false })),
      fc
        .tuple(
          printableAscii(0, 8),
          oddUnicode.filter((s) => hasNonAscii(s) && !hasControl(s)),
        )
        .map(([a, b]) => ({ value: asHeaderBytes(`${a}${b}`), valid: false })),
    ),
  },
);

/**
 * Valid input of each example job type (`lambdas/jobs/`). Sleeps and retries stay short: the
 * accepted jobs really run, and the system stops only once they have.
 */
const VALID_INPUT: Readonly<Record<string, fc.Arbitrary<unknown>>> = {
  echo: fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
  sleep: fc.record({ ms: fc.integer({ min: 0, max: 20 }) }),
  flaky: fc.record({ failTimes: fc.integer({ min: 0, max: 2 }) }),
  fail: fc.record({ permanent: fc.boolean() }),
};

/** JSON nested `depth` levels deep, in a few shapes. */
function nested(depth: number, shape: 'array' | 'object' | 'echo'): string {
  if (shape === 'array') return `${'['.repeat(depth)}${']'.repeat(depth)}`;
  if (shape === 'object') return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  return `{"a":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
}

/** Request bodies: valid input of each job type, schema failures, broken and hostile JSON. */
export function bodyArbitrary(maxBodyBytes: number): fc.Arbitrary<string> {
  const validInput = fc.oneof(...Object.values(VALID_INPUT));
  const schemaFailure = fc.oneof(
    fc.constantFrom(
      {},
      { ms: '5' },
      { ms: -1 },
      { ms: 1.5 },
      { ms: 600_001 },
      { ms: 1, extra: true },
      { failTimes: -1 },
      { failTimes: 101 },
      { failTimes: null },
      { failTimes: 1, ms: 1 },
      { permanent: 'true' },
      { permanent: 1 },
      { permanent: true, why: 'x' },
      [],
      [1, 2],
      'echo',
      42,
      true,
      null,
    ),
    fc.jsonValue({ maxDepth: 3 }),
  );
  const oddJson = fc.constantFrom(
    '{"permanent":true,"permanent":"no"}',
    '{"ms":1,"ms":2}',
    '{"a":1,"a":{"b":2}}',
    '{"ms":1e400}',
    '{"a":1e400,"b":-1e400,"c":1e-400}',
    '{"failTimes":1.0}',
    '{"failTimes":-0}',
    '{"ms":10E0}',
    '{"a":"\\ud800","\\udfff":"\\ud83d"}',
    '{"a":"\u{1F600}\u200F\u202E\u200B\uFEFF"}',
    '{"\u200B":"zero-width key","\u202E":"rtl"}',
    '{"a":"\\u0000","\\u0000":0}',
    '{"__proto__":{"x":1},"b":2}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    '{"__proto__":null}',
    '{"toString":1,"hasOwnProperty":2}',
    'null',
    '[]',
    '"a string"',
    '0',
    'true',
    ' {"a":1} ',
    '\n\t{"hello":"world"}\r\n',
  );
  const malformed = fc.oneof(
    fc.constantFrom(
      '{',
      '}',
      '{"a":}',
      "{'a':1}",
      '{"a":1,}',
      '[1,]',
      'NaN',
      'undefined',
      '\uFEFF{}',
      '{"a":1}garbage',
      '{"a":"\\x"}',
      '{"a":"unterminated',
      '{"a":01}',
      '{"a":.5}',
      '{"a":Infinity}',
      '{"a":"raw\u0001control"}',
    ),
    fc.string({ maxLength: 30 }).filter((s) => {
      try {
        JSON.parse(s);
        return false;
      } catch {
        return true;
      }
    }),
  );
  const deep = fc
    .tuple(
      fc.constantFrom(2, 32, 63, 64, 65, 100, 1_000, 2_000, 3_000, 3_500, 4_000, 10_000),
      fc.constantFrom('array' as const, 'object' as const, 'echo' as const),
    )
    .map(([depth, shape]) => nested(depth, shape));
  const huge = fc.oneof(
    // Exactly at the limit (accepted for echo), one byte over, and far over.
    fc.constantFrom(0, 1, 2, maxBodyBytes, 3 * maxBodyBytes).map((over) => {
      const filler = maxBodyBytes + over - '{"a":""}'.length;
      return `{"a":"${'x'.repeat(filler)}"}`;
    }),
    // Fewer characters than the limit, more bytes: the limit counts bytes.
    fc.constant(`{"a":"${'é'.repeat(Math.ceil(maxBodyBytes / 2))}"}`),
    fc.integer({ min: maxBodyBytes + 1, max: 4 * maxBodyBytes }).map((n) => 'x'.repeat(n)),
    // Under the limit as sent, over it once `1e20` is written out (21 digits) as it is stored.
    fc
      .tuple(
        fc.integer({ min: 1, max: Math.floor(maxBodyBytes / 5) - 4 }),
        fc.constantFrom('1e20', '1E2', '-1e20'),
      )
      .map(([count, number]) => `{"a":[${Array(count).fill(number).join(',')}]}`),
  );
  return fc.oneof(
    { weight: 6, arbitrary: validInput.map((v) => JSON.stringify(v)) },
    { weight: 3, arbitrary: schemaFailure.map((v) => JSON.stringify(v)) },
    { weight: 3, arbitrary: oddJson },
    { weight: 2, arbitrary: malformed },
    { weight: 2, arbitrary: deep },
    { weight: 2, arbitrary: huge },
    { weight: 2, arbitrary: fc.constant('') },
  );
}

const principalArbitrary = fc.oneof(
  fc.constantFrom('alice', 'bob', ' ', 'arn:aws:iam::111111111111:user/alice'),
  printableAscii(1, 200),
  // Past 2,048 bytes: more than an IAM ARN may be, and more than a DynamoDB index key may hold.
  fc
    .integer({ min: 2_040, max: 6_000 })
    .map((length) => `arn:aws:iam::111111111111:user/${'p'.repeat(length)}`),
  oddUnicode.filter((s) => !hasControl(s)).map(asHeaderBytes),
);

interface RequestParts {
  method: (typeof METHODS)[number];
  path: string;
  query: string;
  contentType: ContentType;
  key: { header: string; key: { value: string; valid: boolean } } | undefined;
  principal: string | undefined;
  oddHeader: string | undefined;
  body: string;
}

const PART_NAMES = [
  'method',
  'path',
  'query',
  'contentType',
  'key',
  'principal',
  'oddHeader',
  'body',
] as const satisfies readonly (keyof RequestParts)[];

export function requestArbitrary(options: {
  jobNames: readonly string[];
  maxBodyBytes: number;
}): fc.Arbitrary<GeneratedRequest> {
  const wild: fc.Arbitrary<RequestParts> = fc.record({
    method: fc.oneof({ weight: 4, arbitrary: fc.constant('POST' as const) }, fc.constantFrom(...METHODS)),
    path: pathArbitrary(options.jobNames),
    query: queryArbitrary,
    contentType: contentTypeArbitrary,
    key: fc.option(
      fc.record({
        header: fc.constantFrom('Idempotency-Key', 'X-Async-Request-Id'),
        key: idempotencyKeyArbitrary,
      }),
      { nil: undefined, freq: 3 },
    ),
    principal: fc.option(principalArbitrary, { nil: undefined }),
    oddHeader: fc.option(fc.constantFrom('__proto__', 'constructor', 'toString'), {
      nil: undefined,
      freq: 4,
    }),
    body: fc.option(bodyArbitrary(options.maxBodyBytes), { nil: '', freq: 8 }),
  });
  // A valid submission with at most one part swapped for a wild one: random parts alone would
  // rarely make a request the API accepts, or one that fails in exactly one way.
  const nearlyValid: fc.Arbitrary<RequestParts> = fc
    .tuple(
      fc.constantFrom(...options.jobNames).chain((name) =>
        fc.record({
          method: fc.constant('POST' as const),
          path: fc.constant(`/jobs/${name}`),
          query: fc.constant(''),
          contentType: fc.constantFrom(
            { value: 'application/json', json: true },
            { value: 'application/json; charset=utf-8', json: true },
          ),
          key: fc.option(
            fc.record({
              header: fc.constantFrom('Idempotency-Key', 'X-Async-Request-Id'),
              key: fc.constantFrom('k-1', 'k-2', '"k-3"').map((value) => ({ value, valid: true })),
            }),
            { nil: undefined },
          ),
          principal: fc.option(fc.constantFrom('alice', 'bob'), { nil: undefined }),
          oddHeader: fc.constant(undefined),
          body: (VALID_INPUT[name] ?? fc.constant({})).map((input) => JSON.stringify(input)),
        }),
      ),
      wild,
      fc.constantFrom(undefined, ...PART_NAMES),
    )
    .map(([valid, other, swapped]) => (swapped ? { ...valid, [swapped]: other[swapped] } : valid));

  return fc
    .oneof(wild, nearlyValid)
    .map(({ method, path, query, contentType, key, principal, oddHeader, body }) => {
      const headers: [string, string][] = [];
      if (contentType.value !== undefined) headers.push(['Content-Type', contentType.value]);
      if (key) headers.push([key.header, key.key.value]);
      if (principal !== undefined) headers.push(['X-Local-Principal', principal]);
      if (oddHeader) headers.push([oddHeader, 'x']);
      const request: GeneratedRequest = {
        method,
        path: `${path}${query}`,
        headers,
        body: Buffer.from(body, 'utf8'),
        jsonContentType: contentType.json,
        ...(key ? { idempotencyKey: key.key } : {}),
      };
      return Object.assign(request, { [fc.toStringMethod]: () => describeRequest(request) });
    });
}

/** A counterexample as fast-check prints it: long paths and bodies cut, so a failure stays readable. */
export function describeRequest(request: GeneratedRequest): string {
  const cut = (text: string, max: number) =>
    text.length <= max
      ? JSON.stringify(text)
      : `${JSON.stringify(text.slice(0, max))}... (${text.length} chars)`;
  const body = request.body.toString('utf8');
  return [
    `${request.method} ${cut(request.path, 300)}`,
    ...request.headers.map(([name, value]) => `  ${name}: ${cut(value, 120)}`),
    `  body: ${cut(body, 300)} (${request.body.byteLength} bytes)`,
  ].join('\n');
}
