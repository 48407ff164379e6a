/**
 * The AWS Query protocol codec: form-encoded requests → JSON-shaped action input; JSON-shaped
 * action output → XML response; errors → XML error response. Table-driven: each service's actions
 * are described by a {@link ServiceSchema} (see `schema.ts`), so one action implementation serves
 * both the JSON 1.0 and the Query protocol.
 */
import { decodeParams } from './decode.js';
import { encodeMembers, encodeScalars } from './encode.js';
import type { ServiceSchema } from './schema.js';
import { snsSchema } from './schema-sns.js';
import { sqsSchema } from './schema-sqs.js';
import { escapeXml } from './xml.js';

export type {
  ActionSchema,
  ListShape,
  MapShape,
  Members,
  Scalar,
  ServiceSchema,
  Shape,
  StructShape,
} from './schema.js';
export { snsSchema } from './schema-sns.js';
export { sqsSchema } from './schema-sqs.js';

/** A service that speaks the Query protocol. */
export type QueryService = 'sqs' | 'sns';

const ACTION_NAME = /^[A-Za-z][A-Za-z0-9]{0,99}$/;

const schemas: Readonly<Record<QueryService, ServiceSchema>> = { sqs: sqsSchema, sns: snsSchema };

/** The schema of `action`, if the service knows it (own properties only: `action` is user input). */
function actionSchema(service: QueryService, action: string) {
  const actions = schemas[service].actions;
  return Object.hasOwn(actions, action) ? actions[action] : undefined;
}

/**
 * Form parameters (from a POST body or a GET query string) → the JSON-shaped input of `action`.
 * Never throws for odd input: unknown parameters are ignored; integers and booleans that do not
 * parse stay strings (for the action's validation to reject, naming the field); an unknown action
 * gives every top-level parameter except `Action`, `Version` and the signature's as a string.
 */
export function decodeQueryInput(
  service: QueryService,
  action: string,
  params: URLSearchParams,
): Record<string, unknown> {
  const schema = actionSchema(service, action);
  return decodeParams(schema === undefined ? undefined : (schema.input ?? {}), params);
}

/**
 * JSON-shaped output → the full XML response document:
 * `<XResponse xmlns=…><XResult>…</XResult><ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></XResponse>`.
 * Actions without output members have no Result element, as on AWS. Undefined and null members are
 * omitted; flattened lists and maps that are empty render as no elements.
 */
export function encodeQueryOutput(
  service: QueryService,
  action: string,
  output: Record<string, unknown> | undefined,
  requestId: string,
): string {
  const schema = actionSchema(service, action);
  // The action name comes from the request: only a plain name may become an element name.
  const name = schema !== undefined || ACTION_NAME.test(action) ? action : 'Unknown';
  let result = '';
  if (schema?.output !== undefined) {
    const body = output === undefined ? '' : encodeMembers(schema.output, output);
    result = body === '' ? `<${name}Result/>` : `<${name}Result>${body}</${name}Result>`;
  } else if (schema === undefined && output !== undefined) {
    const body = encodeScalars(output);
    if (body !== '') result = `<${name}Result>${body}</${name}Result>`;
  }
  return `<${name}Response xmlns="${schemas[service].xmlns}">${result}<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${name}Response>`;
}

/**
 * An error → `<ErrorResponse xmlns=…><Error><Type>Sender|Receiver</Type><Code>…</Code><Message>…</Message><Detail/></Error><RequestId>…</RequestId></ErrorResponse>`.
 * `queryCode` is the Query protocol's code (e.g. `AWS.SimpleQueueService.NonExistentQueue`).
 */
export function encodeQueryError(
  service: QueryService,
  error: { queryCode: string; fault: 'Sender' | 'Receiver'; message: string },
  requestId: string,
): string {
  return `<ErrorResponse xmlns="${schemas[service].xmlns}"><Error><Type>${error.fault}</Type><Code>${escapeXml(error.queryCode)}</Code><Message>${escapeXml(error.message)}</Message><Detail/></Error><RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`;
}
