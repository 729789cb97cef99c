export * from './template-engine.js';
export * from './webhook.definition.js';
export * from './webhook-request.renderer.js';
