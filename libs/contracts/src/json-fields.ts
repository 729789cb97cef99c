/**
 * Open-ended attribute bags (event properties, profile attributes) travel as JSON strings
 * inside Avro records. These parse them at the edge, once, into plain objects.
 */
export type JsonObject = { [key: string]: JsonValue };
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

export function parseJsonObject(text: string, field: string): JsonObject {
  const value: unknown = JSON.parse(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${field} must be a JSON object`);
  }
  return value as JsonObject;
}
