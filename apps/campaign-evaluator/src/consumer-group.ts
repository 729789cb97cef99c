/** The evaluator's consumer group of enriched events (without the install prefix); timers compare their deadlines with its progress. */
export const EVALUATOR_GROUP = 'campaign-evaluator';
