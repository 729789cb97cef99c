import { randomUUID } from 'node:crypto';
import type { TopicContract } from '@cuewire/contracts';
import type { ConsumeLoopLogger } from '@cuewire/kafka';

/** A fresh topic with a real contract's schema, so tests never see each other's records. */
export function scratchTopic<T>(contract: TopicContract<T>, label: string): TopicContract<T> {
  return { ...contract, name: `it.${label}.${randomUUID().slice(0, 8)}` };
}

export const quietLogger: ConsumeLoopLogger & { warnings: object[]; errors: object[] } = {
  warnings: [],
  errors: [],
  info: () => undefined,
  warn(obj) {
    this.warnings.push(obj);
  },
  error(obj) {
    this.errors.push(obj);
  },
};
