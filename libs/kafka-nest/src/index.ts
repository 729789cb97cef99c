export * from './kafka-consumer.decorator.js';
export * from './kafka.module.js';
export * from './config-views.js';
export * from './kafka.tokens.js';
export * from './parsed-config.catalog.js';
export * from './api-key.catalog.js';
export * from './api-key.guard.js';
export * from './api-keys.module.js';
