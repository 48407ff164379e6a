/**
 * The per-action schema format of the Query codec: which members of an action's JSON-shaped input
 * and output are lists, maps, integers, booleans, blobs or nested structures, and their Query/XML
 * names where those differ from the JSON member names.
 *
 * Names follow the AWS Query protocol (awsQuery) rules:
 * - a struct member is `Name` in the form (`Prefix.Name`) and `<Name>` in XML;
 * - a list is `Name.member.N` / `<Name><member>…</member></Name>`, or, when `flat` is set,
 *   `Flat.N` / repeated `<Flat>…</Flat>` elements (SQS flattens every list);
 * - a map is `Name.entry.N.key`/`.value` / `<Name><entry><key/><value/></entry></Name>`, or, when
 *   `flat` is set, `Flat.N.key` / repeated `<Flat><key/><value/></Flat>`; `key`/`value` rename the
 *   key and value elements (SQS uses `Name`/`Value` or `Key`/`Value`).
 */
export type Shape = Scalar | ListShape | MapShape | StructShape;

/**
 * Scalars. `integer` covers every whole-number type (int and long): valid integers decode to numbers.
 * `boolean` decodes `true`/`false`. `blob` stays a base64 string in both directions (a `Uint8Array`
 * output is base64-encoded). Anything that does not parse stays the original string, so that the
 * action's validation can name the field.
 */
export type Scalar = 'string' | 'integer' | 'boolean' | 'blob';

/** A list. `flat`: flattened, with this element name instead of the member name (`Flat.N`). */
export interface ListShape {
  readonly list: Shape;
  readonly flat?: string;
  /** Element name of a non-flattened list; default `member`. */
  readonly member?: string;
}

/** A string-keyed map. `flat`: flattened, with this entry name instead of the member name. */
export interface MapShape {
  readonly map: Shape;
  readonly flat?: string;
  /** Name of the key element; default `key`. */
  readonly key?: string;
  /** Name of the value element; default `value`. */
  readonly value?: string;
}

/** A structure: JSON member name → shape. Members are rendered in this order. */
export interface StructShape {
  readonly struct: Members;
}

/** Members of a structure, keyed by their JSON (model) name. */
export type Members = Readonly<Record<string, Shape>>;

/** One action: its input members, and its output members (absent: the response has no Result element). */
export interface ActionSchema {
  readonly input?: Members;
  readonly output?: Members;
}

/**
 * The kind of shape a member of type `T` (JSON-shaped, blobs as strings) takes: a list for an array,
 * a scalar for a scalar, a map or a structure for an object (a union-keyed record is a map on the
 * wire); none for `never` (the members of an action without output).
 */
export type ShapeFor<T> = [T] extends [never]
  ? never
  : [NonNullable<T>] extends [readonly unknown[]]
    ? ListShape
    : [NonNullable<T>] extends [string]
      ? 'string' | 'blob'
      : [NonNullable<T>] extends [number]
        ? 'integer'
        : [NonNullable<T>] extends [boolean]
          ? 'boolean'
          : MapShape | StructShape;

/**
 * The schemas of exactly the actions of `Outputs` (action name → JSON-shaped output), each output
 * describing every member of its action's output with a shape of that member's kind: the codec
 * renders a list, map or number only from its schema, so a member missing here would be dropped.
 */
export type ActionSchemasFor<Outputs> = {
  readonly [A in keyof Outputs]: {
    readonly input?: Members;
    readonly output?: { readonly [K in keyof Outputs[A]]-?: ShapeFor<Outputs[A][K]> };
  };
};

/** One Query service: XML namespace and its actions. */
export interface ServiceSchema {
  /** XML namespace of responses and errors, e.g. `http://queue.amazonaws.com/doc/2012-11-05/`. */
  readonly xmlns: string;
  readonly actions: Readonly<Record<string, ActionSchema>>;
}

/** A list shape; `flat` names the repeated element of a flattened list. */
export const list = (member: Shape, flat?: string): ListShape =>
  flat === undefined ? { list: member } : { list: member, flat };

/** A map shape with key/value element names; `flat` names the repeated entry of a flattened map. */
export const map = (value: Shape, key = 'key', valueName = 'value', flat?: string): MapShape =>
  flat === undefined ? { map: value, key, value: valueName } : { map: value, key, value: valueName, flat };

/** A structure shape. */
export const struct = (members: Members): StructShape => ({ struct: members });
