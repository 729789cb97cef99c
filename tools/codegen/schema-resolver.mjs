// Resolves named-type references across our .avsc files: a record defined in one file (e.g.
// CustomerEvent) is inlined where another file refers to it by name, once per schema (Avro
// forbids redefinition), so every topic's registered schema is self-contained.
const fullName = (s) => (s.name.includes('.') || !s.namespace ? s.name : `${s.namespace}.${s.name}`);

/** Given every file's schema, returns a function resolving one of them. */
export function schemaResolver(schemas) {
  const named = new Map(schemas.map((schema) => [fullName(schema), schema]));
  function resolve(node, seen) {
    if (typeof node === 'string') {
      if (named.has(node) && !seen.has(node)) {
        seen.add(node);
        return resolve(structuredClone(named.get(node)), seen);
      }
      return node;
    }
    if (Array.isArray(node)) return node.map((n) => resolve(n, seen));
    if (node && typeof node === 'object') {
      if ((node.type === 'record' || node.type === 'enum' || node.type === 'fixed') && node.name) seen.add(fullName(node));
      const out = { ...node };
      if (out.fields) out.fields = out.fields.map((f) => ({ ...f, type: resolve(f.type, seen) }));
      if (out.items) out.items = resolve(out.items, seen);
      if (out.values) out.values = resolve(out.values, seen);
      if (typeof out.type !== 'string' || named.has(out.type)) out.type = resolve(out.type, seen);
      return out;
    }
    return node;
  }
  return (schema) => resolve(schema, new Set());
}
