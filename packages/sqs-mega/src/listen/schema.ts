import type { StandardSchemaV1 } from '@standard-schema/spec';
import { FatalError } from './errors.js';
import type { Handler } from './types.js';

/** One validation issue: where (a dotted path, empty for the root) and what. */
export interface SchemaIssue {
  path: string;
  message: string;
}

/**
 * A payload failed a Standard Schema (zod, valibot, arktype, …). In a listener it is a poison
 * message: never retried, never handed to the handler, moved to the dead-letter queue with the
 * issues in its `mega-dead-letter-reason` attribute and in the log. From a publisher, nothing is sent.
 */
export class SchemaValidationError extends FatalError {
  override name = 'SchemaValidationError';
  constructor(
    /** Where the payload was validated, e.g. `subscriber orders` or `publish`. */
    readonly where: string,
    readonly issues: readonly SchemaIssue[],
  ) {
    super(
      `${where}: payload failed its schema: ${issues
        .slice(0, 10)
        .map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))
        .join('; ')}${issues.length > 10 ? `; and ${issues.length - 10} more` : ''}`,
    );
  }
}

/** Validates `value` against a Standard Schema; resolves with the schema's output or throws {@link SchemaValidationError}. */
export async function validateWithSchema<S extends StandardSchemaV1>(
  schema: S,
  value: unknown,
  where: string,
): Promise<StandardSchemaV1.InferOutput<S>> {
  let result = schema['~standard'].validate(value);
  if (result instanceof Promise) result = await result;
  if (result.issues) throw new SchemaValidationError(where, result.issues.map(toIssue));
  return result.value as StandardSchemaV1.InferOutput<S>;
}

/** Wraps `run` so that it only ever sees payloads `schema` accepts (its output, transforms applied). */
export function withSchema(schema: StandardSchemaV1 | undefined, run: Handler, subscriber: string): Handler {
  if (!schema) return run;
  return async (payload, context) =>
    run(await validateWithSchema(schema, payload, `subscriber ${subscriber}`), context);
}

function toIssue(issue: StandardSchemaV1.Issue): SchemaIssue {
  const path = (issue.path ?? [])
    .map((p) => (typeof p === 'object' && p !== null && 'key' in p ? p.key : p))
    .map(String)
    .join('.');
  return { path, message: issue.message };
}
