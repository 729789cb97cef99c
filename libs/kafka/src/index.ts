export * from './kafka-settings.js';
export * from './avro-serde.js';
export * from './topic-admin.js';
export * from './records.js';
export * from './typed-producer.js';
export * from './produce-coalescer.js';
export * from './consume-loop.js';
export * from './compacted-topic.view.js';
