export * from './render-budget.js';
export * from './template-engine.js';
export * from './template-context.js';
export * from './webhook.definition.js';
export * from './webhook-presets.js';
export * from './webhook-request.renderer.js';
export * from './tracking-token.js';
export * from './tracking.env.js';
