import { codecNamed } from './codecs.js';

/** An SQS message attribute as the AWS SDK v3 shapes it. */
export interface SqsMessageAttribute {
  DataType?: string;
  StringValue?: string;
  BinaryValue?: Uint8Array;
}

/** An SNS message attribute as SNS writes it into a notification envelope. */
export interface SnsMessageAttribute {
  Type: string;
  Value: string;
}

/** Either attribute form; readers accept both. */
export type AnyMessageAttribute = SqsMessageAttribute | SnsMessageAttribute;

/** Name of the message attribute that marks the payload encoding. */
export const ENCODING_ATTRIBUTE = 'mega-encoding';

/**
 * Payload encodings: built in, `json` and `bson` (base64) carry MEGA events or data; `text` and
 * `binary` carry raw payloads; any other name is a codec added with `registerCodec`.
 */
export type Encoding = 'json' | 'bson' | 'text' | 'binary' | (string & {});

/** The encodings that carry MEGA events and data objects: `json`, `bson`, or a registered object codec. */
export type ObjectEncoding = 'json' | 'bson' | (string & {});

/** The string value of attribute `name` in either form, or `undefined`. */
export function attributeString(
  attributes: Record<string, AnyMessageAttribute> | undefined,
  name: string,
): string | undefined {
  const attribute = attributes?.[name];
  if (attribute === undefined) return undefined;
  if ('Value' in attribute && typeof attribute.Value === 'string') return attribute.Value;
  const value = (attribute as SqsMessageAttribute).StringValue;
  return typeof value === 'string' ? value : undefined;
}

/** The encoding named by the `mega-encoding` attribute, or `undefined` when absent or not a registered codec. */
export function encodingMarker(
  attributes: Record<string, AnyMessageAttribute> | undefined,
): Encoding | undefined {
  const value = attributeString(attributes, ENCODING_ATTRIBUTE)?.toLowerCase();
  return value !== undefined && codecNamed(value) !== undefined ? value : undefined;
}
