/** Given every file's schema, returns a function resolving one of them (see schema-resolver.mjs). */
export function schemaResolver(schemas: readonly object[]): (schema: object) => object;
