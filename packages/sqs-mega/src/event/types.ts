/** A JSON-like object: the shape of data objects, attributes, object states and `extra`. */
export type JsonObject = { [key: string]: unknown };

/** The `event` section of a MEGA event. */
export interface MegaEventInfo {
  /** Lower-case alphanumerics, `.`, `-` and `_`, namespaced, e.g. `shopping_cart.item.added`. */
  name: string;
  /** ISO-8601 instant; UTC when no zone is given. */
  timestamp: string;
  /** Event schema version, an integer ≥ 1 (default 1). */
  version: number;
  /** Business domain, e.g. `user`. */
  domain?: string;
  /** Usually an entity id. */
  subject?: string;
  /** Name of the publishing service. */
  publisher?: string;
  /** Application attributes, used for matching. Unknown `event.*` keys are merged in here. */
  attributes: JsonObject;
}

/** The `object` section of a MEGA event: the entity the event is about. */
export interface MegaObjectInfo {
  /** Entity state after the event. */
  current?: JsonObject;
  /** Entity state before the event. */
  previous?: JsonObject;
  id?: string;
  type?: string;
  /** Object schema version, an integer ≥ 1 (default 1), independent of the event's. */
  version: number;
}

/**
 * A MEGA payload, protocol `mega` version 1, as read or built (defaults filled in): the wrapper
 * `{ protocol, version, event, object?, extra? }`. What an event subscriber's handler receives, so the
 * event's own fields are one level down: `(payload: MegaPayload) => payload.event.subject`.
 */
export interface MegaPayload {
  protocol: 'mega';
  version: 1;
  event: MegaEventInfo;
  object?: MegaObjectInfo;
  /** Free-form metadata. */
  extra?: JsonObject;
}

/**
 * The old name of {@link MegaPayload}, the whole wrapper (not the `event` section, which is
 * {@link MegaEventInfo}): `(e: MegaEvent) => e.subject` is a type error, `e.event.subject` is right.
 * @deprecated Use {@link MegaPayload} (same type); kept so existing code compiles.
 */
export type MegaEvent = MegaPayload;

/** What {@link createMegaEvent} accepts: `name` is required, everything else has a default. */
export interface MegaEventInput {
  name: string;
  /** A `Date` or an ISO-8601 string; default: now, in UTC. */
  timestamp?: string | Date;
  /** Default 1. */
  version?: number;
  domain?: string;
  subject?: string;
  publisher?: string;
  attributes?: JsonObject;
  object?: Partial<MegaObjectInfo>;
  extra?: JsonObject;
}
