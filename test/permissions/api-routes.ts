/**
 * The REST API's routes as the template defines them: each `AWS::ApiGateway::Method` with its
 * path (walked up its `AWS::ApiGateway::Resource` parents), authorization, the function its
 * Lambda proxy integration invokes, and the execute-api ARN of a request to it.
 */
import type { TemplateResolver } from './template-resolver';

/** One method of the REST API. */
export interface ApiRoute {
  readonly method: string;
  /** e.g. `/jobs/{nameOrId}/retry` */
  readonly path: string;
  readonly authorization: string;
  /** The invoked function's ARN, for a Lambda proxy integration. */
  readonly functionArn?: string;
  /** `arn:aws:execute-api:<region>:<account>:<api-id>/<stage>/<METHOD>/<path, variables filled in>` */
  readonly executeApiArn: string;
}

/** What a path variable is filled with in a sample request. */
const SAMPLE_PATH_VALUE = 'echo';

/**
 * Every method of every REST API in the template, on its API's (one) stage.
 * @throws Error when an API has no stage, or several
 */
export function apiRoutes(resolver: TemplateResolver): ApiRoute[] {
  const resources = resolver.template.Resources;
  const stageOf = (apiId: string) => {
    const stages = Object.values(resources).filter(
      (r) =>
        r.Type === 'AWS::ApiGateway::Stage' &&
        (r.Properties?.RestApiId as { Ref?: string } | undefined)?.Ref === apiId,
    );
    if (stages.length !== 1) throw new Error(`REST API ${apiId} has ${stages.length} stages; expected one`);
    return resolver.string(stages[0]?.Properties?.StageName);
  };
  const pathOf = (resourceId: unknown): string => {
    const ref = (resourceId as { Ref?: string }).Ref;
    if (!ref) return ''; // Fn::GetAtt [api, RootResourceId]: the root
    const props = resolver.resource(ref).Properties ?? {};
    return `${pathOf(props.ParentId)}/${String(props.PathPart)}`;
  };
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::ApiGateway::Method')
    .map((r) => {
      const props = r.Properties ?? {};
      const apiLogicalId = String((props.RestApiId as { Ref?: string }).Ref);
      const method = String(props.HttpMethod);
      const path = pathOf(props.ResourceId) || '/';
      const integration = (props.Integration ?? {}) as { Type?: string; Uri?: unknown };
      const uri = integration.Type === 'AWS_PROXY' ? resolver.string(integration.Uri) : '';
      const functionArn = /\/functions\/(.+)\/invocations$/.exec(uri)?.[1];
      const requestPath = path.replace(/\{[^}]+\}/g, SAMPLE_PATH_VALUE).replace(/^\//, '');
      return {
        method,
        path,
        authorization: String(props.AuthorizationType ?? 'NONE'),
        ...(functionArn ? { functionArn } : {}),
        executeApiArn:
          `arn:${resolver.partition}:execute-api:${resolver.region}:${resolver.account}:` +
          `${resolver.ref(apiLogicalId)}/${stageOf(apiLogicalId)}/${method}/${requestPath}`,
      };
    });
}
