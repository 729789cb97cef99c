import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/** Where an import stands. Written only after everything before `offset` is acknowledged by Kafka. */
export interface ImportCheckpoint {
  readonly version: 1;
  readonly kind: 'events' | 'profiles';
  /** Input size when the import started: a resumed import refuses a file that shrank. */
  readonly fileSize: number;
  /** Byte offset and 1-based line number where reading resumes. */
  readonly offset: number;
  readonly line: number;
  readonly accepted: number;
  readonly rejected: number;
  /** Length of FILE.rejected.ndjson at this checkpoint: a resumed run truncates to it, so no rejected line is written twice. */
  readonly rejectedBytes: number;
  readonly done: boolean;
}

export const checkpointPath = (file: string) => `${file}.checkpoint.json`;
export const rejectedPath = (file: string) => `${file}.rejected.ndjson`;

export function startingCheckpoint(kind: ImportCheckpoint['kind'], fileSize: number): ImportCheckpoint {
  return { version: 1, kind, fileSize, offset: 0, line: 1, accepted: 0, rejected: 0, rejectedBytes: 0, done: false };
}

/** The saved checkpoint, checked against the input; undefined when there is none. */
export function loadCheckpoint(file: string, kind: ImportCheckpoint['kind'], fileSize: number): ImportCheckpoint | undefined {
  const path = checkpointPath(file);
  if (!existsSync(path)) return undefined;
  const saved = JSON.parse(readFileSync(path, 'utf8')) as ImportCheckpoint;
  if (saved.version !== 1 || saved.kind !== kind) throw new Error(`${path} belongs to another kind of import (${saved.kind}); delete it to start over`);
  if (saved.offset > fileSize || fileSize < saved.fileSize) throw new Error(`${file} is smaller than when ${path} was written; delete the checkpoint to start over`);
  return saved;
}

/** Atomic (write + rename): a crash leaves the previous checkpoint or the new one, never half of one. */
export function saveCheckpoint(file: string, checkpoint: ImportCheckpoint): void {
  const path = checkpointPath(file);
  writeFileSync(`${path}.tmp`, JSON.stringify(checkpoint));
  renameSync(`${path}.tmp`, path);
}
