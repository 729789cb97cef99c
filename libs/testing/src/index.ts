export * from './wait-for.js';
export * from './http-receiver.js';
export * from './service-process.js';
export * from './kafka-probe.js';
export * from './isolated-run.js';
export * from './scripted-receiver.js';
export * from './test-infra.js';
export * from './test-api-keys.js';
