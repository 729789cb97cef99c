import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';

/**
 * Avro values in the Confluent wire format (magic byte 0, 4-byte schema id, Avro body),
 * with schemas registered under `<topic>-value` (TopicNameStrategy). Writers register on
 * first use; readers resolve any id they meet through the registry (cached).
 */
const REGISTRATION_PATIENCE_MS = 5 * 60_000;
/** Longest one registration request may take before it is given up and tried again. */
const REGISTRATION_ATTEMPT_MS = 15_000;

export class AvroSerde {
  private readonly registry: SchemaRegistry;
  private readonly ids = new Map<string, Promise<number>>();
  /** The last error a registration is waiting out (for start-up diagnostics), cleared by the next success. */
  lastRegistrationError?: string;

  constructor(
    schemaRegistryUrl: string,
    private readonly attemptMs = REGISTRATION_ATTEMPT_MS,
  ) {
    this.registry = new SchemaRegistry({ host: schemaRegistryUrl });
  }

  /** Registers (idempotently) the value schema of a topic (by its name on the cluster) and returns its id. */
  schemaId(topic: string, schema: object): Promise<number> {
    let id = this.ids.get(topic);
    if (!id) {
      id = this.register(topic, schema);
      id.catch(() => this.ids.delete(topic));
      this.ids.set(topic, id);
    }
    return id;
  }

  /**
   * A service that starts while the registry is down waits for it (up to five minutes, then
   * fails its start) rather than crashing at once: a registry restart must not take services
   * that happen to restart meanwhile down with it.
   */
  private async register(topic: string, schema: object): Promise<number> {
    const giveUpAt = Date.now() + REGISTRATION_PATIENCE_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        // A request that never answers (seen: a service's start hung here for 60 s with no error,
        // right after the registry started) is given up and tried again, not waited on forever.
        const registered = await withDeadline(
          this.registry.register(
            { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
            // The registry enforces BACKWARD evolution per subject from the first registration on.
            { subject: `${topic}-value`, compatibility: COMPATIBILITY.BACKWARD, updateConfig: true },
          ),
          this.attemptMs,
          `no answer from the schema registry within ${this.attemptMs} ms`,
        );
        this.lastRegistrationError = undefined;
        return registered.id;
      } catch (error) {
        if (!registrationMayRecover(error) || Date.now() > giveUpAt) throw error;
        this.lastRegistrationError = `${topic}-value, attempt ${attempt}: ${(error as Error).message}`;
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 100 * attempt)));
      }
    }
  }

  async encode<T>(topic: string, schema: object, value: T): Promise<Buffer> {
    return this.registry.encode(await this.schemaId(topic, schema), value);
  }

  /** Throws when the bytes are not a registered Avro value in the wire format. */
  async decode<T = unknown>(bytes: Buffer): Promise<T> {
    if (bytes.length < 5 || bytes[0] !== 0) {
      throw new UndecodableRecordError('value is not in the Confluent wire format (magic byte 0 + schema id)');
    }
    try {
      return (await this.registry.decode(bytes)) as T;
    } catch (error) {
      const { status, message } = error as { status?: number; message?: string };
      // Only the registry's "no such schema" is about the record; a refused connection (which the
      // client reports as status 400), a timeout or a 5xx is the registry's failure, retried.
      if (status === 404) throw new UndecodableRecordError(`unknown schema id ${bytes.readUInt32BE(1)}: ${message}`);
      if (status !== undefined) throw new RegistryUnavailableError(`schema registry unavailable: ${message}`, { cause: error });
      throw new UndecodableRecordError(`Avro decode failed: ${message}`);
    }
  }
}

/** `work`, or an error once `ms` have passed without it settling. */
function withDeadline<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Registration is retried unless the answer is definite (409 incompatible, 422 invalid
 * schema, or a schema the client itself rejects): a dropped connection or 5xx under load, and the moment when another
 * process has created the same subject but not yet set it to BACKWARD (the client then
 * sees NONE and refuses), both pass on their own. So does a 409 from the subject's config:
 * Apicurio answers "rule already exists" to the loser of two processes setting BACKWARD at
 * once (replicas starting together), and the retry updates the rule instead.
 */
function registrationMayRecover(error: unknown): boolean {
  const name = (error as Error).name;
  if (name === 'ConfluentSchemaRegistryCompatibilityError') return true;
  if (name === 'ConfluentSchemaRegistryArgumentError') return false; // the schema itself is invalid
  const { status, url } = error as { status?: number; url?: string };
  if (status === 409 && /\/config\//.test(url ?? '')) return true;
  return status !== 409 && status !== 422;
}

export class UndecodableRecordError extends Error {
  override readonly name = 'UndecodableRecordError';
}

/** The registry could not answer (down, refusing, timing out): the record is fine, try again later. */
export class RegistryUnavailableError extends Error {
  override readonly name = 'RegistryUnavailableError';
}
