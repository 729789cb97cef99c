import { Counter } from 'prom-client';

/** Module-level so the single binary registers each metric once per process. */
export const feedbackMetrics = {
  callbacks: new Counter({
    name: 'cuewire_feedback_callbacks_total',
    help: 'Provider callbacks and tracking hits by outcome (accepted, rejected, invalid_token)',
    labelNames: ['provider', 'outcome'],
  }),
  engagements: new Counter({
    name: 'cuewire_feedback_engagements_total',
    help: 'Engagement items by outcome (published, duplicate, ignored)',
    labelNames: ['provider', 'outcome'],
  }),
};
