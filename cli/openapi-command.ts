/** `async-endpoints openapi`: prints the API's OpenAPI 3.1 document (no API call). */
import { jobTypes } from '../lambdas/jobs/catalog';
import { buildOpenApiDocument } from '../openapi/document';
import { positionalArgs } from './command';
import { ExitCode } from './exit-codes';
import type { CliCommand } from './io';
import { flag, parseCommandArgs, stringOption } from './options';
import { UsageError } from './usage-error';

const USAGE = `Usage: async-endpoints openapi [--url <API base URL>] [--with-api-key]

Prints the OpenAPI 3.1 document of this repository's API (routes, job inputs, problems), generated
from the route table and the zod schemas. --url names the server in it (default: the execute-api
URL template); --with-api-key documents the x-api-key header the job routes take on a stage with
apiKeys.enabled.`;

/** Runs `openapi`. */
export const runOpenApiCommand: CliCommand = async (argv, io) => {
  try {
    const { values, positionals } = parseCommandArgs(argv, { 'with-api-key': { type: 'boolean' } });
    if (values.help) {
      io.out(USAGE);
      return ExitCode.Ok;
    }
    positionalArgs(positionals, 0);
    const serverUrl = stringOption(values, 'url');
    const document = buildOpenApiDocument({
      jobTypes,
      apiKeys: flag(values, 'with-api-key'),
      ...(serverUrl ? { serverUrl } : {}),
    });
    io.out(JSON.stringify(document, null, 2));
    return ExitCode.Ok;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`${error.message}\n${USAGE}`);
    return ExitCode.Usage;
  }
};
