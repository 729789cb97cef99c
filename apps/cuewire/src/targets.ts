import { campaignEvaluatorTarget } from '../../campaign-evaluator/src/campaign-evaluator.module.js';
import { controlPlaneTarget } from '../../control-plane/src/control-plane.module.js';
import { dispatcherTarget } from '../../dispatcher/src/dispatcher.module.js';
import { feedbackReceiverTarget } from '../../feedback-receiver/src/feedback-receiver.module.js';
import { historyTarget } from '../../history/src/history.module.js';
import { ingestTarget } from '../../ingest/src/ingest.module.js';
import { rendererTarget } from '../../renderer/src/renderer.module.js';
import { segmenterTarget } from '../../segmenter/src/segmenter.module.js';
import type { ServiceTarget } from '@cuewire/platform';

/** Every target the single binary can run, by name. */
export const TARGETS: Readonly<Record<string, ServiceTarget>> = Object.fromEntries(
  [ingestTarget, segmenterTarget, campaignEvaluatorTarget, rendererTarget, dispatcherTarget, feedbackReceiverTarget, controlPlaneTarget, historyTarget].map((t) => [t.name, t]),
);

/** `all` or a comma-separated list of target names. */
export function selectTargets(spec: string): ServiceTarget[] {
  if (spec.trim() === 'all') return Object.values(TARGETS);
  return spec.split(',').map((name) => {
    const target = TARGETS[name.trim()];
    if (!target) throw new Error(`unknown target "${name.trim()}"; known: all, ${Object.keys(TARGETS).join(', ')}`);
    return target;
  });
}
