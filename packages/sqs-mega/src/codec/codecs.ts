import { bsonCodec } from './formats/bson.js';
import { jsonCodec } from './formats/json.js';
import { binaryCodec, textCodec } from './formats/raw.js';
import { registerCodec } from './registry.js';

// The built-in codecs, registered once by whoever encodes or decodes.
for (const codec of [jsonCodec, bsonCodec, textCodec, binaryCodec]) registerCodec(codec);

export { codecNamed, type PayloadCodec, registerCodec } from './registry.js';
