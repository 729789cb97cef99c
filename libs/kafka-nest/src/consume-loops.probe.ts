import type { ConsumeLoop } from '@cuewire/kafka';
import type { ReadinessProbe } from '@cuewire/platform';

/**
 * The readiness rule for a set of consume loops, whoever owns them (the decorated handlers'
 * host, the dispatcher's delivery pipeline): every loop is running, and none has held a record
 * open past its bound — Redis, Kafka or the registry has been failing that long.
 */
/** What readiness needs of a loop, whatever its record type. */
type LoopState = Pick<ConsumeLoop<unknown>, 'groupId' | 'isRunning' | 'isStuck' | 'oldestOpenMs'>;

export function consumeLoopsProbe(name: string, loops: () => readonly LoopState[]): ReadinessProbe {
  return {
    name,
    check: async () => {
      const stopped = loops().filter((l) => !l.isRunning).map((l) => l.groupId);
      if (stopped.length > 0) throw new Error(`consume loop(s) not running: ${stopped.join(', ')}`);
      const stuck = loops().filter((l) => l.isStuck).map((l) => `${l.groupId} (${Math.round(l.oldestOpenMs() / 1000)} s)`);
      if (stuck.length > 0) throw new Error(`consume loop(s) stuck on a record: ${stuck.join(', ')}`);
      return { consumers: loops().length };
    },
  };
}
