/** Ends an exhaustive `switch`: adding a trigger kind fails to compile until every dispatch handles it. */
export function assertUnreachable(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
