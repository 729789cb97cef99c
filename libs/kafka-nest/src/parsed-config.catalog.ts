import type { Logger } from '@nestjs/common';
import type { ConfigRecord } from '@cuewire/contracts';
import type { CompactedTopicView } from '@cuewire/kafka';

/**
 * Control-plane objects of one kind, parsed once per revision from a config view and kept
 * current as the view changes. A record that fails to parse (a foreign writer: the control
 * plane validates before writing) is logged and left out.
 */
export class ParsedConfigCatalog<T> {
  private readonly parsed = new Map<string, T>();

  constructor(
    view: CompactedTopicView<ConfigRecord>,
    private readonly parse: (record: ConfigRecord) => T,
    private readonly logger: Logger,
  ) {
    view.on('change', (id, record) => this.refresh(id, record));
    for (const record of view.values()) this.refresh(record.id, record);
  }

  get(id: string): T | undefined {
    return this.parsed.get(id);
  }

  all(): Iterable<T> {
    return this.parsed.values();
  }

  private refresh(id: string, record: ConfigRecord | null): void {
    if (record === null) {
      this.parsed.delete(id);
      return;
    }
    try {
      this.parsed.set(id, this.parse(record));
    } catch (error) {
      this.logger.error({ id, kind: record.kind, reason: (error as Error).message }, 'invalid config record ignored');
      this.parsed.delete(id);
    }
  }
}
