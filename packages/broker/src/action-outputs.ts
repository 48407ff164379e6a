/**
 * Action tables typed by the AWS SDK's outputs: each SQS and SNS action must return its command's
 * output as `@aws-sdk/client-sqs` / `@aws-sdk/client-sns` declare it (without `$metadata`), so a
 * field the SDK does not know, a misspelt one or one of the wrong type is a compile error rather
 * than a member a client silently never reads (or one the Query codec renders wrongly). Type-only:
 * nothing here exists at run time but {@link actionTable}, which returns its argument.
 */

/**
 * An SDK type as it travels in the broker's JSON-shaped outputs: blobs are base64 strings (the JSON
 * protocol has no other form, and the Query codec renders strings as they are), and every member is
 * optional at every depth, as it is on the wire (the SDK marks a few members required, such as a
 * batch's `Failed`, which AWS and the broker omit when empty); names and types as the SDK declares them.
 */
export type Wire<T> = T extends Uint8Array
  ? string
  : T extends readonly (infer E)[]
    ? Wire<E>[]
    : T extends object
      ? { [K in keyof T]?: Wire<T[K]> }
      : T;

/**
 * An action's output, from its SDK `*CommandOutput`: without `$metadata`, blobs as base64 strings.
 * An action without output members (DeleteQueue, Unsubscribe, ...) may only return an empty object.
 */
export type ActionOutput<CommandOutput> = [keyof Omit<CommandOutput, '$metadata'>] extends [never]
  ? Record<string, never>
  : Wire<Omit<CommandOutput, '$metadata'>>;

/**
 * The paths (`.Messages[].Bogus`) of the members `T` has and `S` does not, deeply; `never` when
 * there are none. TypeScript's assignability alone lets an extra member through (it checks excess
 * members only on an object literal written where the type is declared), and lets an index signature
 * (`Record<string, unknown>`) stand for any optional members whatever its values: an index signature
 * in `T` must hold values that `S`'s members take (else its path ends in `.*`), and is checked inside.
 */
export type UnknownFields<T, S, Path extends string = ''> = T extends readonly (infer E)[]
  ? NonNullable<S> extends readonly (infer SE)[]
    ? UnknownFields<E, SE, `${Path}[]`>
    : never
  : T extends object
    ? NonNullable<S> extends object
      ? {
          [K in keyof T & string]: string extends K
            ? [T[K]] extends [NonNullable<S>[keyof NonNullable<S>]]
              ? UnknownFields<T[K], NonNullable<S>[keyof NonNullable<S>], `${Path}.*`>
              : `${Path}.*`
            : K extends keyof NonNullable<S>
              ? UnknownFields<T[K], NonNullable<S>[K], `${Path}.${K}`>
              : `${Path}.${K}`;
        }[keyof T & string]
      : never
    : never;

/** An action: JSON-shaped input in, its output out (or an AwsError thrown). */
export type Action<State, Ctx, Input, Output> = (
  state: State,
  ctx: Ctx,
  input: Input,
) => Output | Promise<Output>;

/** One action per name of `Outputs` (action name → SDK `*CommandOutput`), each returning its output. */
export type ActionTable<State, Ctx, Input, Outputs> = {
  readonly [A in keyof Outputs]: Action<State, Ctx, Input, ActionOutput<Outputs[A]>>;
};

/**
 * `Table`, with every action that returns members its SDK output lacks (or, at a path ending in `.*`,
 * map values it cannot hold) replaced by an error message naming them.
 */
type Checked<Table, Outputs> = {
  [A in keyof Table]: A extends keyof Outputs
    ? Table[A] extends (...args: never[]) => infer R
      ? [UnknownFields<Awaited<R>, ActionOutput<Outputs[A]>>] extends [never]
        ? Table[A]
        : {
            'returns members its SDK output does not have': UnknownFields<
              Awaited<R>,
              ActionOutput<Outputs[A]>
            >;
          }
      : never
    : never;
};

/**
 * Declares an action table: `actionTable<State, Ctx, Input, Outputs>()({ Name: handler, ... })`. A compile error when a
 * name of `Outputs` has no handler, a handler has no name in `Outputs`, or a handler's output is not
 * its SDK output (a member of the wrong type, or one the SDK does not have, at any depth).
 */
export function actionTable<State, Ctx, Input, Outputs>() {
  return <Table extends ActionTable<State, Ctx, Input, Outputs>>(
    table: Table & Checked<Table, Outputs>,
  ): ActionTable<State, Ctx, Input, Outputs> => table;
}
