/**
 * Action inputs and outputs in the shape of the SQS JSON 1.0 protocol (the AWS model's member names;
 * blobs as base64 strings). Both wire codecs produce and consume these shapes, so each action has one
 * implementation whatever protocol carried it. Inputs come from the network: every member is optional
 * and checked by the action.
 */

/** A message attribute value as it travels on the wire (`BinaryValue` in base64). */
export interface MessageAttributeValue {
  DataType?: string;
  StringValue?: string;
  BinaryValue?: string;
  StringListValues?: unknown;
  BinaryListValues?: unknown;
}

export type AttributeMap = Record<string, MessageAttributeValue>;

/** A received message, as `ReceiveMessage` returns it. */
export interface MessageOutput {
  MessageId: string;
  ReceiptHandle: string;
  MD5OfBody: string;
  Body: string;
  Attributes?: Record<string, string>;
  MD5OfMessageAttributes?: string;
  MessageAttributes?: AttributeMap;
}

/** A failed entry of a batch action. */
export interface BatchResultErrorEntry {
  Id: string;
  SenderFault: boolean;
  Code: string;
  Message: string;
}

/** What an action knows about the request that carried it. */
export interface RequestContext {
  /** Region from the SigV4 credential scope, else the broker's default. */
  region: string;
  /** `http://host:port` as the client addressed the broker; queue URLs are built on it. */
  origin: string;
  /** The caller's access key id when the request was signed; reported as `SenderId`. */
  accessKeyId?: string;
  /** Aborted when the client goes away before the answer (a long poll then stops, taking nothing). */
  signal?: AbortSignal;
  /** The request's `X-Amzn-Trace-Id` header (X-Ray), which SendMessage keeps as `AWSTraceHeader`. */
  traceHeader?: string;
}
