import { InvalidInputError } from './errors';
import type { InputSchema } from './job-type';

/**
 * Parses `value` with the job type's schema.
 * @throws InvalidInputError naming each offending field (`$` is the body itself)
 */
export function validateInput<T>(schema: InputSchema<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    path: ['$', ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const first = issues[0];
  const summary = first ? `${first.path}: ${first.message}` : 'the input does not match the job type';
  throw new InvalidInputError(`Invalid job input (${summary})`, issues);
}
