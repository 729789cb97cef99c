#!/usr/bin/env node
// The `cuewire` command line: `cuewire import events|profiles FILE` (ingest),
// `cuewire rebuild profiles` and `cuewire backfill profile-state` (segmenter). Kept apart from main.ts, which starts services: each
// command needs only what its app's command line sets up.
import { runCli as runIngestCli } from '../../ingest/src/ingest.module.js';
import { runSegmenterCli } from '../../segmenter/src/segmenter.module.js';

const COMMANDS = new Map<string, (argv: readonly string[]) => Promise<number>>([
  ['import', runIngestCli],
  ['rebuild', runSegmenterCli],
  ['backfill', runSegmenterCli],
]);

const USAGE = `Usage: cuewire <command> …
  cuewire import events|profiles FILE [options]   import NDJSON or CSV into Kafka (resumable)
  cuewire rebuild profiles [options]              restore profiles and segment membership in Redis from Kafka
  cuewire backfill profile-state [options]        publish the profiles Redis holds to Kafka (installs older than that topic)
Run a command with --help for its options.`;

const argv = process.argv.slice(2);
const run = COMMANDS.get(argv[0] ?? '');
if (run) process.exitCode = await run(argv);
else {
  process.stderr.write(`${USAGE}\n`);
  process.exitCode = argv[0] === '--help' || argv[0] === '-h' ? 0 : 2;
}
