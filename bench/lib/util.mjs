// Small shared helpers for the benchmark.

/** Run `fn` over `items` with at most `concurrency` calls in flight, in order of submission. */
export async function runPool(items, concurrency, fn) {
  let next = 0
  const worker = async () => {
    while (next < items.length) await fn(items[next++])
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker))
}

/** A promise with its resolve/reject exposed. */
export function settle() {
  let resolve, reject
  const promise = new Promise((res, rej) => ((resolve = res), (reject = rej)))
  return { promise, resolve, reject }
}

export const median = xs => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

const fmt = n => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1))

/** "median (min–max)" for a list of rates. */
export const summary = xs => `${fmt(median(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`

/** Spread as ±% of the median, half the min–max range. */
export const spreadPct = xs => `±${((50 * (Math.max(...xs) - Math.min(...xs))) / median(xs)).toFixed(1)}%`

export function parseArgs(argv) {
  const args = { messages: 200_000, runs: 3, batchSize: 1000, inFlight: 4, partitions: 3, consumeBatch: 1000 }
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i])
    if (!m) throw new Error(`unexpected argument ${argv[i]}`)
    const key = m[1].replace(/-([a-z])/g, (_, c) => c.toUpperCase())
    if (!(key in args)) throw new Error(`unknown option --${m[1]}`)
    const value = Number(m[2] ?? argv[++i])
    if (!Number.isInteger(value) || value <= 0) throw new Error(`--${m[1]} needs a positive integer`)
    args[key] = value
  }
  return args
}
