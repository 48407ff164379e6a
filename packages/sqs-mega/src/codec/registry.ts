/**
 * The payload codecs, by the name the `mega-encoding` marker carries. A new payload format is one
 * file: a {@link PayloadCodec} passed to {@link registerCodec}; the encoder, the decoder and the
 * publishers find it here.
 */
export interface PayloadCodec {
  /** The marker value (`mega-encoding`), lower case, e.g. `json`. */
  readonly name: string;
  /**
   * `objects`: carries MEGA events and data objects (decoded values go through the MEGA reader);
   * `text`/`binary`: carries raw payloads (decoded to a string, or to bytes).
   */
  readonly carries: 'objects' | 'text' | 'binary';
  /** Why a body marked with this codec does not decode, e.g. `body is not valid JSON`. */
  readonly mismatch: string;
  /**
   * Encodes a payload to a message body.
   * @throws {@link CodecError} when the codec cannot carry the payload.
   */
  encode(payload: unknown): string;
  /** Decodes a body: the value (a string for `text`, a `Uint8Array` for `binary`), or `undefined` when it does not fit. */
  decode(body: string): unknown;
}

const codecs = new Map<string, PayloadCodec>();

/** Registers (or replaces) a codec under its name, lower-cased. */
export function registerCodec(codec: PayloadCodec): void {
  codecs.set(codec.name.toLowerCase(), codec);
}

/** The codec registered under `name` (case-insensitive), or `undefined`. */
export function codecNamed(name: string): PayloadCodec | undefined {
  return codecs.get(name.toLowerCase());
}
