import { parseArgs } from 'node:util';
import { allTopics } from '@cuewire/contracts';
import { AvroSerde, ensureTopics, TypedProducer, type KafkaSettings } from '@cuewire/kafka';
import { baseEnvSchema, validateEnv } from '@cuewire/platform';
import { ingestEnvSchema } from '../ingest.env.js';
import { CSV_DELIMITERS } from './csv-records.reader.js';
import { runImport } from './import.command.js';

const USAGE = `Usage: cuewire import events|profiles FILE [options]

Imports NDJSON (one JSON object per line) or CSV (header row; by the .csv extension or
--format; RFC 4180 quoting, newlines inside quoted cells, a UTF-8 BOM, comma, semicolon or
tab delimiters) straight into Kafka, validated record by record as the HTTP API does.
  events:   {"customerId","type","eventId"?,"occurredAt"?,"properties"?}; CSV: those columns, every other column is a property
  profiles: {"customerId","attributes":{...}} (null removes an attribute); CSV: customerId + one column per attribute

Resumable: progress is checkpointed in FILE.checkpoint.json after every acknowledged batch;
run the same command again after an interruption. Bad lines go to FILE.rejected.ndjson.

Options:
  --format ndjson|csv     default: by extension
  --delimiter , | ; | tab CSV cell delimiter (default: detected from the header row)
  --batch N               records per produce batch (default 1000)
  --in-flight N           batches awaiting acknowledgement at once (default 4)
  --progress-interval S   seconds between progress lines when stderr is not a terminal (default 5)
Kafka and the schema registry come from KAFKA_BROKERS, SCHEMA_REGISTRY_URL, KAFKA_TOPIC_PREFIX, ...`;

/** The `cuewire` command line. Returns the process exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      delimiter: { type: 'string' },
      batch: { type: 'string', default: '1000' },
      'in-flight': { type: 'string', default: '4' },
      'progress-interval': { type: 'string', default: '5' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, kind, file] = positionals;
  if (values.help || command !== 'import' || (kind !== 'events' && kind !== 'profiles') || !file || (values.format && !['ndjson', 'csv'].includes(values.format)) || (values.delimiter && !(values.delimiter in CSV_DELIMITERS))) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const env = validateEnv(baseEnvSchema.extend(ingestEnvSchema.shape), process.env);
  const settings: KafkaSettings = {
    brokers: env.KAFKA_BROKERS,
    clientId: `${env.KAFKA_CLIENT_ID}-import`,
    schemaRegistryUrl: env.SCHEMA_REGISTRY_URL,
    partitions: env.KAFKA_TOPIC_PARTITIONS,
    replicationFactor: env.KAFKA_REPLICATION_FACTOR,
    topicPrefix: env.KAFKA_TOPIC_PREFIX,
  };
  await ensureTopics(settings, allTopics);
  const producer = new TypedProducer(settings, new AvroSerde(settings.schemaRegistryUrl));
  const abort = new AbortController();
  const onSignal = () => {
    process.stderr.write('\ninterrupted: finishing the batches in flight and checkpointing…\n');
    abort.abort();
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    const summary = await runImport(producer, {
      kind,
      file,
      format: values.format as 'ndjson' | 'csv' | undefined,
      delimiter: values.delimiter ? CSV_DELIMITERS[values.delimiter as keyof typeof CSV_DELIMITERS] : undefined,
      batchSize: Number(values.batch),
      inFlight: Number(values['in-flight']),
      maxLineBytes: env.INGEST_MAX_LINE_BYTES,
      maxFutureSeconds: env.INGEST_MAX_FUTURE_SECONDS,
      progressIntervalMs: Number(values['progress-interval']) * 1000,
      signal: abort.signal,
    });
    process.stderr.write(
      `${summary.complete ? 'done' : 'stopped'}: ${summary.lines.toLocaleString('en-US')} lines, ${summary.accepted.toLocaleString('en-US')} accepted, ` +
        `${summary.rejected.toLocaleString('en-US')} rejected${summary.rejectedFile ? ` (see ${summary.rejectedFile})` : ''}` +
        `${summary.resumedFromLine > 1 ? `, resumed at line ${summary.resumedFromLine}` : ''} in ${summary.seconds.toFixed(1)} s\n`,
    );
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return summary.complete ? 0 : 130;
  } catch (error) {
    process.stderr.write(`import failed: ${(error as Error).message}\nrun the same command again to resume from the last checkpoint\n`);
    return 1;
  } finally {
    await producer.close().catch(() => undefined);
  }
}
