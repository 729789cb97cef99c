import avro from 'avsc';

/**
 * BACKWARD compatibility as the schema registry defines it: a consumer using `next` can read
 * every record written with `previous`. Returns the reason when it cannot, else null.
 */
export function backwardIncompatibility(next: object, previous: object): string | null {
  try {
    avro.Type.forSchema(next as avro.Schema).createResolver(avro.Type.forSchema(previous as avro.Schema));
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}
