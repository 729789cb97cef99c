export * from './redis-keys.js';
export * from './redis.module.js';
export * from './get-many.js';
