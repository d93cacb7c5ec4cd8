import type { APIGatewayProxyEvent } from 'aws-lambda';

export const ALICE = 'arn:aws:iam::111111111111:user/alice';
export const BOB = 'arn:aws:iam::111111111111:user/bob';

interface ApiEventOptions {
  method?: string;
  path?: string;
  nameOrId?: string;
  body?: string | null;
  headers?: Record<string, string>;
  caller?: string | null;
  stage?: string;
}

/** An API Gateway REST (v1 proxy) event as the IAM-authorized routes receive it. */
export function apiEvent(options: ApiEventOptions = {}): APIGatewayProxyEvent {
  const nameOrId = options.nameOrId ?? 'echo';
  const path = options.path ?? `/jobs/${nameOrId}`;
  const stage = options.stage ?? 'prod';
  return {
    resource: '/jobs/{nameOrId}',
    path,
    httpMethod: options.method ?? 'POST',
    headers: options.headers ?? { 'Content-Type': 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { nameOrId },
    stageVariables: null,
    body: options.body === undefined ? '{"hello":"world"}' : options.body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '111111111111',
      apiId: 'api',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: options.method ?? 'POST',
      path: `/${stage}${path}`,
      stage,
      requestId: 'req-1',
      requestTimeEpoch: 0,
      resourceId: 'res',
      resourcePath: '/jobs/{nameOrId}',
      identity: {
        accessKey: null,
        accountId: '111111111111',
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '127.0.0.1',
        user: null,
        userAgent: 'test',
        userArn: options.caller === undefined ? ALICE : options.caller,
      },
    },
  } as APIGatewayProxyEvent;
}
