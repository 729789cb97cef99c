export * from './redis-endpoint.js';
export * from './redis-keys.js';
export * from './redis.module.js';
export * from './redis-slots.js';
