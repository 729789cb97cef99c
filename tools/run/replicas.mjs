// `npm start -- --replicas campaign-evaluator=3,dispatcher=2`: how many processes run each target.

/** Short names people use for the targets whose name is long. */
const ALIASES = { evaluator: 'campaign-evaluator', feedback: 'feedback-receiver' };

/**
 * Reads `target=N,…` into a Map of target → N (1 to 16). Throws naming the entry that cannot
 * be read. `known`: the target names (TARGETS).
 */
export function parseReplicas(spec, known) {
  const counts = new Map();
  for (const entry of spec.split(',').map((e) => e.trim()).filter(Boolean)) {
    const m = /^([a-z-]+)=(\d+)$/.exec(entry);
    const target = m && (ALIASES[m[1]] ?? m[1]);
    if (!m || !known.includes(target)) throw new Error(`--replicas: "${entry}" is not <target>=<count> with a target among ${known.join(', ')}`);
    const count = Number(m[2]);
    if (count < 1 || count > 16) throw new Error(`--replicas: ${target} needs 1 to 16 replicas, not ${count}`);
    counts.set(target, count);
  }
  return counts;
}

/**
 * The processes to start besides the one running every target: one per extra replica, running
 * only its target, each on its own HTTP port (after `basePort + 100`).
 */
export function extraReplicas(counts, basePort) {
  const extra = [];
  for (const [target, count] of counts) for (let k = 2; k <= count; k++) extra.push({ target, replica: k, httpPort: basePort + 100 + extra.length });
  return extra;
}
