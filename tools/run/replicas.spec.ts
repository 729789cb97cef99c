import { extraReplicas, parseReplicas } from './replicas.mjs';

const KNOWN = ['ingest', 'segmenter', 'campaign-evaluator', 'renderer', 'dispatcher'];

describe('--replicas of the local runner', () => {
  it('reads target=count pairs, with the short name of the evaluator', () => {
    expect(parseReplicas('evaluator=3, dispatcher=2,segmenter=1', KNOWN)).toEqual(new Map([['campaign-evaluator', 3], ['dispatcher', 2], ['segmenter', 1]]));
  });

  it('starts one process per replica beyond the first, each on its own port', () => {
    expect(extraReplicas(new Map([['campaign-evaluator', 3], ['dispatcher', 2], ['segmenter', 1]]), 8080)).toEqual([
      { target: 'campaign-evaluator', replica: 2, httpPort: 8180 },
      { target: 'campaign-evaluator', replica: 3, httpPort: 8181 },
      { target: 'dispatcher', replica: 2, httpPort: 8182 },
    ]);
  });

  it('names what it cannot read', () => {
    expect(() => parseReplicas('mailer=2', KNOWN)).toThrow(/"mailer=2" is not <target>=<count>/);
    expect(() => parseReplicas('dispatcher', KNOWN)).toThrow(/"dispatcher"/);
    expect(() => parseReplicas('dispatcher=0', KNOWN)).toThrow(/1 to 16/);
  });
});
