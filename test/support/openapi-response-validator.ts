/**
 * Checks HTTP responses against the OpenAPI document: the status is documented for the
 * operation, the Content-Type is the documented media type, required headers are present, the
 * documented headers that are present match their schemas, and the body matches the schema
 * (ajv, JSON Schema 2020-12, with formats). Requests to no documented operation (an unknown
 * route, a wrong method) must be answered with a problem document.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { JsonObject, OpenApiDocument } from '../../openapi/document';

/** One request/response pair, as a client saw it. */
export interface Exchange {
  readonly method: string;
  /** The request path and query, relative to the API's base URL. */
  readonly path: string;
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

/** Finds what is wrong with an exchange: an empty list when it matches the document. */
export type ResponseValidator = (exchange: Exchange) => string[];

const DOCUMENT_ID = 'openapi.json';

export function openApiResponseValidator(document: OpenApiDocument): ResponseValidator {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  // The whole document under one id, so every `#/components/...` reference resolves in it.
  ajv.addSchema(document as unknown as JsonObject, DOCUMENT_ID);
  const compiled = new Map<string, ValidateFunction>();
  const validatorAt = (pointer: string): ValidateFunction => {
    let validate = compiled.get(pointer);
    if (!validate) {
      validate = ajv.compile({ $ref: `${DOCUMENT_ID}#${pointer}` });
      compiled.set(pointer, validate);
    }
    return validate;
  };
  // Concrete paths (`/jobs/echo`) match before templated ones (`/jobs/{nameOrId}`), as OpenAPI says.
  const templates = Object.keys(document.paths)
    .map((template) => ({
      template,
      concrete: !template.includes('{'),
      pattern: new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`),
    }))
    .sort((a, b) => Number(b.concrete) - Number(a.concrete));

  return (exchange) => {
    const problems: string[] = [];
    const where = `${exchange.method} ${exchange.path} -> ${exchange.status}`;
    const pathname = exchange.path.split('?')[0] ?? '';
    const match = templates.find(({ pattern }) => pattern.test(pathname));
    const method = exchange.method.toLowerCase();
    const operation = match ? document.paths[match.template]?.[method] : undefined;
    const contentType = (exchange.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    if (!match || !operation) {
      // No such operation: the answer must still be a problem document.
      const pointer = '/components/schemas/Problem';
      checkBody(problems, where, exchange.body, validatorAt(pointer));
      if (contentType !== 'application/problem+json') {
        problems.push(`${where}: Content-Type ${contentType} (an undocumented route must answer a problem)`);
      }
      return problems;
    }
    const responses = operation.responses as Record<string, JsonObject>;
    const response = responses[String(exchange.status)];
    if (!response) {
      problems.push(
        `${where}: status ${exchange.status} is not documented for ${method.toUpperCase()} ${match.template} (documented: ${Object.keys(responses).join(', ')})`,
      );
      return problems;
    }
    const content = response.content as Record<string, JsonObject>;
    const mediaTypes = Object.keys(content);
    if (!mediaTypes.includes(contentType)) {
      problems.push(
        `${where}: Content-Type ${contentType || '(none)'}, documented: ${mediaTypes.join(', ')}`,
      );
    }
    for (const [name, declared] of Object.entries((response.headers ?? {}) as Record<string, JsonObject>)) {
      const header = resolveHeader(document, declared);
      const value = exchange.headers.get(name);
      if (value === null) {
        if (header.required === true) problems.push(`${where}: required header ${name} is missing`);
      } else if (header.schema && !ajv.validate(header.schema as JsonObject, value)) {
        problems.push(
          `${where}: header ${name}: ${JSON.stringify(value)} ${ajv.errorsText(ajv.errors, { dataVar: 'value' })}`,
        );
      }
    }
    const escaped = match.template.replaceAll('~', '~0').replaceAll('/', '~1');
    const mediaType = (mediaTypes.includes(contentType) ? contentType : (mediaTypes[0] ?? '')).replaceAll(
      '/',
      '~1',
    );
    checkBody(
      problems,
      where,
      exchange.body,
      validatorAt(`/paths/${escaped}/${method}/responses/${exchange.status}/content/${mediaType}/schema`),
    );
    return problems;
  };
}

/** A response's Header Object, following a `#/components/headers/...` reference. */
function resolveHeader(document: OpenApiDocument, header: JsonObject): JsonObject {
  const ref = typeof header.$ref === 'string' ? header.$ref : undefined;
  if (!ref) return header;
  const resolved = document.components.headers[ref.replace('#/components/headers/', '')];
  if (!resolved) throw new Error(`Unresolved header reference ${ref}`);
  return resolved;
}

function checkBody(problems: string[], where: string, text: string, validate: ValidateFunction): void {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    problems.push(`${where}: the body is not JSON: ${text.slice(0, 200)}`);
    return;
  }
  if (!validate(body)) {
    const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    problems.push(`${where}: the body does not match the schema: ${errors}; body: ${text.slice(0, 500)}`);
  }
}
