/**
 * How the client authenticates a request: SigV4 for a deployed API (IAM authorization, service
 * `execute-api`), or the local mode's `X-Local-Principal` header.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** A request about to be sent. */
export interface OutgoingRequest {
  readonly method: string;
  readonly url: URL;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** Returns the headers to send: the request's own plus whatever authenticates it. */
export type RequestAuthenticator = (request: OutgoingRequest) => Promise<Record<string, string>>;

/** Options of {@link sigV4Authenticator}. */
export interface SigV4Options {
  /** The API's Region. */
  readonly region: string;
  /**
   * @default the standard AWS credential chain (`fromNodeProviderChain`: environment, SSO,
   *   shared config and credentials files, web identity, container and instance metadata)
   */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** @default 'execute-api' */
  readonly service?: string;
  /** Test seam: the signing time. @default now */
  readonly now?: () => Date;
}

/**
 * Signs each request with AWS Signature Version 4.
 * @example
 * const auth = sigV4Authenticator({ region: 'eu-west-1' });
 */
export function sigV4Authenticator(options: SigV4Options): RequestAuthenticator {
  const signer = new SignatureV4({
    service: options.service ?? 'execute-api',
    region: options.region,
    credentials: options.credentials ?? lazyDefaultCredentials(),
    sha256: Sha256,
    // No x-amz-content-sha256 header: API Gateway does not need it (S3 does); the payload is
    // still part of the signature.
    applyChecksum: false,
  });
  return async (request) => {
    const query: Record<string, string | string[]> = {};
    for (const [name, value] of request.url.searchParams) {
      const seen = query[name];
      query[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
    }
    const signed = await signer.sign(
      {
        method: request.method,
        protocol: request.url.protocol,
        hostname: request.url.hostname,
        ...(request.url.port ? { port: Number(request.url.port) } : {}),
        path: request.url.pathname,
        query,
        headers: { ...request.headers, host: request.url.host },
        ...(request.body !== undefined ? { body: request.body } : {}),
      },
      options.now ? { signingDate: options.now() } : {},
    );
    // fetch writes Host from the URL itself (the same value that was signed).
    const { host: _host, ...headers } = signed.headers;
    return headers;
  };
}

/**
 * The local mode's admin principal (`local-admin`): the same default as the local server's
 * `DEFAULT_LOCAL_ADMIN_PRINCIPAL` (local/api-gateway-event.ts), which the client does not import.
 */
export const LOCAL_ADMIN_PRINCIPAL = 'local-admin';

/** The environment variable both the local server and this client read the admin principal from. */
export const LOCAL_ADMIN_ENV = 'ASYNC_ENDPOINTS_LOCAL_ADMIN';

/**
 * Names the caller to the local mode (`npm start`), which trusts this header instead of SigV4.
 * Requests to the admin routes (a path with an `admin` segment) name the admin principal, as a
 * deployed admin signs them with a role that holds the admin grant.
 * @param principal the caller's identity @default the local mode's default principal
 * @param adminPrincipal the caller of admin routes @default `ASYNC_ENDPOINTS_LOCAL_ADMIN`, else `local-admin`
 */
export function localAuthenticator(principal?: string, adminPrincipal?: string): RequestAuthenticator {
  return async (request) => {
    const admin = /\/admin\//.test(request.url.pathname);
    const caller = admin
      ? adminPrincipal || process.env[LOCAL_ADMIN_ENV]?.trim() || LOCAL_ADMIN_PRINCIPAL
      : principal;
    return { ...request.headers, ...(caller ? { 'x-local-principal': caller } : {}) };
  };
}

/** The Region in an execute-api URL (`https://abc.execute-api.eu-west-1.amazonaws.com/prod/`). */
export function regionFromUrl(url: URL): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(url.hostname)?.[1];
}

/** True for loopback hosts, where the local mode runs. */
export function isLoopback(url: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) || url.hostname.endsWith('.localhost');
}

/** The credential chain, loaded on first use: a client for the local mode never pays for it. */
function lazyDefaultCredentials(): AwsCredentialIdentityProvider {
  let provider: AwsCredentialIdentityProvider | undefined;
  return async () => {
    provider ??= (await import('@aws-sdk/credential-providers')).fromNodeProviderChain();
    return provider();
  };
}
