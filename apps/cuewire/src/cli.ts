#!/usr/bin/env node
// The `cuewire` command line (`cuewire import events|profiles FILE`). Kept apart from main.ts,
// which starts services: the CLI only needs Kafka and the schema registry.
import { runCli } from '../../ingest/src/ingest.module.js';

process.exitCode = await runCli(process.argv.slice(2));
