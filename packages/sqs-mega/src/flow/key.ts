import type { MessageContext } from '../listen/types.js';
import { FlowKeyError, FlowOptionError } from './errors.js';

/**
 * Where a flow-control key comes from:
 * - a dotted field path in the payload the handler receives (`'tenant'`, `'data.account.id'`);
 * - `{ attribute: 'tenant' }`: an SQS message attribute (its string value);
 * - a function of the payload and the context, returning the key (`undefined`: no key).
 * A message without a key (missing field or attribute, `undefined`) is not limited.
 */
export type KeySource =
  | string
  | { attribute: string }
  | ((payload: unknown, context: MessageContext) => string | number | undefined);

/** A key reader: the key of a message, `undefined` when it has none. @throws {@link FlowKeyError} */
export type KeyReader = (payload: unknown, context: MessageContext) => string | undefined;

/** Compiles a {@link KeySource}. @throws {@link FlowOptionError} for a source of the wrong shape. */
export function keyReader(option: string, source: KeySource): KeyReader {
  if (typeof source === 'function')
    return (payload, context) => {
      let key: unknown;
      try {
        key = source(payload, context);
      } catch (error) {
        throw new FlowKeyError(option, error);
      }
      if (key === undefined || key === null) return undefined;
      if (typeof key !== 'string' && typeof key !== 'number')
        throw new FlowKeyError(
          option,
          new TypeError(`the key must be a string or a number, got ${typeof key}`),
        );
      return String(key);
    };
  if (typeof source === 'string' && source.length > 0) {
    const path = source.split('.');
    return (payload) => {
      let value: unknown = payload;
      for (const part of path) {
        if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) return undefined;
        value = (value as Record<string, unknown>)[part];
      }
      return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
    };
  }
  if (source && typeof source === 'object' && typeof source.attribute === 'string' && source.attribute)
    return (_payload, context) => context.attributes[source.attribute]?.StringValue;
  throw new FlowOptionError(option, source, "a field path, { attribute: 'name' } or a function");
}
