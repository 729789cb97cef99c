export * from './generated/types.js';
export * from './topics.js';
export * from './schema-compatibility.js';
export * from './json-fields.js';
export * from './profile-limits.js';
export * from './on-demand.event.js';
export * from './record-headers.js';
