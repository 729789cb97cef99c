export * from './campaign.definition.js';
export * from './event-trigger.evaluator.js';
