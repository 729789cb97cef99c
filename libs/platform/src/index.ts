export * from './base-env.schema.js';
export * from './env-validation.js';
export * from './config.module.js';
export * from './readiness.js';
export * from './platform.module.js';
export * from './problem-details.filter.js';
export * from './zod-validation.js';
export * from './service-bootstrap.js';
