// The generated model serializer of @kubernetes/client-node knows every field of every built-in type: a payload
// that survives deserialize -> serialize unchanged uses only real field names.
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** Timestamps compared as instants: the models hold Dates, which drop sub-millisecond digits. */
function normalise(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' && TIMESTAMP.test(v) ? Date.parse(v) : v)));
}

export function throughClientModels(payload: unknown, type: string): { original: unknown; roundTripped: unknown } {
  const model = ObjectSerializer.deserialize(JSON.parse(JSON.stringify(payload)), type, '');
  return { original: normalise(payload), roundTripped: normalise(ObjectSerializer.serialize(model, type, '')) };
}
