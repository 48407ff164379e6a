/**
 * The broker's one error type. Each error carries the AWS error code as the JSON protocol names it
 * (the model's shape name), the code the Query protocol and the `x-amzn-query-error` header use,
 * the HTTP status, and whether the sender is at fault — so both wire codecs render it exactly as AWS.
 */
export class AwsError extends Error {
  constructor(
    /** Error shape name, e.g. `QueueDoesNotExist`; the JSON `__type` is `<namespace>#<code>`. */
    readonly code: string,
    message: string,
    /** HTTP status, e.g. 400. */
    readonly status = 400,
    /** Code used by the Query protocol and the `x-amzn-query-error` header. */
    readonly queryCode = code,
    /** `Sender` (client's fault) or `Receiver` (server's fault). */
    readonly fault: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
    /**
     * The JSON `__type` shape name, where AWS's differs from `code` (SQS answers InvalidParameterValue
     * as `InvalidParameterValueException` over JSON). Default `code`.
     */
    readonly jsonType: string = code,
  ) {
    super(message);
    this.name = code;
  }
}

const SQS = 'AWS.SimpleQueueService.';

/** Factories for the SQS errors, with the codes and statuses AWS uses. */
export const sqsErrors = {
  queueDoesNotExist: () =>
    new AwsError(
      'QueueDoesNotExist',
      'The specified queue does not exist for this wsdl version.',
      400,
      `${SQS}NonExistentQueue`,
    ),
  queueNameExists: (name: string) =>
    new AwsError(
      'QueueNameExists',
      `A queue already exists with the same name and a different value for attribute(s): ${name}`,
      400,
      'QueueAlreadyExists',
    ),
  queueDeletedRecently: () =>
    new AwsError(
      'QueueDeletedRecently',
      'You must wait 60 seconds after deleting a queue before you can create another with the same name.',
      400,
      `${SQS}QueueDeletedRecently`,
    ),
  receiptHandleIsInvalid: (handle: string) =>
    new AwsError(
      'ReceiptHandleIsInvalid',
      `The input receipt handle "${truncate(handle)}" is not a valid receipt handle.`,
      404,
    ),
  messageNotInflight: () =>
    new AwsError(
      'MessageNotInflight',
      'The message referred to is not in flight.',
      400,
      `${SQS}MessageNotInflight`,
    ),
  purgeQueueInProgress: (name: string) =>
    new AwsError(
      'PurgeQueueInProgress',
      `Only one PurgeQueue operation on ${name} is allowed every 60 seconds.`,
      403,
      `${SQS}PurgeQueueInProgress`,
    ),
  overLimit: (message: string) => new AwsError('OverLimit', message, 403),
  tooManyEntries: (n: number) =>
    new AwsError(
      'TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are 10. You have sent ${n}.`,
      400,
      `${SQS}TooManyEntriesInBatchRequest`,
    ),
  emptyBatch: (field: string) =>
    new AwsError(
      'EmptyBatchRequest',
      `There should be at least one ${field} in the request.`,
      400,
      `${SQS}EmptyBatchRequest`,
    ),
  batchIdsNotDistinct: (id: string) =>
    new AwsError(
      'BatchEntryIdsNotDistinct',
      `Id ${truncate(id)} repeated.`,
      400,
      `${SQS}BatchEntryIdsNotDistinct`,
    ),
  invalidBatchEntryId: () =>
    new AwsError(
      'InvalidBatchEntryId',
      'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
      400,
      `${SQS}InvalidBatchEntryId`,
    ),
  batchRequestTooLong: (size: number, limit: number) =>
    new AwsError(
      'BatchRequestTooLong',
      `Batch requests cannot be longer than ${limit} bytes. You have sent ${size} bytes.`,
      400,
      `${SQS}BatchRequestTooLong`,
    ),
  invalidParameterValue: (message: string) =>
    new AwsError(
      'InvalidParameterValue',
      message,
      400,
      'InvalidParameterValue',
      'Sender',
      'InvalidParameterValueException',
    ),
  invalidAttributeName: (message: string) => new AwsError('InvalidAttributeName', message, 400),
  invalidAttributeValue: (message: string) => new AwsError('InvalidAttributeValue', message, 400),
  invalidMessageContents: (message: string) => new AwsError('InvalidMessageContents', message, 400),
  missingParameter: (name: string) =>
    new AwsError(
      'MissingParameter',
      `The request must contain the parameter ${name}.`,
      400,
      'MissingParameter',
      'Sender',
      'MissingRequiredParameterException',
    ),
  invalidAction: (action: string) =>
    new AwsError('InvalidAction', `The action ${truncate(action)} is not valid for this endpoint.`, 400),
  internal: (message = 'We encountered an internal error. Please try again.') =>
    new AwsError('InternalError', message, 500, 'InternalError', 'Receiver'),
  serviceUnavailable: (message: string) =>
    new AwsError('ServiceUnavailable', message, 503, 'ServiceUnavailable', 'Receiver'),
};

