import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { RedisKeys } from './redis-keys.js';
import { slotsOf } from './redis-slots.js';

/**
 * Reads every service and library source for the Redis commands that name several keys and
 * fails when one could cross hash slots on a Redis Cluster (CROSSSLOT there, silently fine on a
 * single server). Key expressions built with RedisKeys are evaluated with sample ids (the same
 * identifier, the same id) and their slots compared.
 */
const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

/** Multi-key scripts checked by a spec of their own, through the keys the repository builds. */
const SCRIPTS_WITH_SLOT_SPEC: Record<string, string> = {
  'apps/dispatcher/src/endpoints/endpoint-admission.repository.ts': 'apps/dispatcher/src/endpoints/endpoint-admission.slots.spec.ts',
  'apps/dispatcher/src/deliveries/customer-order.ts': 'apps/dispatcher/src/deliveries/customer-order.slots.spec.ts',
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'node_modules' || name === 'generated' ? [] : sources(full);
    return full.endsWith('.ts') && !full.endsWith('.spec.ts') && !full.endsWith('.d.ts') ? [full] : [];
  });
}

const files = ['apps', 'libs'].flatMap((top) => sources(path.join(ROOT, top))).map((full) => ({ file: path.relative(ROOT, full), text: readFileSync(full, 'utf8') }));

/** `RedisKeys.name(a, b)` with sample ids per identifier; `const x = RedisKeys…` is followed once. */
function keyOf(expression: string, text: string): string | undefined {
  const trimmed = expression.trim();
  const call = /^RedisKeys\.(\w+)\(([^()]*)\)$/.exec(trimmed);
  if (call) {
    const build = (RedisKeys as Record<string, (...ids: string[]) => string>)[call[1]];
    const args = call[2].split(',').map((a) => a.trim()).filter(Boolean);
    return build(...args.map((a) => `sample-${a.replace(/\W/g, '')}`));
  }
  const local = new RegExp(`const ${trimmed} = (RedisKeys\\.\\w+\\([^()]*\\));`).exec(text);
  return local ? keyOf(local[1], text) : undefined;
}

/** The first argument of each command in a MULTI (chained `.multi().a(k).b(k)` or `tx.a(k)` statements). */
function transactionKeys(text: string): { at: string; keys: string[] }[] {
  const found: { at: string; keys: string[] }[] = [];
  for (const m of text.matchAll(/\.multi\(\)([\s\S]*?)\.exec\(\)/g)) {
    found.push({ at: m[0].slice(0, 80), keys: [...m[1].matchAll(/\.\w+\(((?:RedisKeys\.\w+\([^()]*\))|\w+)/g)].map((c) => c[1]) });
  }
  for (const m of text.matchAll(/const (\w+) = [\w.]+\.multi\(\);([\s\S]*?)\1\.exec\(\)/g)) {
    found.push({ at: m[0].slice(0, 80), keys: [...m[2].matchAll(new RegExp(`${m[1]}\\.\\w+\\(((?:RedisKeys\\.\\w+\\([^()]*\\))|\\w+)`, 'g'))].map((c) => c[1]) });
  }
  return found;
}

describe('Redis commands across hash slots (Redis Cluster)', () => {
  it('reads the sources it audits', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.some((f) => f.text.includes('RedisKeys.'))).toBe(true);
  });

  it('passes one key to every EVAL (a multi-key script has a slot spec of its own)', () => {
    const multiKey = files.flatMap(({ file, text }) => [...text.matchAll(/\.eval\(\s*\w+,\s*(\d+)/g)].filter((m) => m[1] !== '1').map((m) => `${file}: ${m[0]}`));
    expect(multiKey).toEqual([]);
  });

  it('has a slot spec for every script defined with several keys, or with a key count given per call', () => {
    const unchecked = files.flatMap(({ file, text }) =>
      [...text.matchAll(/numberOfKeys:\s*(\d+)|\.defineBatchedScripts\(/g)].filter((m) => (m[1] === undefined || Number(m[1]) > 1) && !SCRIPTS_WITH_SLOT_SPEC[file]).map((m) => `${file}: ${m[0]}`),
    );
    expect(unchecked).toEqual([]);
    for (const spec of Object.values(SCRIPTS_WITH_SLOT_SPEC)) expect(statSync(path.join(ROOT, spec)).isFile()).toBe(true);
  });

  it('keeps every MULTI on one slot', () => {
    const transactions = files.flatMap(({ file, text }) => transactionKeys(text).map((t) => ({ file, ...t })));
    expect(transactions.length).toBeGreaterThanOrEqual(3);
    for (const t of transactions) {
      const keys = t.keys.map((k) => keyOf(k, files.find((f) => f.file === t.file)!.text));
      expect({ at: `${t.file}: ${t.at}`, unresolved: keys.filter((k) => k === undefined).length }).toEqual({ at: `${t.file}: ${t.at}`, unresolved: 0 });
      expect({ at: `${t.file}: ${t.at}`, slots: slotsOf(keys as string[], 'cw:').size }).toEqual({ at: `${t.file}: ${t.at}`, slots: 1 });
    }
  });

  it('keeps every DEL of several keys on one slot', () => {
    const dels = files.flatMap(({ file, text }) => [...text.matchAll(/\.del\(((?:RedisKeys\.\w+\([^()]*\)\s*,\s*)+RedisKeys\.\w+\([^()]*\))\)/g)].map((m) => ({ file, text, args: m[1] })));
    expect(dels.length).toBeGreaterThanOrEqual(1);
    for (const d of dels) {
      const keys = d.args.split(/,\s*(?=RedisKeys)/).map((k) => keyOf(k, d.text)!);
      expect({ at: `${d.file}: ${d.args}`, slots: slotsOf(keys, 'cw:').size }).toEqual({ at: `${d.file}: ${d.args}`, slots: 1 });
    }
    // A DEL of a spread list (`del(...keys)`) could name any keys at all.
    expect(files.filter(({ text }) => /\.del\(\.\.\./.test(text)).map((f) => f.file)).toEqual([]);
  });

  it('sends no pipeline, MGET or SCAN past the connection (a Cluster routes those per node)', () => {
    const offenders = files.filter(({ file }) => file !== 'libs/redis/src/redis.module.ts').flatMap(({ file, text }) => [...text.matchAll(/\.(pipeline|mget|scan)\(/g)].map((m) => `${file}: ${m[0]}`));
    expect(offenders).toEqual([]);
  });
});