/** Factories for the SNS errors (API 2010-03-31), with the codes and statuses AWS uses. */
export const snsErrors = {
  /** `InvalidParameter`: SNS's messages start `Invalid parameter: `. */
  invalidParameter: (detail: string) => new AwsError('InvalidParameter', `Invalid parameter: ${detail}`, 400),
  /** `InvalidParameterValue` (Query code `ParameterValueInvalid`): bad message attributes. */
  invalidParameterValue: (message: string) =>
    new AwsError('InvalidParameterValue', message, 400, 'ParameterValueInvalid'),
  notFound: (what: 'Topic' | 'Subscription') => new AwsError('NotFound', `${what} does not exist`, 404),
  resourceNotFound: () => new AwsError('ResourceNotFound', 'Resource does not exist', 404),
  tagPolicy: (message: string) => new AwsError('TagPolicy', message, 400),
  /** `ValidationError`: request constraints (e.g. tag lengths) violated, one clause per violation. */
  validation: (violations: string[]) =>
    new AwsError(
      'ValidationError',
      `${violations.length} validation error${violations.length === 1 ? '' : 's'} detected: ${violations.join('; ')}`,
      400,
    ),
  /** `TagLimitExceeded`: more than 50 tags on a topic, with AWS's message. */
  tagLimitExceeded: () =>
    new AwsError('TagLimitExceeded', 'Could not complete request: tag quota of per resource exceeded', 400),
  tooManyEntries: (n: number) =>
    new AwsError(
      'TooManyEntriesInBatchRequest',
      `The batch request contains more entries than permissible (at most 10; you sent ${n}).`,
      400,
    ),
  emptyBatch: () => new AwsError('EmptyBatchRequest', "The batch request doesn't contain any entries.", 400),
  batchIdsNotDistinct: (id: string) =>
    new AwsError(
      'BatchEntryIdsNotDistinct',
      `Two or more batch entries in the request have the same Id: ${truncate(id)}.`,
      400,
    ),
  invalidBatchEntryId: () =>
    new AwsError(
      'InvalidBatchEntryId',
      "The Id of a batch entry in a batch request doesn't abide by the specification: up to 80 characters, alphanumeric, hyphens and underscores.",
      400,
    ),
  batchRequestTooLong: (size: number, limit: number) =>
    new AwsError(
      'BatchRequestTooLong',
      `The length of all the messages put together is more than the limit of ${limit} bytes; this batch is ${size} bytes.`,
      400,
    ),
  invalidAction: (action: string) =>
    new AwsError('InvalidAction', `The action ${truncate(action)} is not valid for this endpoint.`, 400),
};

/** Shortens user-supplied values echoed in error messages. */
export function truncate(value: string, max = 120): string {
  const s = String(value);
  return s.length > max ? `${s.slice(0, max)}...` : s;
}
